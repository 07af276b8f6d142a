"""The corpus-level half of the build: the Filter stage's relation-frequency constraint, then
the Map stage over every stored mention (paper sections 2.1 and 2.2), giving the graph's facts.

Mentions wait in the `MentionStore` (on disk) until the whole corpus is read. `collect_facts`
then

1. drops the mentions of rare relations (``--min-relation-pairs``);
2. reads the rest document by document (`MentionStore.mentions`): pronoun heads and tails are
   resolved within their document or the mention leaves the graph (`mamakg.mapping.coref`),
   as does one whose head is a date or number; each mention's readings between named
   entities (`Mention.readings`) join it as derived mentions (and the mention itself stays an
   open fact: its readings carry the mapping). What goes on is written into a second store,
   keyed as resolved;
3. groups that store by (head, relation, tail), maps each group's relation (when its head is
   named: a common noun phrase is no schema subject) in the context of its head and tail
   kinds (`mamakg.mapping.semantic`, or the label/alias matcher without the embedding model;
   distant supervision with ``--kb``), links entities (``--entities`` or
   ``--kb``), turns dates and numbers into literal values (`mamakg.mapping.values`), grades
   each fact's confidence (`mamakg.mapping.confidence`) and builds one `Fact` per group. A
   group made only of derived readings is kept only when its relation maps to a property.

Mentions left out of the graph are counted in ``Summary.dropped`` and, when a list is given,
handed back: the Open IE (carb) output still lists them, as it lists what the Match stage read.
"""

from __future__ import annotations

import dataclasses
import itertools
import logging
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence

from mamakg.config import Config
from mamakg.mapping.arguments import is_named, is_pronoun
from mamakg.mapping.confidence import fact_confidence
from mamakg.mapping.coref import resolve_document
from mamakg.mapping.distant import map_relations
from mamakg.mapping.entities import EntityLinker, KBLinker
from mamakg.mapping.properties import PropertyIndex, property_table
from mamakg.mapping.semantic import MapQuery, SemanticMapper, kind_of
from mamakg.mapping.values import is_value, value_literal
from mamakg.result import Summary
from mamakg.store import MentionStore
from mamakg.types import Drop, Entity, Fact, Mention, Relation

__all__ = ["collect_facts", "make_mapper"]

log = logging.getLogger(__name__)


def _label(forms: dict[str, int]) -> str:
    return min(forms.items(), key=lambda kv: (-kv[1], kv[0]))[0]


def make_mapper(config: Config) -> SemanticMapper | None:
    """The embedding mapper with the shipped property vectors and the bundled sentence-
    embedding model, or None when ``--no-semantic-map`` or the model is not installed (the
    label/alias matcher then maps alone)."""
    if not config.semantic_map:
        return None
    from mamakg.attention import Embedder
    from mamakg.errors import MamakgError
    from mamakg.mapping.vectors import PropertyVectors

    try:
        embedder = Embedder()
    except MamakgError as err:
        log.warning("relations map by label and alias only: %s", err)
        return None
    return SemanticMapper(PropertyVectors.bundled(), embedder.embed,
                          min_score=config.min_map_score)


class _Forms:
    """Surface forms and kinds of entities and relations, counted while reading."""

    def __init__(self) -> None:
        self.entities: dict[str, Counter[str]] = {}
        self.kinds: dict[str, Counter[str]] = {}
        self.relations: dict[str, Counter[str]] = {}
        self.triples: set[tuple[str, str, str]] = set()
        """The (head, relation, tail) keys the Map stage may map: not those of a mention whose
        readings carry its mapping (unless a reading or another mention has the same key)."""

    def add(self, m: Mention) -> None:
        if m.derived or not m.readings:
            self.triples.add(m.fact_key)
        for text, key, kind in ((m.head.text, m.head_key, m.head_type),
                                (m.tail.text, m.tail_key, m.tail_type)):
            forms = self.entities.setdefault(key, Counter())
            if not is_pronoun(text):
                # the label is the span without leading determiners: as many trailing words
                # as the key has
                forms[" ".join(text.split()[-len(key.split(" ")):])] += 1
            if kind and kind != "PRON":
                self.kinds.setdefault(key, Counter())[kind] += 1
        self.relations.setdefault(m.relation_key, Counter())[m.relation.text] += 1

    def entity_label(self, key: str) -> str:
        forms = self.entities.get(key)
        return _label(forms) if forms else key

    def kind(self, key: str) -> str:
        kinds = self.kinds.get(key)
        return min(kinds.items(), key=lambda kv: (-kv[1], kv[0]))[0] if kinds else ""


