"""Typed reads of what eHOKS holds beyond Polku's own HOKS fields (kept as given in `lisatiedot`): näytöt,
aiemmin hankittu osaaminen, opiskeluvalmiuksia tukevat opinnot, oppimisen tuki, työtehtävät and
oppimisympäristöt. Clients read these instead of parsing the kebab-case JSON; writes still go through the
`lisatiedot` inputs, so a value of an unexpected shape reads as absent here rather than failing the HOKS.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

import strawberry
from strawberry.scalars import JSON


def text(value: Any) -> str | None:
    return value if isinstance(value, str) and value.strip() else None


def texts(value: Any) -> list[str]:
    return [v for v in value if isinstance(v, str)] if isinstance(value, list) else []


def day(value: Any) -> date | None:
    try:
        return date.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        return None


def number(value: Any) -> float | None:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


def objects(value: Any) -> list[Mapping[str, Any]]:
    return [v for v in value if isinstance(v, Mapping)] if isinstance(value, list) else []


def obj(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


@strawberry.type(description="Who assesses a näyttö: a name and the organisation (an oppilaitos or a workplace).")
class Arvioija:
    nimi: str | None = strawberry.field(description="The assessor's name.")
    oppilaitos_oid: str | None = strawberry.field(description="For the koulutuksen järjestäjä's assessors.")
    organisaation_nimi: str | None = strawberry.field(description="For työelämä's assessors: the workplace.")
    ytunnus: str | None = strawberry.field(description="For työelämä's assessors: the workplace's y-tunnus.")

    @classmethod
    def read(cls, value: Any) -> list[Arvioija]:
        return [
            cls(
                nimi=text(a.get("nimi")),
                oppilaitos_oid=text(obj(a.get("organisaatio")).get("oppilaitos-oid")),
                organisaation_nimi=text(obj(a.get("organisaatio")).get("nimi")),
                ytunnus=text(obj(a.get("organisaatio")).get("y-tunnus")),
            )
            for a in objects(value)
        ]


@strawberry.type(description="A näyttö: how and where the competence is shown (eHOKS: osaamisen osoittaminen).")
class Naytto:
    alku: date | None = strawberry.field(description="First day.")
    loppu: date | None = strawberry.field(description="Last day.")
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
    osa_alueet: list[str] = strawberry.field(description="The osa-alue codes the näyttö covers.")

    @classmethod
    def read(cls, value: Any) -> list[Naytto]:
        return [
            cls(
                alku=day(n.get("alku")),
                loppu=day(n.get("loppu")),
                nayttoympariston_nimi=text(obj(n.get("nayttoymparisto")).get("nimi")),
                nayttoympariston_ytunnus=text(obj(n.get("nayttoymparisto")).get("y-tunnus")),
                nayttoympariston_kuvaus=text(obj(n.get("nayttoymparisto")).get("kuvaus")),
                sisallon_kuvaus=texts(n.get("sisallon-kuvaus")),
                yksilolliset_kriteerit=texts(n.get("yksilolliset-kriteerit")),
                vaatimuksista_poikkeaminen=text(n.get("vaatimuksista-tai-tavoitteista-poikkeaminen")),
                koulutuksen_jarjestajan_arvioijat=Arvioija.read(n.get("koulutuksen-jarjestaja-osaamisen-arvioijat")),
                tyoelaman_arvioijat=Arvioija.read(n.get("tyoelama-osaamisen-arvioijat")),
                osa_alueet=[k for a in objects(n.get("osa-alueet")) if (k := text(a.get("koodi-uri")))],
            )
            for n in objects(value)
        ]


@strawberry.type(description="A learning environment other than the workplace, with its period.")
class MuuOppimisymparisto:
    koodi: str | None = strawberry.field(description="eHOKS's oppimisymparistot code, e.g. oppimisymparistot_0001.")
    alku: date | None = strawberry.field(description="First day.")
    loppu: date | None = strawberry.field(description="Last day.")


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
    def read(cls, lisatiedot: Mapping[str, Any]) -> list[AiemminHankittuOsaaminen]:
        found: list[AiemminHankittuOsaaminen] = []
        for tyyppi, key in (
            ("ammatillinen", "aiemmin-hankitut-ammat-tutkinnon-osat"),
            ("paikallinen", "aiemmin-hankitut-paikalliset-tutkinnon-osat"),
            ("yhteinen", "aiemmin-hankitut-yhteiset-tutkinnon-osat"),
        ):
            for osa in objects(lisatiedot.get(key)):
                found.append(cls._one(tyyppi, osa, osa))
                found.extend(cls._one(tyyppi, osa, alue) for alue in objects(osa.get("osa-alueet")))
        return found

    @classmethod
    def _one(cls, tyyppi: str, osa: Mapping[str, Any], part: Mapping[str, Any]) -> AiemminHankittuOsaaminen:
        return cls(
            tyyppi=tyyppi,
            tutkinnon_osa_koodi=text(osa.get("tutkinnon-osa-koodi-uri")),
            nimi=text(part.get("nimi")),
            osa_alue_koodi=text(part.get("osa-alue-koodi-uri")),
            valittu_todentamisen_prosessi=text(part.get("valittu-todentamisen-prosessi-koodi-uri")),
            lahetetty_arvioitavaksi=day(
                obj(part.get("tarkentavat-tiedot-osaamisen-arvioija")).get("lahetetty-arvioitavaksi")
            ),
            naytot=Naytto.read(part.get("tarkentavat-tiedot-naytto")),
        )


@strawberry.type(description="Studies that support the learner's readiness to study (not part of the tutkinto).")
class OpiskeluvalmiuksiaTukevaOpinto:
    nimi: str | None = strawberry.field(description="The study's name.")
    kuvaus: str | None = strawberry.field(description="What it contains.")
    alku: date | None = strawberry.field(description="First day.")
    loppu: date | None = strawberry.field(description="Last day.")


@strawberry.type(description="Special support for learning (eHOKS: oppimisen tuki), with its period.")
class OppimisenTuki:
    tyyppi: str | None = strawberry.field(description="eHOKS's oppimisen tuen tyyppi code.")
    tutkinnon_osan_tyyppi: str | None = strawberry.field(description="Which group of tutkinnon osat it concerns.")
    alku: date | None = strawberry.field(description="First day of the support.")
    loppu: date | None = strawberry.field(description="Last day of the support (null: open).")


def opiskeluvalmiuksia_tukevat_opinnot(lisatiedot: Mapping[str, Any]) -> list[OpiskeluvalmiuksiaTukevaOpinto]:
    return [
        OpiskeluvalmiuksiaTukevaOpinto(
            nimi=text(o.get("nimi")), kuvaus=text(o.get("kuvaus")), alku=day(o.get("alku")), loppu=day(o.get("loppu"))
        )
        for o in objects(lisatiedot.get("opiskeluvalmiuksia-tukevat-opinnot"))
    ]


def oppimisen_tuki(lisatiedot: Mapping[str, Any]) -> list[OppimisenTuki]:
    return [
        OppimisenTuki(
            tyyppi=text(o.get("oppimisen-tuen-tyyppi-koodi-uri")),
            tutkinnon_osan_tyyppi=text(o.get("tutkinnon-osan-tyyppi-koodi-uri")),
            alku=day(o.get("alku")),
            loppu=day(o.get("loppu")),
        )
        for o in objects(lisatiedot.get("oppimisen-tuki"))
    ]


def muut_oppimisymparistot(lisatiedot: Mapping[str, Any]) -> list[MuuOppimisymparisto]:
    return [
        MuuOppimisymparisto(
            koodi=text(o.get("oppimisymparisto-koodi-uri")), alku=day(o.get("alku")), loppu=day(o.get("loppu"))
        )
        for o in objects(lisatiedot.get("muut-oppimisymparistot"))
    ]


LISATIEDOT = (
    "What eHOKS's HOKS document holds here beyond Polku's own fields, kept as given (kebab-case keys); the typed "
    "fields beside it read the common parts. `polku export-hoks` writes it back. updateHoks replaces the whole "
    "plan, so send back what you read."
)


@strawberry.type
class HoksTiedot:
    """The HOKS-level parts of eHOKS's document (a base of the Hoks type)."""

    lisatiedot: dict[str, Any] | None = strawberry.field(description=LISATIEDOT, graphql_type=JSON | None)

    @strawberry.field(description="Competence recognised from earlier, with how it is verified.")
    def aiemmin_hankittu_osaaminen(self) -> list[AiemminHankittuOsaaminen]:
        return AiemminHankittuOsaaminen.read(self.lisatiedot or {})

    @strawberry.field(description="Studies that support readiness to study.")
    def opiskeluvalmiuksia_tukevat_opinnot(self) -> list[OpiskeluvalmiuksiaTukevaOpinto]:
        return opiskeluvalmiuksia_tukevat_opinnot(self.lisatiedot or {})

    @strawberry.field(description="Special support for learning, by period.")
    def oppimisen_tuki(self) -> list[OppimisenTuki]:
        return oppimisen_tuki(self.lisatiedot or {})

    @strawberry.field(description="The learner's career plan (eHOKS's urasuunnitelma code).")
    def urasuunnitelma(self) -> str | None:
        return text((self.lisatiedot or {}).get("urasuunnitelma-koodi-uri"))


