"""The one place where failures become GraphQL errors.

A `DomainError`'s message is shown in the client's language (`api.i18n`) and gains `extensions` naming the
machine-readable code and the input field (camelCase, as the client sent it). GraphQL's own validation errors
pass through. Anything else is an unexpected failure: logged with its traceback, shown only as "Unexpected
error." so nothing internal leaks.
"""

from __future__ import annotations

import logging
import re

from graphql.error import GraphQLError
from strawberry.extensions import MaskErrors

from api.i18n import kieli_of, viesti
from models.services.errors import DomainError, ValidationFailed

log = logging.getLogger("polku.api")
# The HTTP status of a refusal on the plain HTTP routes (the CSV files); any other code is a 400.
HTTP_STATUS = {"UNAUTHENTICATED": 401, "FORBIDDEN": 403, "NOT_FOUND": 404}
_SNAKE = re.compile(r"_([a-z0-9])")


def camel_path(path: str | None) -> str | None:
    """`tutkinnon_osat[0].ytunnus` → `tutkinnonOsat[0].ytunnus`: error paths in the client's own names."""
    if path is None:
        return None
    return _SNAKE.sub(lambda m: m.group(1).upper(), path)


def client_message(message: str, field: str | None) -> str:
    """The message names its field as `extensions.field` does: `oppija_oid is …` → `oppijaOid is …` (issue 14)."""
    if not field or "_" not in field:
        return message
    return re.sub(rf"(?<![\w.]){re.escape(field)}(?!\w)", str(camel_path(field)), message)


def error_message(error: DomainError, kieli: str) -> str:
    return client_message(viesti(error.viesti, kieli), error.field)


def domain_extensions(error: DomainError, kieli: str) -> dict[str, object]:
    extensions: dict[str, object] = {"code": error.code}
    if error.field is not None:
        extensions["field"] = camel_path(error.field)
    if isinstance(error, ValidationFailed):
        extensions["errors"] = [
            {"field": camel_path(e.field), "code": e.code, "message": client_message(viesti(e.teksti, kieli), e.field)}
            for e in error.errors
        ]
    return extensions


class PolkuErrors(MaskErrors):
    def __init__(self) -> None:
        super().__init__(should_mask_error=lambda e: e.original_error is not None)

    def anonymise_error(self, error: GraphQLError) -> GraphQLError:
        original = error.original_error
        if isinstance(original, DomainError):
            request = getattr(self.execution_context.context, "request", None)
            kieli = kieli_of(getattr(request, "headers", None))
            return GraphQLError(
                message=error_message(original, kieli),
                nodes=error.nodes,
                source=error.source,
                positions=error.positions,
                path=error.path,
                extensions=domain_extensions(original, kieli),
            )
        log.error("unexpected error in GraphQL resolver", exc_info=original)
        masked = super().anonymise_error(error)
        masked.extensions = {"code": "INTERNAL"}
        return masked
