"""Every GraphQL example in the README runs as printed with the demo official's token on the demo data (issue 14):
no errors, and each answer holds data."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from api.dev import DEMO_USER, grant_demo_official
from models.demo import generate
from models.services.users import issue_token
from tests.api.conftest import Gql

pytestmark = pytest.mark.usefixtures("db")

README = Path(__file__).resolve().parents[2] / "README.md"
EXAMPLES = re.findall(r"```graphql\n(.*?)```", README.read_text(encoding="utf-8"), re.S)


def test_the_readme_has_examples():
    assert len(EXAMPLES) >= 5


async def test_every_readme_query_runs_as_printed_for_the_demo_official(gql: Gql) -> None:
    await generate(40, seed=1)
    await grant_demo_official()
    token = await issue_token(DEMO_USER)
    for query in EXAMPLES:
        body = await gql(token, query)
        assert "errors" not in body, (query, body.get("errors"))
        [answer] = body["data"].values()
        assert answer, (query, "no data")


async def test_the_demo_official_is_one_providers_and_one_kuntas_not_ophs(gql: Gql) -> None:
    """Issue 14.5: the README's queries work for an official as the clients have them, not only for OPH."""
    await generate(40, seed=1)
    await grant_demo_official()
    body = await gql(await issue_token(DEMO_USER), "{ me { roolit { rooli organisaatio { tyyppi kuntakoodi } } } }")
    roles = {
        (r["rooli"], r["organisaatio"]["tyyppi"], r["organisaatio"]["kuntakoodi"]) for r in body["data"]["me"]["roolit"]
    }
    assert roles == {
        ("admin", "koulutustoimija", None),
        ("valvoja_hakeutuminen", "koulutustoimija", None),
        ("valvoja_suorittaminen", "koulutustoimija", None),
        ("valvoja_maksuttomuus", "koulutustoimija", None),
        ("kunta_paakayttaja", "kunta", "091"),
        ("kunta_valvoja", "kunta", "091"),
    }
