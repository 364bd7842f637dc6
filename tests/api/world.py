"""A small world for API tests: two providers, a stored opiskeluoikeus, users with tokens, HOKS creation."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from models.organisation import Organisation
from models.rules.koski import parse_opiskeluoikeus
from models.services.access import SYSTEM
from models.services.koski import save_opiskeluoikeus
from models.services.organisations import oph
from models.user import RoleName
from tests.api.conftest import Gql
from tests.factories import hoks_input, koski_doc, provider, user_token

HOKS_FIELDS = """
  id sahkoposti osaamisenSaavuttamisenPvm
  oppija { oid sukunimi }
  opiskeluoikeus { oid mitatoity oppilaitos { oid } }
  tutkinnonOsat { id tutkinnonOsaKoodi hankkimistavat {
    id yksiloivaTunniste tyyppi alku loppu ytunnus osaAikaisuus ohjaaja { nimi sahkoposti }
    keskeytymisajanjaksot { alku loppu } } }
  tyopaikkajaksot { id yksiloivaTunniste }
"""
CREATE = f"mutation($input: HoksInput!) {{ createHoks(input: $input) {{ {HOKS_FIELDS} }} }}"
UPDATE = f"mutation($id: Int!, $input: HoksInput!) {{ updateHoks(id: $id, input: $input) {{ {HOKS_FIELDS} }} }}"
PATCH = f"mutation($id: Int!, $input: HoksPatchInput!) {{ patchHoks(id: $id, input: $input) {{ {HOKS_FIELDS} }} }}"
GET = f"query($id: Int!) {{ hoks(id: $id) {{ {HOKS_FIELDS} }} }}"


async def store(doc: dict[str, Any]) -> None:
    parsed, errors = parse_opiskeluoikeus(doc)
    assert parsed is not None, errors
    await save_opiskeluoikeus(parsed, SYSTEM)


@dataclass
class World:
    koulutustoimija: Organisation
    oppilaitos: Organisation
    other_oppilaitos: Organisation
    writer: str
    reader: str
    outsider: str
    kt_writer: str
    oph_reader: str
    oph_admin: str

    async def new_oo(self, oppilaitos: Organisation | None = None) -> tuple[str, str]:
        """A stored opiskeluoikeus: (oppija OID, OO OID)."""
        ol = oppilaitos or self.oppilaitos
        await ol.fetch_related("parent")
        doc = koski_doc(koulutustoimija=ol.parent.oid, oppilaitos=ol.oid)  # type: ignore[union-attr]
        await store(doc)
        return doc["henkilö"]["oid"], doc["oid"]

    async def new_hoks(self, gql: Gql, oppilaitos: Organisation | None = None, **extra: Any) -> dict[str, Any]:
        oppija, oo = await self.new_oo(oppilaitos)
        token = self.writer if oppilaitos is None else self.oph_admin
        body = await gql(token, CREATE, input=hoks_input(oppija, oo, **extra))
        assert "errors" not in body, body
        hoks: dict[str, Any] = body["data"]["createHoks"]
        return hoks


async def make_world() -> World:
    kt, ol = await provider()
    _, other = await provider()
    root = await oph()
    world = World(
        koulutustoimija=kt,
        oppilaitos=ol,
        other_oppilaitos=other,
        writer=await user_token(ol, RoleName.WRITE),
        reader=await user_token(ol, RoleName.READ),
        outsider=await user_token(other, RoleName.ADMIN),
        kt_writer=await user_token(kt, RoleName.WRITE),
        oph_reader=await user_token(root, RoleName.READ),
        oph_admin=await user_token(root, RoleName.ADMIN),
    )
    return world
