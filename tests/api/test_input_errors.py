"""Bad input is a field error in the client's language, never INTERNAL (issue 10 §4): every example the issue
lists, as variables (how real clients call) and as literals, and what the log keeps of a rejected value."""

from __future__ import annotations

import logging
from typing import Any

import httpx
import pytest
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext

from api.input_check import InputCheckedExecutionContext, with_input_check
from api.schema import schema
from models.user import RoleName
from tests.api.conftest import Gql
from tests.factories import hoks_input, oo_oid, oppija_oid, provider, user_token

KT = "1.2.246.562.10.00000000001"
LONG = "1" * 100_000
NUL = "1.2.246.562.24.0000\x000000001"

UPCOMING = "query($kt: String!, $d: Date!) { upcomingSends(koulutustoimija: $kt, paiva: $d) { syy } }"
HOKSIT = "query($n: Int!, $after: String) { hoksit(first: $n, after: $after) { pageInfo { hasNextPage } } }"
CREATE = "mutation($i: HoksInput!) { createHoks(input: $i) { id } }"
OPPIJA = "query($o: String!) { oppija(oid: $o) { oid } }"
OPISKELUOIKEUS = "query($o: String!) { opiskeluoikeus(oid: $o) { oid } }"
KYSELYLINKKI = "query($t: String!) { kyselylinkki(tunnus: $t) { tunnus } }"
HAKEUTUMIS = "query($o: String!) { hakeutumisvalvonta(oppilaitos: $o) { pageInfo { hasNextPage } } }"
TARKISTUS = "query($k: String!) { automaattinenTarkistus(kunta: $k) { pageInfo { hasNextPage } } }"
GRANT = "mutation($u: String!, $o: String!, $r: Rooli!) { grantRole(user: $u, organisation: $o, role: $r) { role } }"
TILASTOT = """query($k: Kyselytyyppi, $r: [Ulottuvuus!]) {
  anonyymitTilastot(alku: "2026-01-01", loppu: "2026-06-30", kyselytyyppi: $k, ryhmittely: $r) { vastaajia } }"""
VOID = "mutation($o: String!, $s: MitatoinninSyy!) { voidOpiskeluoikeus(oid: $o, syy: $s) { oid } }"
LISAKYSYMYS = """mutation($kt: String!, $m: LisakysymysInput!) {
  addLisakysymys(koulutustoimijaOid: $kt, kyselytyyppi: aloittaneet, maaritys: $m) { id } }"""

