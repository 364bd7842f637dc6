"""Typed reads of what eHOKS holds beyond Polku's own HOKS fields (kept as given in `lisatiedot`): näytöt,
aiemmin hankittu osaaminen, opiskeluvalmiuksia tukevat opinnot, oppimisen tuki, työtehtävät and
oppimisympäristöt. Each type's plain fields are the typed fields of one table of `models.rules.ehoks_tiedot`
and are filled through it (`build`), so what the inputs write (`api.schema.ehoks_inputs`) is what reads back.
A stored value of an unexpected shape reads as absent here rather than failing the HOKS.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from typing import Any, TypeVar

import strawberry
from strawberry.scalars import JSON
from strawberry.types.base import has_object_definition

from models.rules import ehoks_tiedot as tiedot

T = TypeVar("T")


def build(cls: type[T], values: Mapping[str, Any]) -> T:
    """A read type from the values `tiedot.read` gives, nested types built the same way."""
    kwargs = {
        f.python_name: _built(f.type, values[f.python_name])
        for f in cls.__strawberry_definition__.fields  # type: ignore[attr-defined]
        if f.base_resolver is None
    }
    return cls(**kwargs)


def _built(type_: Any, value: Any) -> Any:
    inner = type_
    while hasattr(inner, "of_type"):
        inner = inner.of_type
    if value is None or not has_object_definition(inner):
        return value
    return [build(inner, v) for v in value] if isinstance(value, list) else build(inner, value)


@strawberry.type(description="Who assesses a näyttö: a name and the organisation (an oppilaitos or a workplace).")
class Arvioija:
    nimi: str | None = strawberry.field(description="The assessor's name (required).")
    oppilaitos_oid: str | None = strawberry.field(description="For the koulutuksen järjestäjä's assessors.")
    organisaation_nimi: str | None = strawberry.field(description="For työelämä's assessors: the workplace.")
    ytunnus: str | None = strawberry.field(description="For työelämä's assessors: the workplace's y-tunnus.")


@strawberry.type(description="An osa-alue a näyttö covers, as a code of the ammatillisenoppiaineet code set.")
class NaytonOsaAlue:
    koodi: str | None = strawberry.field(description="The osa-alue code, e.g. ammatillisenoppiaineet_vvai (required).")
    versio: int | None = strawberry.field(description="The code's version.")


@strawberry.type(description="A näyttö: how and where the competence is shown (eHOKS: osaamisen osoittaminen).")
class Naytto:
    alku: date | None = strawberry.field(description="First day (required).")
    loppu: date | None = strawberry.field(description="Last day (required, not before alku).")
    jarjestajan_oppilaitos_oid: str | None = strawberry.field(description="The oppilaitos that arranges it.")
    nayttoympariston_nimi: str | None = strawberry.field(description="Where the näyttö takes place.")
    nayttoympariston_ytunnus: str | None = strawberry.field(
        description="Y-tunnus of the workplace where it takes place."
    )
    nayttoympariston_kuvaus: str | None = strawberry.field(description="Description of the environment.")
    sisallon_kuvaus: list[str] = strawberry.field(description="What the näyttö covers.")
    yksilolliset_kriteerit: list[str] = strawberry.field(description="Criteria set for this learner.")
    vaatimuksista_poikkeaminen: str | None = strawberry.field(
        description="How and why the näyttö departs from the requirements or goals, if it does."
    )
    koulutuksen_jarjestajan_arvioijat: list[Arvioija] = strawberry.field(
        description="The koulutuksen järjestäjä's assessors."
    )
    tyoelaman_arvioijat: list[Arvioija] = strawberry.field(description="The työelämä's assessors.")
    osa_alue_koodit: list[NaytonOsaAlue] = strawberry.field(description="The osa-alueet the näyttö covers.")

    @strawberry.field(description="The osa-alue codes the näyttö covers (the codes of osaAlueKoodit).")
    def osa_alueet(self) -> list[str]:
        return [a.koodi for a in self.osa_alue_koodit if a.koodi]


@strawberry.type(description="How recognised competence is verified: its assessment and näytöt (tarkentavat tiedot).")
class TarkentavatTiedot:
    lahetetty_arvioitavaksi: date | None = strawberry.field(description="Day it was sent for assessment.")
    arvioijat: list[Arvioija] = strawberry.field(description="Who assess the earlier competence.")
    naytot: list[Naytto] = strawberry.field(description="The näytöt that verify it.")


@strawberry.type(description="What every aiemmin hankittu osa and osa-alue holds.")
class AiemminHankittu:
    koulutuksen_jarjestaja_oid: str | None = strawberry.field(description="The koulutuksen järjestäjä's OID.")
    olennainen_seikka: bool | None = strawberry.field(description="Whether there is an olennainen seikka to note.")
    vaatimuksista_poikkeaminen: str | None = strawberry.field(
        description="How and why it departs from the requirements or goals, if it does."
    )
    valittu_todentamisen_prosessi: str | None = strawberry.field(
        description="How the competence is verified: an osaamisentodentamisenprosessi code (required)."
    )
    valittu_todentamisen_prosessi_versio: int | None = strawberry.field(description="That code's version.")
    tarkentavat_tiedot: TarkentavatTiedot = strawberry.field(description="Its assessment and näytöt.")


@strawberry.type(description="An osa-alue of a recognised yhteinen tutkinnon osa.")
class AiemminHankittuOsaAlue(AiemminHankittu):
    osa_alue_koodi: str | None = strawberry.field(description="The osa-alue code (required).")
    osa_alue_koodi_versio: int | None = strawberry.field(description="That code's version.")


@strawberry.type(description="A recognised ammatillinen tutkinnon osa.")
class AiemminHankittuAmmatillinen(AiemminHankittu):
    tutkinnon_osa_koodi: str | None = strawberry.field(
        description="The tutkinnon osa code as eHOKS keeps it, e.g. tutkinnonosat_106727 (required)."
    )
    tutkinnon_osa_koodi_versio: int | None = strawberry.field(description="That code's version.")


@strawberry.type(description="A recognised yhteinen tutkinnon osa, with its osa-alueet.")
class AiemminHankittuYhteinen(AiemminHankittuAmmatillinen):
    osa_alueet: list[AiemminHankittuOsaAlue] = strawberry.field(description="Its recognised osa-alueet.")


@strawberry.type(description="A recognised paikallinen tutkinnon osa.")
class AiemminHankittuPaikallinen(AiemminHankittu):
    nimi: str | None = strawberry.field(description="The osa's name (required).")
    tavoitteet_ja_sisallot: str | None = strawberry.field(description="Its goals and contents.")
    laajuus: float | None = strawberry.field(description="Its laajuus (competence points).")


@strawberry.type(description="Competence recognised from earlier (eHOKS: aiemmin hankitut tutkinnon osat).")
class AiemminHankitut:
    ammatilliset: list[AiemminHankittuAmmatillinen] = strawberry.field(description="Ammatilliset tutkinnon osat.")
    yhteiset: list[AiemminHankittuYhteinen] = strawberry.field(description="Yhteiset tutkinnon osat.")
    paikalliset: list[AiemminHankittuPaikallinen] = strawberry.field(description="Paikalliset tutkinnon osat.")


@strawberry.type(description="Competence recognised from earlier (eHOKS: aiemmin hankittu tutkinnon osa or osa-alue).")
class AiemminHankittuOsaaminen:
    tyyppi: str = strawberry.field(description="ammatillinen, paikallinen or yhteinen, as in the hankittavat.")
    tutkinnon_osa_koodi: str | None = strawberry.field(
        description="The national tutkinnon osa code (Koski's open code set, a string)."
    )
    nimi: str | None = strawberry.field(description="A paikallinen osa's name.")
    osa_alue_koodi: str | None = strawberry.field(description="For an osa-alue of a yhteinen osa.")
    valittu_todentamisen_prosessi: str | None = strawberry.field(
        description="How the competence is verified (eHOKS's osaamisentodentamisenprosessi code)."
    )
    lahetetty_arvioitavaksi: date | None = strawberry.field(description="Day it was sent for assessment.")
    naytot: list[Naytto] = strawberry.field(description="The näytöt that verify it (tarkentavat tiedot).")

    @classmethod
    def flat(cls, hankitut: AiemminHankitut) -> list[AiemminHankittuOsaaminen]:
        """Every recognised osa and osa-alue in one list (the shape of the first typed read)."""
        found: list[AiemminHankittuOsaaminen] = []
        for tyyppi, osat in (
            ("ammatillinen", hankitut.ammatilliset),
            ("paikallinen", hankitut.paikalliset),
            ("yhteinen", hankitut.yhteiset),
        ):
            for osa in osat:
                koodi = getattr(osa, "tutkinnon_osa_koodi", None)
                found.append(cls._one(tyyppi, koodi, osa, getattr(osa, "nimi", None), None))
                for alue in getattr(osa, "osa_alueet", []):
                    found.append(cls._one(tyyppi, koodi, alue, None, alue.osa_alue_koodi))
        return found

    @classmethod
    def _one(
        cls, tyyppi: str, koodi: str | None, part: AiemminHankittu, nimi: str | None, alue: str | None
    ) -> AiemminHankittuOsaaminen:
        return cls(
            tyyppi=tyyppi,
            tutkinnon_osa_koodi=koodi,
            nimi=nimi,
            osa_alue_koodi=alue,
            valittu_todentamisen_prosessi=part.valittu_todentamisen_prosessi,
            lahetetty_arvioitavaksi=part.tarkentavat_tiedot.lahetetty_arvioitavaksi,
            naytot=part.tarkentavat_tiedot.naytot,
        )


@strawberry.type(description="A learning environment other than the workplace, with its period.")
class MuuOppimisymparisto:
    koodi: str | None = strawberry.field(
        description="eHOKS's oppimisymparistot code, e.g. oppimisymparistot_0001 (required)."
    )
    versio: int | None = strawberry.field(description="The code's version.")
    alku: date | None = strawberry.field(description="First day (required).")
    loppu: date | None = strawberry.field(description="Last day (required, not before alku).")


@strawberry.type(description="Studies that support the learner's readiness to study (not part of the tutkinto).")
class OpiskeluvalmiuksiaTukevaOpinto:
    nimi: str | None = strawberry.field(description="The study's name (required).")
    kuvaus: str | None = strawberry.field(description="What it contains (required).")
    alku: date | None = strawberry.field(description="First day (required).")
    loppu: date | None = strawberry.field(description="Last day (required, not before alku).")


@strawberry.type(description="Special support for learning (eHOKS: oppimisen tuki), with its period.")
class OppimisenTuki:
    tyyppi: str | None = strawberry.field(description="eHOKS's oppimisen tuen tyyppi code (required).")
    tutkinnon_osan_tyyppi: str | None = strawberry.field(description="Which group of tutkinnon osat it concerns.")
    alku: date | None = strawberry.field(description="First day of the support.")
    loppu: date | None = strawberry.field(description="Last day of the support (null: open).")


LISATIEDOT = (
    "What eHOKS's HOKS document holds here beyond Polku's own fields, kept as given (kebab-case keys), the typed "
    "fields included. `polku export-hoks` writes it back. On input, a typed field that is given replaces its "
    "part of this; updateHoks replaces the whole plan, so send back what you read."
)


def _read(parts: tiedot.Parts, name: str, lisatiedot: Mapping[str, Any] | None) -> Any:
    return tiedot.read_one(parts, name, lisatiedot or {})


def _many(cls: type[T], parts: tiedot.Parts, name: str, lisatiedot: Mapping[str, Any] | None) -> list[T]:
    return [build(cls, v) for v in _read(parts, name, lisatiedot)]


def _hankitut(lisatiedot: Mapping[str, Any] | None) -> AiemminHankitut:
    return build(AiemminHankitut, _read(tiedot.HOKS, "aiemmin_hankitut", lisatiedot))


@strawberry.type
class HoksTiedot:
    """The HOKS-level parts of eHOKS's document (a base of the Hoks type)."""

    lisatiedot: dict[str, Any] | None = strawberry.field(description=LISATIEDOT, graphql_type=JSON | None)

    @strawberry.field(description="Competence recognised from earlier, by kind, with how it is verified.")
    def aiemmin_hankitut(self) -> AiemminHankitut:
        return _hankitut(self.lisatiedot)

    @strawberry.field(description="Competence recognised from earlier, every osa and osa-alue in one list.")
    def aiemmin_hankittu_osaaminen(self) -> list[AiemminHankittuOsaaminen]:
        return AiemminHankittuOsaaminen.flat(_hankitut(self.lisatiedot))

    @strawberry.field(description="Studies that support readiness to study.")
    def opiskeluvalmiuksia_tukevat_opinnot(self) -> list[OpiskeluvalmiuksiaTukevaOpinto]:
        return _many(OpiskeluvalmiuksiaTukevaOpinto, tiedot.HOKS, "opiskeluvalmiuksia_tukevat_opinnot", self.lisatiedot)

    @strawberry.field(description="Special support for learning, by period.")
    def oppimisen_tuki(self) -> list[OppimisenTuki]:
        return _many(OppimisenTuki, tiedot.HOKS, "oppimisen_tuki", self.lisatiedot)

    @strawberry.field(description="The learner's career plan (eHOKS's urasuunnitelma code).")
    def urasuunnitelma(self) -> str | None:
        return _read(tiedot.HOKS, "urasuunnitelma", self.lisatiedot)

    @strawberry.field(description="The urasuunnitelma code's version.")
    def urasuunnitelma_versio(self) -> int | None:
        return _read(tiedot.HOKS, "urasuunnitelma_versio", self.lisatiedot)

    @strawberry.field(description="When the plan was approved, as the student information system says.")
    def hyvaksytty(self) -> datetime | None:
        return _read(tiedot.HOKS, "hyvaksytty", self.lisatiedot)

    @strawberry.field(
        description="When the student information system last updated the plan (eHOKS's paivitetty); "
        "`paivitetty` is when Polku last saved it."
    )
    def ehoks_paivitetty(self) -> datetime | None:
        return _read(tiedot.HOKS, "ehoks_paivitetty", self.lisatiedot)


