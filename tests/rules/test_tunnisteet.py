"""OID and y-tunnus checks (DOMAIN.md §1–2), with check digits worked out by hand in the comments."""

from __future__ import annotations

import pytest

from models.rules.tunnisteet import (
    OPISKELUOIKEUS_NODE,
    OPPIJA_NODE,
    ORGANISAATIO_NODE,
    ibm_check_digit,
    is_valid_oid,
    luhn_check_digit,
    make_oid,
    oid_error,
    ytunnus_check_digit,
    ytunnus_error,
)


def test_ibm_1_3_7_weights_from_the_rightmost_digit() -> None:
    # 1000000001: weights 7,3,1,7,… from the right → 1·7 (rightmost) + 1·7 (tenth from the right) = 14 → (10−4) = 6
    assert ibm_check_digit("1000000001") == 6
    # 1234567890 reversed 0,9,8,7,6,5,4,3,2,1 × 7,3,1,7,3,1,7,3,1,7 = 0+27+8+49+18+5+28+9+2+7 = 153 → 7
    assert ibm_check_digit("1234567890") == 7
    # 1000000006 → 6·7 + 1·7 = 49 → 1; and a sum divisible by ten gives 0, not 10: 1000000009 → 63+7 = 70 → 0
    assert ibm_check_digit("1000000006") == 1
    assert ibm_check_digit("1000000009") == 0


def test_luhn_doubles_every_second_digit_from_the_rightmost() -> None:
    # 1000000001: the rightmost 1 doubled is 2, the leftmost 1 (position 9, not doubled) is 1 → 3 → 7
    assert luhn_check_digit("1000000001") == 7
    # 1234567890: doubled 0,8,6,4,2 → 0,7,3,8,4 = 22; plain 9,7,5,3,1 = 25; 47 → 3
    assert luhn_check_digit("1234567890") == 3
    # a real oppilaitos OID from Koski's fixtures: 1.2.246.562.10.52251087186 (Stadin ammattiopisto)
    assert luhn_check_digit("5225108718") == 6


@pytest.mark.parametrize(
    ("oid", "node", "valid"),
    [
        ("1.2.246.562.24.12345678907", OPPIJA_NODE, True),
        ("1.2.246.562.24.12345678903", OPPIJA_NODE, True),  # no check digit test: Polku mirrors, it does not issue
        ("1.2.246.562.24.00000000001", OPPIJA_NODE, True),  # Koski's test OIDs start with 0
        ("1.2.246.562.98.12345678903", OPPIJA_NODE, True),
        ("1.2.246.562.198.12345678903", OPPIJA_NODE, True),
        ("1.2.246.562.24.1234567890", OPPIJA_NODE, False),
        ("1.2.246.562.15.12345678907", OPISKELUOIKEUS_NODE, True),
        ("1.2.246.562.15.123456789071", OPISKELUOIKEUS_NODE, False),
        ("1.2.246.562.10.52251087185", ORGANISAATIO_NODE, True),  # not a Luhn digit, like real oppilaitokset
        ("1.2.246.562.10.346830761110", ORGANISAATIO_NODE, True),  # Helsingin kaupunki, 12 digits
        ("1.2.246.562.99.00000000001", ORGANISAATIO_NODE, True),
        ("1.2.246.562.10.1234567890", ORGANISAATIO_NODE, False),
        ("1.2.246.562.10.1234567890123456789012345", ORGANISAATIO_NODE, False),  # 25 digits
    ],
)
def test_oids_are_checked_by_koskis_patterns(oid: str, node: str, valid: bool) -> None:
    assert is_valid_oid(oid, node) is valid


def test_oid_errors_say_why() -> None:
    assert "node 24 / 98 / 198, not 15" in str(oid_error("1.2.246.562.15.12345678903", OPPIJA_NODE) or "")
    assert "11 digits" in str(oid_error("1.2.246.562.24.123", OPPIJA_NODE) or "")
    assert "11 digits" in str(oid_error(" 1.2.246.562.24.12345678907", OPPIJA_NODE) or "")
    assert "11–24 digits" in str(oid_error("1.2.246.562.10.123", ORGANISAATIO_NODE) or "")


def test_make_oid_appends_the_node_check_digit() -> None:
    assert make_oid(OPPIJA_NODE, "1234567890") == "1.2.246.562.24.12345678907"
    assert make_oid(OPISKELUOIKEUS_NODE, "1234567890") == "1.2.246.562.15.12345678903"
    with pytest.raises(ValueError):
        make_oid(OPPIJA_NODE, "0123456789")
    with pytest.raises(ValueError):
        make_oid(OPPIJA_NODE, "123")


def test_ytunnus_check_digit_weights_7_9_10_5_8_4_2() -> None:
    # Nokia 0112038-9: 0·7+1·9+1·10+2·5+0·8+3·4+8·2 = 57, 57 mod 11 = 2 → 11−2 = 9
    assert ytunnus_check_digit("0112038") == 9
    assert ytunnus_error("0112038-9") is None
    assert ytunnus_error("0112038-8") == "check digit does not match"


def test_ytunnus_remainder_zero_gives_check_digit_zero() -> None:
    # 1572860: 7+45+70+10+64+24+0 = 220 = 20·11 → r = 0 → check digit 0
    assert ytunnus_check_digit("1572860") == 0
    assert ytunnus_error("1572860-0") is None


def test_ytunnus_remainder_one_can_never_be_valid() -> None:
    # 0010001: 1·10 + 1·2 = 12, 12 mod 11 = 1 → no check digit exists
    assert ytunnus_check_digit("0010001") is None
    for digit in range(10):
        assert ytunnus_error(f"0010001-{digit}") == "no valid check digit exists for these digits"


@pytest.mark.parametrize("bad", ["1572860", "1572860-00", "157286-0", "1572860_0", "ABCDEFG-0", ""])
def test_ytunnus_shape_is_seven_digits_hyphen_check(bad: str) -> None:
    assert "NNNNNNN-C" in (ytunnus_error(bad) or "")
