"""Shared checks for an oppilaitos' Valpas lists (suorittamisvalvonta, maksuttomuus): the users who must be
refused, in GraphQL and CSV alike, walking the pages, and reading a CSV answer."""

from __future__ import annotations

import csv
import io

import httpx

from models.organisation import Organisation
from models.user import RoleName
from tests.api.conftest import Gql
from tests.factories import provider, user_token
from tests.valpas.builders import kunta


async def outsiders(kt: Organisation, ol: Organisation, own_role: RoleName) -> dict[str, str]:
    """Tokens of everyone who must not read the oppilaitos' list of `own_role`: its other roles, eHOKS users,
    a kunta user, and the same role at another school."""
    tokens = {
        role.value: await user_token(kt if role == RoleName.PAAKAYTTAJA else ol, role)
        for role in (
            RoleName.VALVOJA_HAKEUTUMINEN,
            RoleName.VALVOJA_SUORITTAMINEN,
            RoleName.VALVOJA_MAKSUTTOMUUS,
            RoleName.PAAKAYTTAJA,
            RoleName.READ,
            RoleName.ADMIN,
        )
        if role != own_role
    }
    tokens["kunta_valvoja"] = await user_token(await kunta("091"), RoleName.KUNTA_VALVOJA)
    _, other = await provider()
    tokens["other_school"] = await user_token(other, own_role)
    return tokens


async def assert_refused(gql: Gql, client: httpx.AsyncClient, token: str, query: str, csv_url: str, ol: str) -> None:
    body = await gql(token, query, ol=ol)
    assert body["data"] is None and body["errors"][0]["extensions"]["code"] == "FORBIDDEN", body
    refused = await client.get(csv_url, headers={"Authorization": f"Bearer {token}"})
    assert refused.status_code == 403 and refused.json()["errors"][0]["extensions"]["code"] == "FORBIDDEN"


async def walk_pages(gql: Gql, token: str, query: str, field: str, ol: str, first: int) -> list[str]:
    """Every page of the list by its cursors, the surnames in order; a cursor it never gave is refused."""
    seen: list[str] = []
    after = None
    while True:
        page = (await gql(token, query, ol=ol, first=first, after=after))["data"][field]
        seen += [e["node"]["sukunimi"] for e in page["edges"]]
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    assert (await gql(token, query, ol=ol, after="bm90"))["errors"][0]["extensions"]["code"] == "INVALID_CURSOR"
    return seen


async def csv_rows(client: httpx.AsyncClient, token: str, url: str) -> list[list[str]]:
    assert (await client.get(url)).status_code == 401
    response = await client.get(url, headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200 and response.content.startswith(b"\xef\xbb\xbf"), response.text
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"), newline=""), delimiter=";"))
