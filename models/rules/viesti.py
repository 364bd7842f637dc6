"""A text for a person as a catalog template and its values (issue 14: messages in fi, sv and en).

Rules and services write what they mean in English with named placeholders (`first must be between 1 and
{max}`); the template is the msgid of gettext domain `api`, and the API translates it at its edge for the
client's language (`api.i18n`) before filling in the values. A value that is itself a `Viesti` (a domain noun,
a nested reason) is translated too. `str()` gives the English text, for logs and the command line.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Viesti:
    template: str
    arvot: tuple[tuple[str, object], ...] = ()

    @classmethod
    def of(cls, template: str, **arvot: object) -> Viesti:
        return cls(template, tuple(arvot.items()))

    def __str__(self) -> str:
        if not self.arvot:
            return self.template
        return self.template.format(**{k: str(v) for k, v in self.arvot})


def kaannettava(text: str | Viesti) -> Viesti:
    """A plain text as a message of its own (translated when shown), a message as it is."""
    return text if isinstance(text, Viesti) else Viesti(text)
