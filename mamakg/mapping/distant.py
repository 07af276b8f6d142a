"""Map stage, relations by distant supervision over an offline knowledge base
(`mamakg.mapping.kb`, ``build --kb``).

An open relation key maps to the property that holds most often between the linked
(head, tail) pairs of its facts, when at least `min_count` pairs vote for it and they are at
least `min_share` of the linked pairs (``map_method = "distant"``, score = that share); else the
property-table match of `mamakg.mapping.properties` stays (``label`` / ``alias``).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence

from mamakg.mapping.kb import KnowledgeBase
from mamakg.mapping.properties import property_labels
from mamakg.types import Entity, Mention, Relation

__all__ = ["MIN_DISTANT_COUNT", "MIN_DISTANT_SHARE", "map_relations"]

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


