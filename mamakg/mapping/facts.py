"""The corpus-level half of the build: the Filter stage's relation-frequency constraint, then
the Map stage over every stored mention (paper sections 2.1 and 2.2), giving the graph's facts.

Mentions wait in the `MentionStore` (on disk) until the whole corpus is read; `collect_facts`
groups them by (head, relation, tail), maps relations and entities, and builds one `Fact` per
group.
"""

from __future__ import annotations

from collections.abc import Iterable

from mamakg.config import Config
from mamakg.filters import Drop
from mamakg.mapping.distant import map_relations
from mamakg.mapping.entities import EntityLinker, KBLinker
from mamakg.mapping.properties import PropertyIndex
from mamakg.result import Summary
from mamakg.store import MentionStore
from mamakg.types import Entity, Fact, Mention, Relation

__all__ = ["collect_facts"]


def _label(forms: dict[str, int]) -> str:
    return min(forms.items(), key=lambda kv: (-kv[1], kv[0]))[0]


def collect_facts(store: MentionStore, config: Config, summary: Summary,
                  linker: EntityLinker | KBLinker | None = None) -> list[Fact]:
    """Corpus-level filter and Map stage over every stored mention."""
    pairs = store.relation_pairs()
    keep = {r for r, n in pairs.items() if n >= config.min_relation_pairs}
    rare = store.count_mentions_of(set(pairs) - keep)
    if rare:
        summary.dropped[Drop.RARE_RELATION.value] += rare
    entity_forms, relation_forms = store.surface_counts()
    properties = PropertyIndex.bundled()
    relations = {r: properties.relation(r, _label(relation_forms[r]), config.min_map_score)
                 for r in sorted(keep)}
    entities: dict[str, Entity] = {}
    groups: Iterable[list[Mention]] = store.facts(keep)
    if isinstance(linker, KBLinker):  # link jointly per document, then distant supervision
        groups = list(groups)
        entities = linker.link_all(groups, {k: _label(f) for k, f in entity_forms.items()})
        relations = map_relations(groups, entities, linker.kb, relations)

    def entity(key: str) -> Entity:
        if key not in entities:
            label = _label(entity_forms[key])
            entities[key] = (linker.entity(key, label) if linker else Entity(key=key, label=label))
        return entities[key]

    facts = []
    for mentions in groups:
        first = mentions[0]
        relation, tail = relations[first.relation_key], entity(first.tail_key)
        if relation.pid and not properties.fits(relation.pid, tail.label):
            # a date where the property wants an item, or the reverse: keep it open
            relation = Relation(key=relation.key, label=relation.label)
        fact = Fact(
            head=entity(first.head_key),
            relation=relation,
            tail=tail,
            score=max(m.score for m in mentions),
            support=len({(m.doc_id, m.sent_index) for m in mentions}),
            mentions=tuple(mentions),
        )
        summary.status[fact.status.value] += 1
        summary.n_mentions += len(mentions)
        facts.append(fact)
    summary.n_facts = len(facts)
    return facts