# (document, variables, the field named, the code of that field's error)
VARIABLE_CASES: list[tuple[str, dict[str, Any], str, str]] = [
    (UPCOMING, {"kt": KT, "d": "20.11.2026"}, "paiva", "INVALID_DATE"),
    (UPCOMING, {"kt": KT, "d": "2026-02-30"}, "paiva", "INVALID_DATE"),
    (HOKSIT, {"n": "abc"}, "first", "INVALID_TYPE"),
    (HOKSIT, {"n": 2**40}, "first", "INVALID_TYPE"),
    (HOKSIT, {}, "first", "REQUIRED"),
    (HOKSIT, {"n": 10, "after": LONG}, "after", "TOO_LONG"),
    (HOKSIT, {"n": 10, "after": "a\x00"}, "after", "NUL_CHARACTER"),
    (CREATE, {}, "input", "REQUIRED"),
    (CREATE, {"i": "x"}, "input", "INVALID_TYPE"),
    (CREATE, {"i": {"opiskeluoikeusOid": "x", "ensikertainenHyvaksyminen": "2021-01-01"}}, "oppijaOid", "REQUIRED"),
    (
        CREATE,
        {"i": {**hoks_input(oppija_oid(), oo_oid()), "ensikertainenHyvaksyminen": "15.8.2021"}},
        "ensikertainenHyvaksyminen",
        "INVALID_DATE",
    ),
    (
        CREATE,
        {"i": {**hoks_input(oppija_oid(), oo_oid()), "tutkinnonOsat": [{"tutkinnonOsaKoodi": "1", "tyyppi": "x"}]}},
        "tutkinnonOsat[0].tyyppi",
        "INVALID_CHOICE",
    ),
    (
        CREATE,
        {
            "i": hoks_input(
                oppija_oid(),
                oo_oid(),
                tutkinnonOsat=[
                    {
                        "tutkinnonOsaKoodi": "1",
                        "hankkimistavat": [{"tyyppi": "etaopetus", "alku": "2021-09-01", "loppu": "2021-12-15"}],
                    }
                ],
            )
        },
        "tutkinnonOsat[0].hankkimistavat[0].tyyppi",
        "INVALID_CHOICE",
    ),
    (VOID, {"o": oo_oid(), "s": "vaarin"}, "syy", "INVALID_CHOICE"),
    (CREATE, {"i": {**hoks_input(oppija_oid(), oo_oid()), "extra": 1}}, "extra", "UNKNOWN_FIELD"),
    (CREATE, {"i": {**hoks_input(oppija_oid(), oo_oid()), "sahkoposti": "a\x00@x.fi"}}, "sahkoposti", "NUL_CHARACTER"),
    (OPPIJA, {"o": NUL}, "oid", "NUL_CHARACTER"),
    (OPPIJA, {"o": LONG}, "oid", "TOO_LONG"),
    (OPISKELUOIKEUS, {"o": NUL}, "oid", "NUL_CHARACTER"),
    (OPISKELUOIKEUS, {"o": LONG}, "oid", "TOO_LONG"),
    (KYSELYLINKKI, {"t": NUL}, "tunnus", "NUL_CHARACTER"),
    (KYSELYLINKKI, {"t": LONG}, "tunnus", "TOO_LONG"),
    (UPCOMING, {"kt": LONG, "d": "2026-11-20"}, "koulutustoimija", "TOO_LONG"),
    (UPCOMING, {"kt": NUL, "d": "2026-11-20"}, "koulutustoimija", "NUL_CHARACTER"),
    (HAKEUTUMIS, {"o": LONG}, "oppilaitos", "TOO_LONG"),
    (HAKEUTUMIS, {"o": NUL}, "oppilaitos", "NUL_CHARACTER"),
    (TARKISTUS, {"k": "12345"}, "kunta", "TOO_LONG"),
    (GRANT, {"u": LONG, "o": KT, "r": "read"}, "user", "TOO_LONG"),
    (GRANT, {"u": "x", "o": NUL, "r": "read"}, "organisation", "NUL_CHARACTER"),
    (TILASTOT, {"r": ["EI_TALLAISTA"]}, "ryhmittely[0]", "INVALID_CHOICE"),
    (
        LISAKYSYMYS,
        {"kt": KT, "m": {"tyyppi": "kylla_ei", "teksti": {"fi": "Kysymys?", "en": "Question?"}}},
        "teksti.sv",
        "REQUIRED",
    ),
]


@pytest.fixture
async def token(db: object) -> str:
    koulutustoimija, _ = await provider()
    return await user_token(koulutustoimija, RoleName.ADMIN)


async def test_every_bad_variable_is_a_field_error(gql: Gql, token: str) -> None:
    """One database for all the cases; every case that does not hold is reported."""
    wrong = []
    for document, variables, field, code in VARIABLE_CASES:
        body = await gql(token, document, **variables)
        [error] = body["errors"]
        extensions = error.get("extensions") or {}
        found = {(e["field"], e["code"]) for e in extensions.get("errors", ())}
        if extensions.get("code") != "VALIDATION_FAILED" or (field, code) not in found or body["_status"] != 200:
            wrong.append((field, code, error))
        assert LONG not in error["message"] and "\x00" not in error["message"]
    assert not wrong


@pytest.mark.parametrize(
    ("document", "field", "code"),
    [
        ('{ oppija(oid: "' + "9" * 5000 + '") { oid } }', "oid", "TOO_LONG"),
        ('{ kyselylinkki(tunnus: "a\\u0000b") { tunnus } }', "tunnus", "NUL_CHARACTER"),
        ('{ automaattinenTarkistus(kunta: "12345") { pageInfo { hasNextPage } } }', "kunta", "TOO_LONG"),
        (
            'mutation { createHoks(input: {oppijaOid: "a\\u0000", opiskeluoikeusOid: "x", '
            'ensikertainenHyvaksyminen: "2021-01-01"}) { id } }',
            "oppijaOid",
            "NUL_CHARACTER",
        ),
    ],
)
async def test_a_bad_literal_is_a_field_error(gql: Gql, token: str, document: str, field: str, code: str) -> None:
    [error] = (await gql(token, document))["errors"]
    assert error["extensions"]["code"] == "VALIDATION_FAILED"
    assert (field, code) in {(e["field"], e["code"]) for e in error["extensions"]["errors"]}


