"""The errors services raise; `api.errors` is the one place that turns them into GraphQL errors.

A message is an English catalog template with named values (`models.rules.viesti`): the API shows it in the
client's language, `message` keeps the English text for logs and the command line.
"""

from __future__ import annotations

from collections.abc import Sequence

from models.rules.hoks import FieldError
from models.rules.viesti import Viesti


class DomainError(Exception):
    """A refusal the caller can act on: a machine-readable code, a human message and the field it concerns."""

    def __init__(self, code: str, message: str | Viesti, field: str | None = None, **arvot: object) -> None:
        self.viesti = message if isinstance(message, Viesti) else Viesti.of(message, **arvot)
        self.message = str(self.viesti)
        super().__init__(self.message)
        self.code = code
        self.field = field


class NotFound(DomainError):
    def __init__(self, what: str, key: object, field: str | None = None) -> None:
        # `what` is a noun of the domain (organisation, HOKS, kyselylinkki): translated with the message.
        super().__init__("NOT_FOUND", "{what} {key} not found", field, what=Viesti(what), key=key)


class Forbidden(DomainError):
    def __init__(self, message: str | Viesti, **arvot: object) -> None:
        super().__init__("FORBIDDEN", message, None, **arvot)


class ValidationFailed(DomainError):
    """Several field errors at once, so the official fixes everything in one round."""

    def __init__(self, errors: Sequence[FieldError]) -> None:
        first, more = errors[0], len(errors) - 1
        if more:
            super().__init__(
                "VALIDATION_FAILED",
                "{path}: {error} (and {more} more)",
                first.field,
                path=first.field,
                error=first.teksti,
                more=more,
            )
        else:
            super().__init__("VALIDATION_FAILED", "{path}: {error}", first.field, path=first.field, error=first.teksti)
        self.errors = list(errors)
