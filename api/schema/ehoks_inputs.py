"""Typed inputs for what eHOKS holds beyond Polku's own HOKS fields: each is made from its read type
(`input_of`), so it has the same fields, descriptions and nesting, and is written through the same table of
`models.rules.ehoks_tiedot` into `lisatiedot`, exactly as `polku import-hoks` stores the document that says the same.

Every field is optional in GraphQL: the rules say what a part requires and report every missing field at once,
with its path, instead of GraphQL refusing at the first one. A typed field left out (or null) leaves its part of
the raw `lisatiedot` input as it is; one that is given replaces it.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from datetime import datetime
from typing import Any, Optional

import strawberry
from strawberry.types.base import StrawberryList, StrawberryOptional, has_object_definition

from api.schema.ehoks_tiedot import (
    AiemminHankitut,
    MuuOppimisymparisto,
    Naytto,
    OpiskeluvalmiuksiaTukevaOpinto,
    OppimisenTuki,
)
from models.rules import ehoks_tiedot as tiedot

_INPUTS: dict[type, type] = {}


def input_of(cls: type) -> Any:
    """The input type of a read type: its plain fields, each optional, nested read types as their inputs."""
    if cls not in _INPUTS:
        definition = cls.__strawberry_definition__  # type: ignore[attr-defined]
        annotations: dict[str, Any] = {}
        namespace: dict[str, Any] = {}
        for f in definition.fields:
            if f.base_resolver is None:
                annotations[f.python_name] = Optional[_input_type(f.type)]  # noqa: UP045 (a runtime annotation)
                namespace[f.python_name] = strawberry.field(default=None, description=f.description)
        made = type(f"{definition.name}Input", (), {"__annotations__": annotations, **namespace})
        _INPUTS[cls] = strawberry.input(made, description=f"{definition.description} (input)")
    return _INPUTS[cls]


def _input_type(type_: Any) -> Any:
    if isinstance(type_, StrawberryOptional):
        return _input_type(type_.of_type)
    if isinstance(type_, StrawberryList):
        return list[_input_type(type_.of_type)]  # type: ignore[misc]
    return input_of(type_) if has_object_definition(type_) else type_


def _list_of(cls: type) -> Any:
    return Optional[list[input_of(cls)]]  # type: ignore[misc]  # noqa: UP045


def written(parts: tiedot.Parts, given: object, raw: Mapping[str, Any]) -> dict[str, Any]:
    """The `lisatiedot` an input stores: its raw JSON with each given typed field laid over it."""
    values = {name: _plain(getattr(given, name)) for name in parts}
    return tiedot.merge(dict(raw), tiedot.write(parts, values))


def _plain(value: Any) -> Any:
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    return value


@strawberry.input(description="The HOKS-level parts of eHOKS's document, typed.")
class HoksTiedotInput:
    hyvaksytty: datetime | None = strawberry.field(
        default=None, description="When the plan was approved, as the student information system says."
    )
    ehoks_paivitetty: datetime | None = strawberry.field(
        default=None, description="When the student information system last updated the plan (eHOKS's paivitetty)."
    )
    urasuunnitelma: str | None = strawberry.field(
        default=None, description="The learner's career plan: an urasuunnitelma code, e.g. urasuunnitelma_0001."
    )
    urasuunnitelma_versio: int | None = strawberry.field(default=None, description="The urasuunnitelma code's version.")
    aiemmin_hankitut: Any = strawberry.field(
        default=None,
        description="Competence recognised from earlier, by kind, with how it is verified.",
        graphql_type=Optional[input_of(AiemminHankitut)],  # noqa: UP045
    )
    opiskeluvalmiuksia_tukevat_opinnot: Any = strawberry.field(
        default=None,
        description="Studies that support readiness to study.",
        graphql_type=_list_of(OpiskeluvalmiuksiaTukevaOpinto),
    )
    oppimisen_tuki: Any = strawberry.field(
        default=None, description="Special support for learning, by period.", graphql_type=_list_of(OppimisenTuki)
    )


@strawberry.input(description="A hankittava osa's parts of eHOKS's document, typed.")
class TutkinnonOsaTiedotInput:
    naytot: Any = strawberry.field(
        default=None, description="The näytöt planned for this osa (or osa-alue).", graphql_type=_list_of(Naytto)
    )
    opetus_ja_ohjausmaara: float | None = strawberry.field(
        default=None, description="Hours of teaching and guidance planned (opetus- ja ohjausmäärä)."
    )
    olennainen_seikka: bool | None = strawberry.field(
        default=None, description="Whether there is an olennainen seikka (an essential fact) to note."
    )
    tavoitteet_ja_sisallot: str | None = strawberry.field(
        default=None, description="A paikallinen osa's goals and contents."
    )
    laajuus: float | None = strawberry.field(default=None, description="A paikallinen osa's laajuus (points).")
    vaatimuksista_poikkeaminen: str | None = strawberry.field(
        default=None, description="How and why the osa departs from the requirements or goals, if it does."
    )
    koulutuksen_jarjestaja_oid: str | None = strawberry.field(
        default=None, description="The koulutuksen järjestäjä's OID."
    )


@strawberry.input(description="A hankkimistapa's parts of eHOKS's document, typed.")
class HankkimistapaTiedotInput:
    muut_oppimisymparistot: Any = strawberry.field(
        default=None,
        description="Other learning environments during the period.",
        graphql_type=_list_of(MuuOppimisymparisto),
    )
    keskeiset_tyotehtavat: list[str] | None = strawberry.field(
        default=None, description="A työpaikkajakso's key work tasks."
    )
    ajanjakson_tarkenne: str | None = strawberry.field(default=None, description="Free text that specifies the period.")
