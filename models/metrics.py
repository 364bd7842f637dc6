"""Prometheus metrics shared by the API processes and the workers.

With several processes on one host (uvicorn's `--workers`, several `polku worker`), set PROMETHEUS_MULTIPROC_DIR
to one empty directory for all of them (emptied at each deploy): every process then writes its samples there
and `/metrics` of any API process reports the sum over all of them (prometheus-client's multiprocess mode).
"""

from __future__ import annotations

import os

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
    multiprocess,
)

REQUESTS = Counter("polku_requests_total", "HTTP requests by operation and status", ["operation", "status"])
LATENCY = Histogram("polku_request_seconds", "HTTP request latency by operation", ["operation"])
DELIVERIES = Counter("polku_deliveries_total", "Delivery attempts by channel and outcome", ["kanava", "outcome"])
FEEDBACK_RUN = Histogram(
    "polku_feedback_run_seconds", "Duration of a scheduled feedback run", ["step"], buckets=(1, 5, 15, 60, 300, 900)
)
QUEUE_DEPTH = Gauge("polku_queue_depth", "Jobs waiting in the arq queue", multiprocess_mode="mostrecent")


def exposition() -> tuple[bytes, str]:
    """The text format of every metric: this process's, or all processes' in multiprocess mode."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
        return generate_latest(registry), CONTENT_TYPE_LATEST
    return generate_latest(), CONTENT_TYPE_LATEST
