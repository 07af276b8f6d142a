"""Map stage, relations by distant supervision over an offline knowledge base
(`mamakg.mapping.kb`, ``build --kb``).

An open relation key maps to the property that holds most often between the linked
(head, tail) pairs of its facts, when at least `min_count` pairs vote for it and they are at
least `min_share` of the linked pairs (``map_method = "distant"``, score = that share); else the
next mapper of the chain decides (`mamakg.mapping.mapper`).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence

from mamakg.mapping.kb import KnowledgeBase
from mamakg.mapping.mapper import MapMethod, Mapping, MapQuery
from mamakg.mapping.properties import property_labels
from mamakg.types import Entity, Mention, Relation

__all__ = ["MIN_DISTANT_COUNT", "MIN_DISTANT_SHARE", "DistantMapper", "map_relations"]

MIN_DISTANT_COUNT = 2
"""Distant supervision: linked pairs that must vote for a property."""
MIN_DISTANT_SHARE = 0.5
"""Distant supervision: share of the relation's linked pairs that must vote for it."""


def map_relations(
    facts: Iterable[Sequence[Mention]],
    entities: dict[str, Entity],
    kb: KnowledgeBase,
    relations: dict[str, Relation],
    min_count: int = MIN_DISTANT_COUNT,
    min_share: float = MIN_DISTANT_SHARE,
) -> dict[str, Relation]:
    """Distant supervision: `relations` with each key remapped to the property that most of its
    linked (head, tail) pairs have in `kb`, where one has enough votes; other keys unchanged."""
    pairs: dict[str, set[tuple[str, str]]] = defaultdict(set)
    for mentions in facts:
        first = mentions[0]
        head, tail = entities.get(first.head_key), entities.get(first.tail_key)
        if head is not None and tail is not None and head.qid and tail.qid:
            pairs[first.relation_key].add((head.qid, tail.qid))
    out = dict(relations)
    if not kb.has_statements:
        return out
    for key in sorted(pairs.keys() & relations.keys()):
        votes: Counter[str] = Counter()
        for head_qid, tail_qid in sorted(pairs[key]):
            votes.update(set(kb.statements(head_qid, tail_qid)))
        if not votes:
            continue
        pid, n = min(votes.items(), key=lambda kv: (-kv[1], kv[0]))
        share = round(n / len(pairs[key]), 4)
        if n < min_count or share < min_share:
            continue
        old = relations[key]
        pid_label = kb.property_label(pid) or property_labels().get(pid)
        out[key] = Relation(key=old.key, label=old.label, pid=pid, map_score=share,
                            map_method="distant", pid_label=pid_label)
    return out




class DistantMapper:
    """The relation mapper of distant supervision: the keys `map_relations` remapped, each to
    its property; leaves every other key to the next mapper."""

    def __init__(self, relations: dict[str, Relation]) -> None:
        self.relations = {k: r for k, r in relations.items() if r.map_method == "distant"}

    @classmethod
    def vote(cls, facts: Iterable[Sequence[Mention]], entities: dict[str, Entity],
             kb: KnowledgeBase, labels: dict[str, str]) -> DistantMapper:
        """The mapper of these facts' votes (`labels`: relation key -> its surface)."""
        open_relations = {k: Relation(key=k, label=label) for k, label in labels.items()}
        return cls(map_relations(facts, entities, kb, open_relations))

    def prepare(self, queries: Sequence[MapQuery], compare: bool = True) -> None:
        """Nothing to prepare: the votes were counted when the mapper was made."""

    def map(self, queries: Sequence[MapQuery]) -> list[Mapping | None]:
        out: list[Mapping | None] = []
        for q in queries:
            found = self.relations.get(q.key)
            out.append(None if found is None or found.pid is None else Mapping(
                found.pid, found.map_score or 0.0, MapMethod.DISTANT,
                pid_label=found.pid_label))
        return out