@strawberry.type
class TutkinnonOsaTiedot:
    """A hankittava osa's parts of eHOKS's document (a base of the HankittavaTutkinnonOsa type)."""

    lisatiedot: dict[str, Any] | None = strawberry.field(description=LISATIEDOT, graphql_type=JSON | None)

    @strawberry.field(description="The näytöt planned for this osa (or osa-alue).")
    def naytot(self) -> list[Naytto]:
        return Naytto.read((self.lisatiedot or {}).get("osaamisen-osoittaminen"))

    @strawberry.field(description="Hours of teaching and guidance planned (opetus- ja ohjausmäärä).")
    def opetus_ja_ohjausmaara(self) -> float | None:
        return number((self.lisatiedot or {}).get("opetus-ja-ohjaus-maara"))

    @strawberry.field(description="Whether there is an olennainen seikka (an essential fact) to note.")
    def olennainen_seikka(self) -> bool | None:
        value = (self.lisatiedot or {}).get("olennainen-seikka")
        return value if isinstance(value, bool) else None

    @strawberry.field(description="A paikallinen osa's goals and contents.")
    def tavoitteet_ja_sisallot(self) -> str | None:
        return text((self.lisatiedot or {}).get("tavoitteet-ja-sisallot"))

    @strawberry.field(description="A paikallinen osa's laajuus (competence points).")
    def laajuus(self) -> float | None:
        return number((self.lisatiedot or {}).get("laajuus"))


@strawberry.type
class HankkimistapaTiedot:
    """A hankkimistapa's parts of eHOKS's document (a base of the Hankkimistapa type)."""

    lisatiedot: dict[str, Any] | None = strawberry.field(description=LISATIEDOT, graphql_type=JSON | None)

    @strawberry.field(description="A työpaikkajakso's key work tasks.")
    def keskeiset_tyotehtavat(self) -> list[str]:
        tyopaikka = obj((self.lisatiedot or {}).get("tyopaikalla-jarjestettava-koulutus"))
        return texts(tyopaikka.get("keskeiset-tyotehtavat"))

    @strawberry.field(description="Other learning environments during the period.")
    def muut_oppimisymparistot(self) -> list[MuuOppimisymparisto]:
        return muut_oppimisymparistot(self.lisatiedot or {})

    @strawberry.field(description="Free text that specifies the period.")
    def ajanjakson_tarkenne(self) -> str | None:
        return text((self.lisatiedot or {}).get("ajanjakson-tarkenne"))
