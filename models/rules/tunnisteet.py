"""Identifier checks: OIDs and the y-tunnus (DOMAIN.md §1–2).

OIDs are accepted by Koski's patterns alone (Polku mirrors, it does not issue): real data holds 12-digit
organisation OIDs and test OIDs starting with 0. `make_oid` still issues OIDs with the person register's check
digit (IBM 1-3-7 for node 24, Luhn for the others) for demo and test data.
The y-tunnus check digit uses weights 7,9,10,5,8,4,2; remainder 1 means the number can't exist.
"""

from __future__ import annotations

import re

from models.rules.viesti import Viesti

OID_ROOT = "1.2.246.562."
OPPIJA_NODE = "24"
OPISKELUOIKEUS_NODE = "15"
ORGANISAATIO_NODE = "10"

_OID_RE = re.compile(r"^1\.2\.246\.562\.(\d+)\.(\d+)$")
# Koski's patterns: the nodes each kind may use and how many digits follow.
_NODES = {
    OPPIJA_NODE: (("24", "98", "198"), 11, 11),
    OPISKELUOIKEUS_NODE: (("15",), 11, 11),
    ORGANISAATIO_NODE: (("10", "99", "199"), 11, 24),
}
_YTUNNUS_RE = re.compile(r"^(\d{7})-(\d)$")
_YTUNNUS_WEIGHTS = (7, 9, 10, 5, 8, 4, 2)


def ibm_check_digit(digits: str) -> int:
    """IBM 1-3-7: weights 7, 3, 1, … from the rightmost digit; check = (10 − sum mod 10) mod 10."""
    weights = (7, 3, 1)
    total = sum(int(d) * weights[i % 3] for i, d in enumerate(reversed(digits)))
    return (10 - total % 10) % 10


def luhn_check_digit(digits: str) -> int:
    """Luhn: double every second digit from the rightmost, subtract 9 above 9; check makes the sum ≡ 0."""
    total = 0
    for i, d in enumerate(reversed(digits)):
        n = int(d)
        if i % 2 == 0:
            n *= 2
            if n > 9:
                n -= 9
        total += n
    return (10 - total % 10) % 10


def check_digit(node: str, digits: str) -> int:
    return ibm_check_digit(digits) if node == OPPIJA_NODE else luhn_check_digit(digits)


def make_oid(node: str, ten_digits: str) -> str:
    """Complete an OID from its node and ten digits (the first not 0) by appending the check digit."""
    if len(ten_digits) != 10 or not ten_digits.isdigit() or ten_digits[0] == "0":
        raise ValueError("an OID body is ten digits, the first not 0")
    return f"{OID_ROOT}{node}.{ten_digits}{check_digit(node, ten_digits)}"


def oid_error(oid: str, node: str) -> Viesti | None:
    """Why `oid` does not match Koski's pattern for `node`'s kind, or None when it does (no check digit test)."""
    nodes, least, most = _NODES[node]
    digits = f"{least}" if least == most else f"{least}–{most}"
    m = _OID_RE.match(oid)
    if not m or not least <= len(m.group(2)) <= most:
        return Viesti.of(
            "must look like {prefix}. followed by {digits} digits", prefix=f"{OID_ROOT}{node}", digits=digits
        )
    if m.group(1) not in nodes:
        return Viesti.of("must be an OID of node {nodes}, not {node}", nodes=" / ".join(nodes), node=m.group(1))
    return None


def is_valid_oid(oid: str, node: str) -> bool:
    return oid_error(oid, node) is None


def ytunnus_check_digit(seven: str) -> int | None:
    """The y-tunnus check digit for seven digits, or None when no valid check digit exists (r = 1)."""
    r = sum(int(d) * w for d, w in zip(seven, _YTUNNUS_WEIGHTS, strict=True)) % 11
    if r == 0:
        return 0
    if r == 1:
        return None
    return 11 - r


def ytunnus_error(ytunnus: str) -> str | None:
    """Why `ytunnus` is not a valid business ID (`NNNNNNN-C`), or None when it is."""
    m = _YTUNNUS_RE.match(ytunnus)
    if not m:
        return "must be seven digits, a hyphen and a check digit (NNNNNNN-C)"
    expected = ytunnus_check_digit(m.group(1))
    if expected is None:
        return "no valid check digit exists for these digits"
    if int(m.group(2)) != expected:
        return "check digit does not match"
    return None


_HETU_RE = re.compile(r"^(\d{6})[-+ABCDEFUVWXY](\d{3})([0-9ABCDEFHJKLMNPRSTUVWXY])$")
_HETU_CHECK = "0123456789ABCDEFHJKLMNPRSTUVWXY"


def hetu_error(hetu: str) -> str | None:
    """Why `hetu` is not a well-formed Finnish henkilötunnus (DDMMYY, century sign, NNN, check), or None."""
    m = _HETU_RE.match(hetu)
    if not m:
        return "must be DDMMYY, a century sign, three digits and a check character"
    if _HETU_CHECK[int(m.group(1) + m.group(2)) % 31] != m.group(3):
        return "check character does not match"
    return None
