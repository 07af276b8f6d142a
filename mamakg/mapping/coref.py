"""Map stage, pronouns: a pronoun is never an entity of the graph. Each head or tail that is a
pronoun is resolved, within its document, to the named entity it most likely stands for, or
the mention is left out of the graph.

Rules (encyclopedic text names its subject first and then refers to it by pronoun):

- "he", "she" (him, his, her, hers, -self): the first person named in the document before the
  pronoun (an argument typed ``PERSON``);
- "it" (its, itself): the first named organization, place, work, product or event before it;
- "they" (them, their): the first named organization or group before it;
- first and second person ("I", "we", "you"), demonstratives ("this") and relative pronouns
  that the Match stage did not already resolve ("who", "which"): not resolved.

Pure: works on the mentions of one document, in corpus order.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from dataclasses import dataclass

from mamakg.english import PERSON_PRONOUNS, PLURAL_PRONOUNS, THING_PRONOUNS
from mamakg.mapping.arguments import is_pronoun
from mamakg.types import Mention

__all__ = ["Antecedent", "Resolution", "antecedent_kinds", "resolve_document"]

_PERSON = frozenset({"PERSON"})
_THING = frozenset({"ORG", "GPE", "LOC", "FAC", "PRODUCT", "WORK_OF_ART", "EVENT", "LAW",
                    "LANGUAGE"})
_GROUP = frozenset({"ORG", "NORP", "GPE"})
_KINDS = {
    **{w: _PERSON for w in sorted(PERSON_PRONOUNS)},
    **{w: _THING for w in sorted(THING_PRONOUNS)},
    **{w: _GROUP for w in sorted(PLURAL_PRONOUNS)},
}


def antecedent_kinds(pronoun: str) -> frozenset[str]:
    """The entity labels a pronoun may stand for (empty: never resolved).

    >>> sorted(antecedent_kinds("His")), sorted(antecedent_kinds("who"))
    (['PERSON'], [])
    """
    return _KINDS.get(pronoun.strip().lower(), frozenset())


@dataclass(frozen=True)
class Antecedent:
    """A named entity of the document a pronoun may stand for."""

    key: str
    label: str
    kind: str
    position: tuple[int, int]
    """(sentence index, character offset) of its first mention."""


@dataclass(frozen=True)
class Resolution:
    """What became of one mention of the document."""

    mention: Mention | None
    """The mention with its pronoun heads and tails re-keyed to their antecedents (texts and
    offsets unchanged), None when a pronoun could not be resolved."""
    original: Mention
    """The mention as the Match stage made it."""
    resolved: tuple[str, ...] = ()
    """The slots resolved (``head``, ``tail``)."""


def _slots(m: Mention) -> Iterable[tuple[str, str, str, int]]:
    yield "head", m.head_key, m.head_type, m.head.start
    yield "tail", m.tail_key, m.tail_type, m.tail.start


def _antecedents(mentions: list[Mention]) -> list[Antecedent]:
    first: dict[str, Antecedent] = {}
    for m in mentions:
        for reading in (m, *m.readings):
            for slot, key, kind, start in _slots(reading):
                text = getattr(reading, slot).text
                if not kind or kind in ("PRON", "NUM") or is_pronoun(text):
                    continue
                position = (reading.sent_index, start)
                if key not in first or position < first[key].position:
                    first[key] = Antecedent(key, text, kind, position)
    return sorted(first.values(), key=lambda a: (a.position, a.key))


def _resolve(m: Mention, antecedents: list[Antecedent]) -> tuple[Mention | None, tuple[str, ...]]:
    changes: dict[str, object] = {}
    resolved = []
    for slot, _, kind, start in _slots(m):
        text = getattr(m, slot).text
        if kind != "PRON" and not is_pronoun(text):
            continue
        kinds = antecedent_kinds(text)
        here = (m.sent_index, start)
        found = next((a for a in antecedents if a.kind in kinds and a.position < here), None)
        if found is None:
            return None, ()
        changes[f"{slot}_key"] = found.key
        changes[f"{slot}_type"] = found.kind
        resolved.append(slot)
    if not changes:
        return m, ()
    return dataclasses.replace(m, **changes), tuple(resolved)  # type: ignore[arg-type]


def resolve_document(mentions: list[Mention]) -> list[Resolution]:
    """Resolve the pronouns of one document's mentions (given in corpus order); a narrow
    reading is resolved like its mention (and dropped alone when it cannot be)."""
    antecedents = _antecedents(mentions)
    out = []
    for m in mentions:
        resolved_m, slots = _resolve(m, antecedents)
        if resolved_m is not None and resolved_m.readings:
            readings = tuple(r for r in (_resolve(r, antecedents)[0]
                                         for r in resolved_m.readings) if r is not None)
            resolved_m = dataclasses.replace(resolved_m, readings=readings)
        out.append(Resolution(resolved_m, m, slots))
    return out