@strawberry.type
class TutkinnonOsaTiedot:
    """A hankittava osa's parts of eHOKS's document (a base of the HankittavaTutkinnonOsa type)."""

    lisatiedot: dict[str, Any] | None = strawberry.field(description=LISATIEDOT, graphql_type=JSON | None)

    @strawberry.field(description="The näytöt planned for this osa (or osa-alue).")
    def naytot(self) -> list[Naytto]:
        return _many(Naytto, tiedot.TUTKINNON_OSA, "naytot", self.lisatiedot)

    @strawberry.field(description="Hours of teaching and guidance planned (opetus- ja ohjausmäärä).")
    def opetus_ja_ohjausmaara(self) -> float | None:
        return _read(tiedot.TUTKINNON_OSA, "opetus_ja_ohjausmaara", self.lisatiedot)

    @strawberry.field(description="Whether there is an olennainen seikka (an essential fact) to note.")
    def olennainen_seikka(self) -> bool | None:
        return _read(tiedot.TUTKINNON_OSA, "olennainen_seikka", self.lisatiedot)

    @strawberry.field(description="A paikallinen osa's goals and contents.")
    def tavoitteet_ja_sisallot(self) -> str | None:
        return _read(tiedot.TUTKINNON_OSA, "tavoitteet_ja_sisallot", self.lisatiedot)

    @strawberry.field(description="A paikallinen osa's laajuus (competence points).")
    def laajuus(self) -> float | None:
        return _read(tiedot.TUTKINNON_OSA, "laajuus", self.lisatiedot)

    @strawberry.field(description="How and why the osa departs from the requirements or goals, if it does.")
    def vaatimuksista_poikkeaminen(self) -> str | None:
        value = _read(tiedot.TUTKINNON_OSA, "vaatimuksista_poikkeaminen", self.lisatiedot)
        return value

    @strawberry.field(description="The koulutuksen järjestäjä's OID.")
    def koulutuksen_jarjestaja_oid(self) -> str | None:
        value = _read(tiedot.TUTKINNON_OSA, "koulutuksen_jarjestaja_oid", self.lisatiedot)
        return value


@strawberry.type
class HankkimistapaTiedot:
    """A hankkimistapa's parts of eHOKS's document (a base of the Hankkimistapa type)."""

    lisatiedot: dict[str, Any] | None = strawberry.field(description=LISATIEDOT, graphql_type=JSON | None)

    @strawberry.field(description="A työpaikkajakso's key work tasks.")
    def keskeiset_tyotehtavat(self) -> list[str]:
        return _read(tiedot.HANKKIMISTAPA, "keskeiset_tyotehtavat", self.lisatiedot)

    @strawberry.field(description="Other learning environments during the period.")
    def muut_oppimisymparistot(self) -> list[MuuOppimisymparisto]:
        return _many(MuuOppimisymparisto, tiedot.HANKKIMISTAPA, "muut_oppimisymparistot", self.lisatiedot)

    @strawberry.field(description="Free text that specifies the period.")
    def ajanjakson_tarkenne(self) -> str | None:
        return _read(tiedot.HANKKIMISTAPA, "ajanjakson_tarkenne", self.lisatiedot)
