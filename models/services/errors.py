"""The errors services raise; `api.errors` is the one place that turns them into GraphQL errors."""

from __future__ import annotations

from collections.abc import Sequence

from models.rules.hoks import FieldError


class DomainError(Exception):
    """A refusal the caller can act on: a machine-readable code, a human message and the field it concerns."""

    def __init__(self, code: str, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.field = field


class NotFound(DomainError):
    def __init__(self, what: str, key: object, field: str | None = None) -> None:
        super().__init__("NOT_FOUND", f"{what} {key} not found", field)


class Forbidden(DomainError):
    def __init__(self, message: str) -> None:
        super().__init__("FORBIDDEN", message)


class ValidationFailed(DomainError):
    """Several field errors at once, so the official fixes everything in one round."""

    def __init__(self, errors: Sequence[FieldError]) -> None:
        first = errors[0]
        summary = f"{first.field}: {first.message}"
        if len(errors) > 1:
            summary += f" (and {len(errors) - 1} more)"
        super().__init__("VALIDATION_FAILED", summary, first.field)
        self.errors = list(errors)