def _documents(mentions: Iterable[Mention]) -> Iterator[list[Mention]]:
    for _, group in itertools.groupby(mentions, key=lambda m: m.doc_id):
        yield list(group)


def _resolve_into(store: MentionStore, keep: set[str], out: MentionStore, forms: _Forms,
                  config: Config, summary: Summary, dropped: list[Mention] | None) -> None:
    """Step 2 of `collect_facts`: resolved mentions and their readings into `out`."""
    kept = (m for m in store.mentions() if m.relation_key in keep)
    for document in _documents(kept):
        batch: list[Mention] = []
        seen: set[tuple[int, int, int, int]] = set()  # two mentions may give the same reading
        if config.resolve_pronouns:
            resolutions = [(r.mention, r.original) for r in resolve_document(document)]
        else:
            resolutions = [(m, m) for m in document]
        for m, original in resolutions:
            reason = None
            if m is None:
                reason = Drop.PRONOUN
            elif config.literal_values and is_value(m.head.text):
                reason = Drop.VALUE_HEAD
            if reason is not None or m is None:
                summary.dropped[(reason or Drop.PRONOUN).value] += 1
                if dropped is not None:
                    dropped.append(original)
                continue
            readings = [x for x in m.readings if not is_value(x.head.text)] \
                if config.entity_readings else []
            # a mention keeps its readings in the store only as a mark: the Map stage maps
            # the readings, between named entities, and leaves such a mention open
            batch.append(dataclasses.replace(m, readings=tuple(readings[:1])))
            for x in readings:
                where = (x.sent_index, x.head.start, x.relation.start, x.tail.start)
                if where not in seen:
                    seen.add(where)
                    batch.append(x)
        for m in batch:
            forms.add(m)
        out.add(batch)


def _query(key: str, head: Entity, tail: Entity, label: str) -> MapQuery:
    tail_kind = kind_of(tail.kind, tail.label) or ("date" if is_value(tail.label) else "")
    return MapQuery(key, label, kind_of(head.kind, head.label), tail_kind,
                    tail.label if tail_kind in ("group", "organization") else "")


def _tail_entity(entity: Entity, relation: Relation, datatype: str | None) -> Entity:
    """The tail as a literal value when it is a date or number (typed on a time- or
    quantity-valued property, plain otherwise)."""
    if entity.qid is not None or not is_value(entity.label):
        return entity
    literal = value_literal(entity.label, datatype) if relation.pid and datatype else None
    kind, value = literal if literal is not None else ("string", entity.label)
    return Entity(key=entity.key, label=entity.label, datatype=kind, value=value,
                  kind=entity.kind)


def collect_facts(store: MentionStore, config: Config, summary: Summary,
                  linker: EntityLinker | KBLinker | None = None,
                  dropped: list[Mention] | None = None,
                  mapper: SemanticMapper | None | Callable[[], SemanticMapper | None] = None,
                  ) -> list[Fact]:
    """Corpus-level filter and Map stage over every stored mention (see the module
    docstring). `mapper`: the relation mapper, or a function making one (default
    `make_mapper`); mentions left out of the graph go to `dropped` when given."""
    pairs = store.relation_pairs()
    keep = {r for r, n in pairs.items() if n >= config.min_relation_pairs}
    rare = store.count_mentions_of(set(pairs) - keep)
    if rare:
        summary.dropped[Drop.RARE_RELATION.value] += rare
    forms = _Forms()
    with MentionStore() as resolved:
        _resolve_into(store, keep, resolved, forms, config, summary, dropped)
        return _facts(resolved, config, summary, linker, forms,
                      mapper if mapper is not None else (lambda: make_mapper(config)))


