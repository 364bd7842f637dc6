"""What every resolver gets: the authenticated principal, the request's loaders and today's date."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime

from starlette.requests import Request
from starlette.responses import Response
from strawberry.types import Info as StrawberryInfo

from api.audit_trail import AuditTrail
from api.authorization import Decisions
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


Info = StrawberryInfo[Context, None]
