"""How a send can fail: temporary failures are retried, permanent ones are recorded and never retried (§4.3)."""

from __future__ import annotations


class TemporaryFailure(Exception):
    """The provider may accept the message later (connection refused, SMTP 4xx, HTTP 429/5xx)."""


class PermanentFailure(Exception):
    """The message can never be delivered as addressed (SMTP 5xx, an invalid number)."""

    def __init__(self, reason: str, *, bounced: bool = False) -> None:
        super().__init__(reason)
        self.bounced = bounced