def _facts(store: MentionStore, config: Config, summary: Summary,
           linker: EntityLinker | KBLinker | None, forms: _Forms,
           mapper: SemanticMapper | None | Callable[[], SemanticMapper | None]) -> list[Fact]:
    properties = PropertyIndex.bundled()
    datatypes = {row["pid"]: row["datatype"] for row in property_table()}
    relation_keys = sorted(forms.relations)
    labels = {k: _label(forms.relations[k]) for k in relation_keys}
    entities: dict[str, Entity] = {}
    groups: Iterable[list[Mention]] = store.facts(set(relation_keys))
    distant: dict[str, Relation] = {}
    if isinstance(linker, KBLinker):  # link jointly per document, then distant supervision
        groups = list(groups)
        entities = linker.link_all(groups, {k: forms.entity_label(k) for k in forms.entities})
        plain = {k: properties.relation(k, labels[k], config.min_map_score)
                 for k in relation_keys}
        distant = {k: r for k, r in map_relations(groups, entities, linker.kb, plain).items()
                   if r.map_method == "distant"}
    semantic = mapper() if callable(mapper) and not isinstance(mapper, SemanticMapper) \
        else mapper

    def entity(key: str) -> Entity:
        if key not in entities:
            label = forms.entity_label(key)
            entities[key] = (linker.entity(key, label) if linker else Entity(key=key, label=label))
        found = entities[key]
        kind = forms.kind(key)
        if kind and not found.kind:
            found = entities[key] = Entity(found.key, found.label, found.qid, found.link_score,
                                           kind=kind)
        return found

    def relation(key: str, head: Entity, tail: Entity) -> tuple[Relation, bool]:
        """The relation of a fact, and whether the property holds from tail to head."""
        if key in distant:
            return distant[key], False
        label = labels[key]
        if semantic is None:
            found = properties.relation(key, label, config.min_map_score)
            if found.pid and not properties.fits(found.pid, tail.label):
                return Relation(key=key, label=label), False
            return found, False
        if not is_named(head):
            return Relation(key=key, label=label), False
        decision = semantic.map([_query(key, head, tail, label)])[0]
        if decision.pid is None or not properties.fits(
                decision.pid, (head if decision.inverse else tail).label):
            return Relation(key=key, label=label), False
        return Relation(key=key, label=label, pid=decision.pid, map_score=decision.score,
                        map_method=decision.method, pid_label=property_table_label(
                            decision.pid), evidence=decision.evidence), decision.inverse

    if semantic is not None:  # every query at once: the embedding runs in a few batches
        semantic.prepare(sorted({_query(r, entity(h), entity(t), labels[r])
                                 for h, r, t in forms.triples if is_named(entity(h))}, key=repr))
    def add(head: Entity, rel: Relation, tail: Entity, mentions: Sequence[Mention]) -> None:
        mentions = [dataclasses.replace(m, readings=()) if m.readings else m for m in mentions]
        if config.literal_values:
            tail = _tail_entity(tail, rel, datatypes.get(rel.pid or ""))
        fact = Fact(
            head=head, relation=rel, tail=tail,
            score=(fact_confidence(mentions, rel) if config.graded_confidence
                   else max(m.score for m in mentions)),
            support=len({(m.doc_id, m.sent_index) for m in mentions}),
            mentions=tuple(mentions),
        )
        summary.status[fact.status.value] += 1
        summary.n_mentions += sum(1 for m in mentions if not m.derived)
        facts.append(fact)

    facts: list[Fact] = []
    for mentions in groups:
        first = mentions[0]
        head, tail = entity(first.head_key), entity(first.tail_key)
        derived = all(m.derived for m in mentions)
        if not derived and all(m.readings or m.derived for m in mentions):
            # its readings between the named entities inside its chunks carry the mapping
            add(head, Relation(key=first.relation_key, label=labels[first.relation_key]),
                tail, mentions)
            continue
        rel, inverse = relation(first.relation_key, head, tail)
        if derived and rel.pid is None:
            continue  # a reading between entities is kept only as a mapped fact
        if not inverse:
            add(head, rel, tail, mentions)
            continue
        # the property holds from tail to head: the mapped fact reads the mentions backwards
        # (derived), and a Match-stage fact stays as the open fact it is
        add(tail, rel, head, [_reversed(m) for m in mentions])
        if not derived:
            add(head, Relation(key=rel.key, label=rel.label), tail,
                [m for m in mentions if not m.derived])
    summary.n_facts = len(facts)
    return facts


def _reversed(m: Mention) -> Mention:
    return dataclasses.replace(m, head=m.tail, tail=m.head, head_key=m.tail_key,
                               tail_key=m.head_key, head_type=m.tail_type,
                               tail_type=m.head_type, derived=True)


def property_table_label(pid: str) -> str | None:
    from mamakg.mapping.properties import property_labels

    return property_labels().get(pid)
