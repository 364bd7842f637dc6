"""Configuration from environment variables, read once at the edge and passed in."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from models.rules.sailytys import DEFAULT_RETENTION_DAYS

VAR_DIR = Path(os.environ.get("POLKU_VAR_DIR", "var"))


def _flag(name: str) -> bool:
    return os.environ.get(name, "").strip().lower() in {"1", "true", "yes", "on"}


def default_database_url() -> str:
    """The embedded default: SQLite in ./var/ (created on demand)."""
    return f"sqlite://{(VAR_DIR / 'polku.sqlite3').resolve()}"


@dataclass(frozen=True)
class Settings:
    database_url: str = field(default_factory=default_database_url)
    redis_url: str | None = None
    debug: bool = False
    explorer: bool = False  # POLKU_EXPLORER (or POLKU_DEBUG): offline GraphiQL at /graphiql; on in `polku dev`
    public_base_url: str = "http://127.0.0.1:8000"
    smtp_host: str = "127.0.0.1"
    smtp_port: int = 25
    smtp_username: str | None = None
    smtp_password: str | None = None
    smtp_tls: str = "none"  # none | starttls | tls
    twilio_account_sid: str = "AC00000000000000000000000000000000"
    twilio_auth_token: str = "dev-token"
    twilio_messaging_service_sid: str | None = None
    twilio_from: str | None = None
    twilio_api_base: str | None = None  # e.g. http://127.0.0.1:8025 for a local stand-in
    graphql_max_body_bytes: int = 1_000_000
    db_pool_size: int = 10  # PostgreSQL connections per process at most (docs/deployment.md)
    environment: str = "development"  # POLKU_ENV: "production" refuses development secrets and defaults
    csrf_secret: str | None = None  # None: a random one per process (development only)
    trusted_proxies: tuple[str, ...] = ()  # addresses whose X-Forwarded-For/-Proto `polku serve` believes
    contact_retention_days: int = DEFAULT_RETENTION_DAYS  # on links and deliveries, after the answer period
    koski_url: str | None = None  # e.g. https://koski.opintopolku.fi; unset: no change-feed sync
    koski_username: str | None = None
    koski_password: str | None = None

    @classmethod
    def from_env(cls) -> Settings:
        env = os.environ
        return cls(
            database_url=env.get("DATABASE_URL") or default_database_url(),
            redis_url=env.get("REDIS_URL") or None,
            debug=_flag("POLKU_DEBUG"),
            explorer=_flag("POLKU_EXPLORER"),
            public_base_url=env.get("POLKU_PUBLIC_URL", cls.public_base_url).rstrip("/"),
            smtp_host=env.get("SMTP_HOST", cls.smtp_host),
            smtp_port=int(env.get("SMTP_PORT", cls.smtp_port)),
            smtp_username=env.get("SMTP_USERNAME") or None,
            smtp_password=env.get("SMTP_PASSWORD") or None,
            smtp_tls=env.get("SMTP_TLS", cls.smtp_tls),
            twilio_account_sid=env.get("TWILIO_ACCOUNT_SID", cls.twilio_account_sid),
            twilio_auth_token=env.get("TWILIO_AUTH_TOKEN", cls.twilio_auth_token),
            twilio_messaging_service_sid=env.get("TWILIO_MESSAGING_SERVICE_SID") or None,
            twilio_from=env.get("TWILIO_FROM") or None,
            twilio_api_base=env.get("TWILIO_API_BASE") or None,
            graphql_max_body_bytes=int(env.get("POLKU_GRAPHQL_MAX_BODY_BYTES", cls.graphql_max_body_bytes)),
            db_pool_size=int(env.get("POLKU_DB_POOL_SIZE", cls.db_pool_size)),
            environment=env.get("POLKU_ENV", cls.environment).strip().lower(),
            # ASGI_CSRF_SECRET is the name asgi-csrf itself reads, kept so existing deployments carry on
            csrf_secret=env.get("POLKU_CSRF_SECRET") or env.get("ASGI_CSRF_SECRET") or None,
            contact_retention_days=int(env.get("POLKU_CONTACT_RETENTION_DAYS", cls.contact_retention_days)),
            koski_url=(env.get("KOSKI_URL") or "").rstrip("/") or None,
            koski_username=env.get("KOSKI_USERNAME") or None,
            koski_password=env.get("KOSKI_PASSWORD") or None,
            trusted_proxies=tuple(p.strip() for p in env.get("POLKU_TRUSTED_PROXIES", "").split(",") if p.strip()),
        )
