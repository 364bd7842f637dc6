"""What every resolver gets: the authenticated principal, the request's loaders, today's date and the client's
language."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from functools import cached_property

from starlette.requests import Request
from starlette.responses import Response
from strawberry.types import Info as StrawberryInfo

from api.audit_trail import AuditTrail
from api.authorization import Decisions
from api.i18n import kieli_of
from api.loaders import Loaders
from models.rules.calendar import helsinki_day
from models.services.access import Principal
from models.settings import Settings


@dataclass
class Context:
    request: Request
    response: Response | None
    principal: Principal
    settings: Settings
    now: datetime = field(default_factory=lambda: datetime.now(UTC))
    loaders: Loaders = field(default_factory=Loaders)
    decisions: Decisions = field(default_factory=Decisions)
    audit: AuditTrail = field(default_factory=AuditTrail)

    @property
    def today(self) -> date:
        """The Helsinki day of this request: the explicit `today` every rule is given."""
        return helsinki_day(self.now)

    @cached_property
    def kieli(self) -> str:
        """The language of every text this request shows (Accept-Language: fi, sv or en; Finnish by default)."""
        return kieli_of(self.request.headers)


Info = StrawberryInfo[Context, None]
