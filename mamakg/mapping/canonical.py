"""Canonical open schema: relation phrases that say the same thing ("was born in", "born in",
"bear in") grouped under one canonical open relation, each with its member phrases and counts.

Pure and cheap: a phrase's canonical key is its words lower-cased, a few irregular forms turned
into their lemma, without auxiliaries and modals, articles, possessives and time adverbs; the
prepositions and negations, which change the meaning, stay. Works on relation keys (already
lemmatized by spaCy) and on surface phrases alike.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from mamakg.english import AUXILIARY_LEMMAS, DETERMINERS, IRREGULAR_LEMMAS, TIME_ADVERBS
from mamakg.normalize import squash

__all__ = ["OpenRelation", "canonical_key", "canonicalize"]

_DROP = (DETERMINERS - {"any", "every"}) | TIME_ADVERBS
"""Articles, demonstratives, possessives and "some", and time adverbs: they leave the relation
as it is ("any" and "every" stay: "attend every" is not "attend")."""
_PUNCT = frozenset(",.;:!?\"'()-")


def canonical_key(phrase: str) -> str:
    """The canonical open relation of a relation phrase or key.

    >>> canonical_key("was born in")
    'bear in'
    >>> canonical_key("be bear in")
    'bear in'
    >>> canonical_key("is not a member of")
    'not member of'
    """
    words = [w for w in squash(phrase).split(" ") if w and w not in _PUNCT]
    words = [IRREGULAR_LEMMAS.get(w, w) for w in words]
    kept = [w for w in words if w not in _DROP]
    content = [w for w in kept if w not in AUXILIARY_LEMMAS]
    if content:
        kept = content
    return " ".join(kept) or squash(phrase)


@dataclass(frozen=True)
class OpenRelation:
    """A canonical open relation and the relation phrases it groups."""

    key: str
    """The canonical key (`canonical_key` of every member)."""
    label: str
    """The most frequent member phrase."""
    members: tuple[tuple[str, int], ...]
    """(phrase, count) of each member, most frequent first."""
    count: int
    """Sum of the members' counts."""

    def __post_init__(self) -> None:
        if not self.members:
            raise ValueError("an open relation needs at least one member")


def canonicalize(counts: Mapping[str, int] | Iterable[tuple[str, int]]) -> list[OpenRelation]:
    """Group relation phrases (with their counts) by canonical key, largest group first.

    >>> [(r.key, r.label, r.count) for r in canonicalize({"bear in": 3, "be bear in": 1})]
    [('bear in', 'bear in', 4)]
    """
    items = counts.items() if isinstance(counts, Mapping) else counts
    groups: dict[str, dict[str, int]] = {}
    for phrase, n in items:
        members = groups.setdefault(canonical_key(phrase), {})
        members[phrase] = members.get(phrase, 0) + n
    out = []
    for key, members in groups.items():
        ordered = tuple(sorted(members.items(), key=lambda kv: (-kv[1], len(kv[0]), kv[0])))
        out.append(OpenRelation(key=key, label=ordered[0][0], members=ordered,
                                count=sum(members.values())))
    out.sort(key=lambda r: (-r.count, r.key))
    return out
