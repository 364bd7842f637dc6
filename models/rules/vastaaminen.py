"""Whether a kyselylinkki may be answered today, and which redirect URLs a provider may set (DOMAIN.md §5).

Pure: the caller passes `today` (the Helsinki day) and the link's stored facts.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from enum import StrEnum
from urllib.parse import urlsplit, urlunsplit

MAX_URL_LENGTH = 2048
# Printable ASCII without space, quotes, angle brackets and backslash: browsers "repair" a backslash into a
# slash (`https://good.fi\@evil.example`), and quotes or brackets only ever appear in injection attempts.
_URL_CHARS = re.compile(r"^[!#-&(-;=?-\[\]-~]+$")
_HOST_LABEL = re.compile(r"^(?!-)[a-z0-9-]{1,63}(?<!-)$")


class LinkinTila(StrEnum):
    """What a respondent opening the link sees; each state other than AVOIN has its own page."""

    AVOIN = "avoin"
    EI_VIELA_AUKI = "ei_viela_auki"
    VANHENTUNUT = "vanhentunut"
    VASTATTU = "vastattu"


def linkin_tila(
    *,
    vastausaika_alku: date | None,
    vastausaika_loppu: date | None,
    vastattu_at: datetime | None,
    peruttu_at: datetime | None,
    today: date,
) -> LinkinTila:
    """The state of a link on `today`.

    An answer wins over everything (the respondent should learn their answer counted). A link cancelled because
    its OO was voided shows the expired page (DOMAIN.md §5). A link not yet sent has no answer period yet, so it
    is "not yet open"; the period `[alku, loppu]` includes both ends (DOMAIN.md §3).
    """
    if vastattu_at is not None:
        return LinkinTila.VASTATTU
    if peruttu_at is not None:
        return LinkinTila.VANHENTUNUT
    if vastausaika_alku is None or today < vastausaika_alku:
        return LinkinTila.EI_VIELA_AUKI
    if vastausaika_loppu is not None and today > vastausaika_loppu:
        return LinkinTila.VANHENTUNUT
    return LinkinTila.AVOIN


class UrlVirhe(ValueError):
    """A refused redirect URL; the message says why, for the provider's admin."""


def normalize_uudelleenohjaus_url(raw: str) -> str:
    """The provider's redirect URL (uudelleenohjauslinkki) checked and normalised, or UrlVirhe.

    The respondent's browser is sent there straight after answering, so only a plain https address of a named
    host is accepted: no other scheme (javascript:, data:, http:), no credentials (`https://user@host` is a
    classic phishing disguise), no characters browsers reinterpret. A non-ASCII host is stored in its punycode
    form so the check sees what the browser will resolve.
    """
    url = raw.strip()
    if not url:
        raise UrlVirhe("the URL is empty")
    if len(url) > MAX_URL_LENGTH:
        raise UrlVirhe(f"the URL is longer than {MAX_URL_LENGTH} characters")
    try:
        parts = urlsplit(url)
    except ValueError as e:
        raise UrlVirhe(f"the URL can't be parsed: {e}") from None
    if parts.scheme.lower() != "https":
        raise UrlVirhe("only https:// addresses are allowed")
    if "@" in parts.netloc:
        raise UrlVirhe("the URL must not contain a user name or password")
    host = _ascii_host(parts.hostname or "")
    try:
        port = parts.port
    except ValueError:
        raise UrlVirhe("the port is not a number between 0 and 65535") from None
    netloc = host if port is None else f"{host}:{port}"
    normalised = urlunsplit(("https", netloc, parts.path, parts.query, parts.fragment))
    if not _URL_CHARS.match(normalised):
        raise UrlVirhe("the URL contains spaces, quotes, angle brackets, backslashes or control characters")
    return normalised


def _ascii_host(host: str) -> str:
    if not host:
        raise UrlVirhe("the URL has no host name")
    try:
        ascii_host = host.encode("idna").decode("ascii").lower()
    except UnicodeError:
        raise UrlVirhe("the host name is not a valid domain name") from None
    labels = ascii_host.rstrip(".").split(".")
    if len(labels) < 2 or not all(_HOST_LABEL.match(label) for label in labels):
        raise UrlVirhe("the host must be a domain name such as palaute.example.fi")
    if labels[-1].isdigit():
        raise UrlVirhe("the host must be a domain name, not an IP address")
    return ascii_host


def is_safe_uudelleenohjaus_url(url: str | None) -> bool:
    """Re-checked before redirecting: a stored value that fails today's rules is never followed."""
    if not url:
        return False
    try:
        return normalize_uudelleenohjaus_url(url) == url
    except UrlVirhe:
        return False
