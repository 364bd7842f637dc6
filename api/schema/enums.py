"""Polku's own code sets as GraphQL enums, each value documented (the SDL is the clients' manual).

The GraphQL value names are the stored codes themselves (`aloittaneet`, `kunta_valvoja`), so what a client
reads in the API, the CSV files and the database is one spelling. The Python enums live with the models and
rules; this registers them with strawberry and gives every value its description: a value without one is a
KeyError at import, before any test runs. Koski's open code sets (tila, tyyppi, koulutus, kunta) stay strings.
"""

from __future__ import annotations

from enum import Enum, StrEnum
from typing import TypeVar

import strawberry

from models.kyselylinkki import Kanava, Kyselytyyppi, ToimitusTila
from models.rules import palaute, tyoelama
from models.rules.hoks import HANKKIMISTAPA_TYYPIT
from models.services.koski import VOID_REASONS
from models.user import RoleName

E = TypeVar("E", bound=type[Enum])


def register(cls: E, *, name: str, description: str, values: dict[str, str], by_value: bool = False) -> E:
    """`strawberry.enum` on a models enum plus one description per value (keyed by the member's name)."""
    strawberry.enum(cls, name=name, description=description, graphql_name_from="value" if by_value else "key")
    for value in cls.__strawberry_definition__.values:  # type: ignore[attr-defined]
        member = cls(value.value)
        value.description = values[member.name]
    return cls


register(
    Kyselytyyppi,
    name="Kyselytyyppi",
    description="Which survey (DOMAIN.md §3–4); the stored code.",
    by_value=True,
    values={
        "ALOITTANEET": "The student survey at the start (from the HOKS's first approval).",
        "TUTKINNON_SUORITTANEET": "The student survey after a whole tutkinto.",
        "TUTKINNON_OSIA_SUORITTANEET": "The student survey after tutkinnon osia only.",
        "TYOPAIKKAOHJAAJAKYSELY": "The workplace instructor's survey after työpaikkajaksot (bundled).",
        "TYOPAIKKAKYSELY": "The workplace's survey, per workplace and rahoituskausi (handed over, never sent).",
    },
)
register(
    Kanava,
    name="Kanava",
    description="The channel a message goes on.",
    by_value=True,
    values={"EMAIL": "E-mail.", "SMS": "Text message to a Finnish mobile number."},
)
register(
    ToimitusTila,
    name="ToimitusTila",
    description="Where one delivery stands: queued → sent | failed | bounced | delivered.",
    by_value=True,
    values={
        "QUEUED": "Waiting for the worker.",
        "SENT": "Handed to the mail server or SMS provider.",
        "FAILED": "Could not be sent; see virhe.",
        "BOUNCED": "The recipient's server refused it.",
        "DELIVERED": "The SMS provider reported it delivered.",
    },
)
register(
    RoleName,
    name="Rooli",
    description="A role a user holds in an organisation (eHOKS roles nest: read ⊂ write ⊂ admin; DOMAIN.md §6.4).",
    by_value=True,
    values={
        "READ": "Reads the organisation's HOKSes, links and reports.",
        "WRITE": "Also saves HOKSes and resends links.",
        "ADMIN": "Also edits the extra questions and survey settings.",
        "VASTUUKAYTTAJA": "Valpas: grants pääkäyttäjä roles.",
        "PAAKAYTTAJA": "Valpas: the oppilaitos' main user; grants valvoja roles.",
        "VALVOJA_HAKEUTUMINEN": "Valpas: follows the pupils' applying (hakeutumisvalvonta).",
        "VALVOJA_SUORITTAMINEN": "Valpas: follows the learners' fulfilment of compulsory education.",
        "VALVOJA_MAKSUTTOMUUS": "Valpas: follows free education (maksuttomuus).",
        "KUNTA_PAAKAYTTAJA": "Valpas: the kunta's main user.",
        "KUNTA_VALVOJA": "Valpas: the kunta's monitor; sees the kunta's lists and kuntailmoitukset.",
    },
)

HankkimistavanTyyppi = StrEnum(  # type: ignore[misc]
    "HankkimistavanTyyppi", {code.upper(): code for code in sorted(HANKKIMISTAPA_TYYPIT)}
)
register(
    HankkimistavanTyyppi,
    name="HankkimistavanTyyppi",
    description="How competence is acquired; oppisopimus and koulutussopimus are työpaikkajaksot.",
    by_value=True,
    values={
        "OPPISOPIMUS": "Apprenticeship (oppisopimus): a työpaikkajakso under an employment contract.",
        "KOULUTUSSOPIMUS": "Training agreement (koulutussopimus): a työpaikkajakso without employment.",
        "OPPILAITOSMUOTOINEN": "At the oppilaitos.",
        "MUU": "Any other way (eHOKS codes Polku does not tell apart).",
    },
)

# The codes of "no link" decisions, with their English explanation as the description.
_SYYT = {**palaute.REASONS, **tyoelama.REASONS}
PaatoksenSyy = StrEnum("PaatoksenSyy", {code.upper(): code for code in sorted(_SYYT)})  # type: ignore[misc]
register(
    PaatoksenSyy,
    name="PaatoksenSyy",
    description="Why a feedback decision made no link (DOMAIN.md §3–4); selitys says it in words.",
    by_value=True,
    values={code.upper(): text for code, text in _SYYT.items()},
)

MitatoinninSyy = StrEnum("MitatoinninSyy", {code.upper(): code for code in sorted(VOID_REASONS)})  # type: ignore[misc]
register(
    MitatoinninSyy,
    name="MitatoinninSyy",
    description="Why a study right is voided (mitätöity) in Polku.",
    by_value=True,
    values={
        "VAARA_TYYPPI": "Recorded with the wrong type: the learner's studies go on under another study right.",
        "EI_ALOITTANUT": "The learner never started: no HOKS or survey should follow from it.",
    },
)
