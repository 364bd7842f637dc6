"""When a link may be answered, and which redirect URLs a provider may set (DOMAIN.md §5)."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from models.rules.vastaaminen import (
    LinkinTila,
    UrlVirhe,
    is_safe_uudelleenohjaus_url,
    linkin_tila,
    normalize_uudelleenohjaus_url,
)

ALKU, LOPPU = date(2021, 9, 1), date(2021, 9, 30)
HETKI = datetime(2021, 9, 10, 12, tzinfo=UTC)


def tila(today: date, *, alku: date | None = ALKU, vastattu=None, peruttu=None) -> LinkinTila:
    return linkin_tila(
        vastausaika_alku=alku, vastausaika_loppu=LOPPU, vastattu_at=vastattu, peruttu_at=peruttu, today=today
    )


@pytest.mark.parametrize(
    ("today", "expected"),
    [
        (date(2021, 8, 31), LinkinTila.EI_VIELA_AUKI),
        (date(2021, 9, 1), LinkinTila.AVOIN),  # the first day counts
        (date(2021, 9, 30), LinkinTila.AVOIN),  # and so does the last
        (date(2021, 10, 1), LinkinTila.VANHENTUNUT),
    ],
)
def test_answer_period_includes_both_ends(today, expected):
    assert tila(today) is expected


def test_unsent_link_is_not_open_yet():
    assert tila(date(2021, 9, 10), alku=None) is LinkinTila.EI_VIELA_AUKI


def test_cancelled_link_shows_expired_even_inside_its_period():
    assert tila(date(2021, 9, 10), peruttu=HETKI) is LinkinTila.VANHENTUNUT


def test_answered_wins_over_expiry_and_cancellation():
    assert tila(date(2021, 12, 1), vastattu=HETKI, peruttu=HETKI) is LinkinTila.VASTATTU


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("https://palaute.example.fi/kiitos", "https://palaute.example.fi/kiitos"),
        ("  HTTPS://Palaute.Example.FI:8443/a?b=1#c ", "https://palaute.example.fi:8443/a?b=1#c"),
        ("https://hämeenlinna.fi/palaute", "https://xn--hmeenlinna-q5a.fi/palaute"),
    ],
)
def test_https_urls_are_normalised(raw, expected):
    assert normalize_uudelleenohjaus_url(raw) == expected
    assert is_safe_uudelleenohjaus_url(expected)


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        ("", "empty"),
        ("http://palaute.example.fi/", "only https"),
        ("javascript:alert(1)", "only https"),
        ("data:text/html,hi", "only https"),
        ("//evil.example/", "only https"),
        ("/kiitos", "only https"),
        ("https://user:pw@palaute.example.fi/", "user name or password"),
        ("https://palaute.example.fi\\@evil.example/", "user name or password"),
        ("https://192.168.1.1/", "not an IP address"),
        ("https://localhost/", "domain name"),
        ("https:///polku", "no host"),
        ("https://palaute.example.fi:99999/", "port"),
        ('https://palaute.example.fi/"><script>', "quotes"),
        ("https://palaute.example.fi/a b", "spaces"),
        ("https://palaute.example.fi/" + "a" * 2048, "longer than"),
    ],
)
def test_unsafe_urls_are_refused_with_a_reason(raw, reason):
    with pytest.raises(UrlVirhe, match=reason):
        normalize_uudelleenohjaus_url(raw)
    assert not is_safe_uudelleenohjaus_url(raw)


def test_a_stored_value_that_is_not_in_normal_form_is_not_followed():
    assert not is_safe_uudelleenohjaus_url("https://Palaute.example.fi/")
    assert not is_safe_uudelleenohjaus_url(None)