async def test_a_literal_of_the_wrong_type_gets_graphqls_own_validation_message(gql: Gql, token: str) -> None:
    [error] = (await gql(token, '{ hoksit(first: "abc") { pageInfo { hasNextPage } } }'))["errors"]
    assert "Int cannot represent" in error["message"]
    assert error.get("extensions", {}).get("code") != "INTERNAL"


async def test_an_unknown_kyselytyyppi_is_a_field_error(gql: Gql, token: str) -> None:
    body = await gql(token, TILASTOT, k="ei_tallaista")
    [error] = body["errors"]
    assert error["extensions"]["code"] == "VALIDATION_FAILED"
    assert error["extensions"]["field"] == "kyselytyyppi"


@pytest.mark.parametrize(
    ("accept_language", "message"),
    [
        ("sv-FI,sv;q=0.9", "Ett värde krävs."),
        ("en", "A value is required."),
        ("", "Arvo puuttuu."),
    ],
)
async def test_the_message_is_in_the_clients_language(
    client: httpx.AsyncClient, token: str, accept_language: str, message: str
) -> None:
    headers = {"Authorization": f"Bearer {token}", "Accept-Language": accept_language}
    response = await client.post("/graphql", json={"query": HOKSIT, "variables": {}}, headers=headers)
    [error] = response.json()["errors"]
    assert error["extensions"]["errors"] == [{"field": "first", "code": "REQUIRED", "message": message}]


async def test_the_log_keeps_only_a_short_prefix_of_a_rejected_value(
    gql: Gql, token: str, caplog: pytest.LogCaptureFixture
) -> None:
    secret = "x" * 60 + "TAIL-OF-THE-VALUE"
    with caplog.at_level(logging.DEBUG):
        await gql(token, OPPIJA, o=secret + LONG)
        await gql(token, UPCOMING, kt=KT, d=secret)
        await gql(token, '{ upcomingSends(koulutustoimija: "x", paiva: "' + secret + '") { syy } }')
    assert caplog.records
    assert all("TAIL-OF-THE-VALUE" not in r.getMessage() and not r.exc_info for r in caplog.records)
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


class _ChangedBuild(StrawberryGraphQLCoreExecutionContext):
    """graphql-core as a future release might have it: build takes its parameters in another order."""

    @classmethod
    def build(cls, document: Any, schema: Any, *args: Any, **kwargs: Any) -> Any:  # type: ignore[override]
        return super().build(schema, document, *args, **kwargs)


def test_the_check_stands_aside_with_a_warning_when_builds_signature_changes(caplog: pytest.LogCaptureFixture) -> None:
    assert issubclass(schema.execution_context_class, InputCheckedExecutionContext)
    with caplog.at_level(logging.WARNING, logger="polku.api"):
        assert with_input_check(_ChangedBuild) is _ChangedBuild
    assert "input check off" in caplog.text


async def test_a_code_outside_polkus_own_set_names_the_allowed_codes_in_the_clients_language(
    client: httpx.AsyncClient, token: str
) -> None:
    """voidOpiskeluoikeus(syy:) is an enum: a wrong code is a field error listing the codes, not INTERNAL."""
    headers = {"Authorization": f"Bearer {token}", "Accept-Language": "sv"}
    variables = {"o": oo_oid(), "s": "vaarin"}
    response = await client.post("/graphql", json={"query": VOID, "variables": variables}, headers=headers)
    [error] = response.json()["errors"]
    message = "Inte något av de tillåtna värdena: ei_aloittanut, vaara_tyyppi."
    assert error["extensions"]["errors"] == [{"field": "syy", "code": "INVALID_CHOICE", "message": message}]
