"""Which e-mail addresses can ever be delivered, checked when they are saved (DOMAIN.md §4.3, issue 13 item 7).

email-validator judges the syntax (RFC 5322 / 6531 as mail servers apply them) with its deliverability
checks off: no DNS look-up at save time, so the rule stays a pure function. Addresses with non-ASCII
characters before the @ are refused: they need the SMTPUTF8 extension, which the relay does not offer, so such
a message could never leave (a non-ASCII domain is fine: it is sent in its ASCII form).
"""

from __future__ import annotations

from email_validator import EmailNotValidError, validate_email


def sahkoposti_error(address: str) -> str | None:
    """Why `address` can never be delivered, in words, or None when it can."""
    try:
        validate_email(address, check_deliverability=False, allow_smtputf8=False)
    except EmailNotValidError as e:
        return str(e)
    return None
