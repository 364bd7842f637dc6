"""How long contact details stay on survey links and deliveries (issue 10, privacy retention).

A link's e-mail address and phone number, and the address each delivery went to, are needed while the link
can be answered and reminded, and a while after for delivery questions and complaints. They are erased
`days` days after the answer period ends (90 by default, as the reference feedback service does). A link
without an answer period (never sent) counts from its trigger day. The answers themselves keep no contact
details, so reports are not affected.
"""

from __future__ import annotations

from datetime import date, timedelta

DEFAULT_RETENTION_DAYS = 90


def erase_on(end: date, days: int) -> date:
    """The first day the contact details of a link whose answer period ended on `end` are gone: they are kept
    through `end + days`."""
    return end + timedelta(days=days + 1)


def latest_end_to_erase(today: date, days: int) -> date:
    """On `today`, links whose answer period ended on or before this day lose their contact details: the same
    rule as `erase_on`, turned round for the query."""
    return today - timedelta(days=days + 1)
