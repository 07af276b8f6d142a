"""The corpus-level half of the build: the Filter stage's relation-frequency constraint, then
the Map stage over every stored mention (paper sections 2.1 and 2.2), giving the graph's facts.

Mentions wait in the `MentionStore` (on disk) until the whole corpus is read. `collect_facts`
then

1. drops the mentions of rare relations (``--min-relation-pairs``);
2. reads the rest document by document (`MentionStore.mentions`): names, definite
   descriptions and pronouns are resolved within their document, and a pronoun that cannot be
   leaves the graph with its mention (`mamakg.mapping.coref`), as does a mention whose head is
   a date or number or whose head or tail is punctuation alone; a common noun phrase left
   unresolved is keyed to its document (``--scope-common-nouns``); each mention's readings
   between named entities (`Mention.readings`) join it as derived mentions (and the mention
   itself stays an open fact: its readings carry the mapping); with ``--agree-kinds`` each
   entity's kind is the one most of its mentions in the document give (`agreed_kinds`). What
   goes on is written into a second store, keyed as resolved;
3. groups that store by (head, relation, tail), maps each group's relation (when its head is
   named: a common noun phrase is no schema subject) in the context of its head and tail
   kinds (`mamakg.mapping.semantic`, or the label/alias matcher without the embedding model;
   distant supervision with ``--kb``), links entities (``--entities`` or
   ``--kb``), turns dates and numbers into literal values (`mamakg.mapping.values`), grades
   each fact's confidence (`mamakg.mapping.confidence`) and builds one `Fact` per group. A
   group made only of derived readings is kept only when its relation maps to a property. A
   common noun valued on a class-valued property (`class_valued`: instance of, occupation,
   genre...) is the class node shared by every document: those groups join into one fact.

Mentions left out of the graph are counted in ``Summary.dropped`` and, when a list is given,
handed back: the Open IE (carb) output still lists them, as it lists what the Match stage read.
"""

from __future__ import annotations

import dataclasses
import functools
import itertools
import logging
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from typing import TYPE_CHECKING, Any

from mamakg.config import Config
from mamakg.errors import MamakgError
from mamakg.mapping.arguments import is_named, is_pronoun
from mamakg.mapping.confidence import fact_confidence
from mamakg.mapping.coref import resolve_document, scope_of, unscoped
from mamakg.mapping.distant import DistantMapper
from mamakg.mapping.entities import EntityLinker, KBLinker
from mamakg.mapping.mapper import MapChain, MapQuery
from mamakg.mapping.properties import property_table, value_kinds
from mamakg.mapping.semantic import SemanticMapper, kind_of
from mamakg.mapping.strings import StringMapper
from mamakg.mapping.values import is_value, value_literal
from mamakg.mapping.vectors import PropertyVectors
from mamakg.normalize import squash
from mamakg.result import Summary
from mamakg.store import MentionStore
from mamakg.types import Drop, Entity, Fact, Mention, Relation

if TYPE_CHECKING:
    from mamakg.attention import Embedder

__all__ = ["agreed_kinds", "class_valued", "collect_facts", "load_embedder", "make_mappers",
           "one_per_reading"]

log = logging.getLogger(__name__)


def _label(forms: dict[str, int]) -> str:
    return min(forms.items(), key=lambda kv: (-kv[1], kv[0]))[0]


def load_embedder(config: Config) -> Embedder | None:
    """The bundled sentence-embedding model for the embedding mapper, or None when
    ``--no-semantic-map`` or the model is not installed (the label/alias matcher then maps
    alone)."""
    if not config.semantic_map:
        return None
    from mamakg.attention import Embedder

    try:
        return Embedder()
    except MamakgError as err:
        log.warning("relations map by label and alias only: %s", err)
        return None


def make_mappers(config: Config, embedder: Embedder | None = None,
                 vectors: PropertyVectors | None = None) -> MapChain:
    """The relation mappers of a build, in their order (`mamakg.mapping.mapper`): by meaning
    (kind readings, then sentence embeddings with `embedder` and the property `vectors`,
    default the shipped ones) when there is an embedder, else by label and alias. Distant
    supervision joins at the front in `collect_facts` when a knowledge base links entities."""
    if embedder is None:
        return MapChain((StringMapper(min_score=config.min_map_score),))
    return SemanticMapper(vectors if vectors is not None else PropertyVectors.bundled(),
                          embedder.embed, min_score=config.min_map_score)


class _Forms:
    """Surface forms and kinds of entities and relations, counted while reading."""

    def __init__(self) -> None:
        self.entities: dict[str, Counter[str]] = {}
        self.kinds: dict[str, Counter[str]] = {}
        self.relations: dict[str, Counter[str]] = {}
        self.relation_pos: dict[tuple[str, str], tuple[str, ...]] = {}
        """(relation key, surface) -> the parts of speech of the surface, as first seen."""
        self.others: dict[str, Counter[str]] = {}
        """Forms of other names resolved to an entity key (a label only where it has none)."""
        self.triples: set[tuple[str, str, str]] = set()
        """The (head, relation, tail) keys the Map stage may map: not those of a mention whose
        readings carry its mapping (unless a reading or another mention has the same key)."""

    def add(self, m: Mention) -> None:
        if m.derived or not m.readings:
            self.triples.add(m.fact_key)
        for text, key, kind in ((m.head_label, m.head_key, m.head_type),
                                (m.tail_label, m.tail_key, m.tail_type)):
            forms = self.entities.setdefault(key, Counter())
            if not is_pronoun(text):
                # the label is the span without leading determiners: as many trailing words
                # as the key has; a form of another name resolved to this key ("Meitner"
                # for "lise meitner") is counted apart, as a label only where none is its own
                base = unscoped(key, m.doc_id)
                form = " ".join(text.split()[-len(base.split(" ")):])
                if squash(form) == base:
                    forms[form] += 1
                else:
                    self.others.setdefault(key, Counter())[form] += 1
            if kind and kind != "PRON":
                self.kinds.setdefault(key, Counter())[kind] += 1
        self.relations.setdefault(m.relation_key, Counter())[m.relation.text] += 1
        if m.relation_pos:
            self.relation_pos.setdefault((m.relation_key, m.relation.text), m.relation_pos)

    def entity_label(self, key: str) -> str:
        forms = self.entities.get(key) or self.others.get(key)
        return _label(forms) if forms else unscoped(key)

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
        if config.resolve_pronouns or config.resolve_names or config.resolve_descriptions:
            resolutions = [(r.mention, r.original, r.resolved) for r in resolve_document(
                document, pronouns=config.resolve_pronouns, names=config.resolve_names,
                descriptions=config.resolve_descriptions)]
        else:
            resolutions = [(m, m, ()) for m in document]
        for m, original, slots in resolutions:
            reason = None
            if m is None:
                reason = Drop.PRONOUN
            elif config.literal_values and is_value(m.head_label):
                reason = Drop.VALUE_HEAD
            elif config.scope_common_nouns and not (_has_word(m.head.text)
                                                    and _has_word(m.tail.text)):
                reason = Drop.NO_WORD
            if reason is not None or m is None:
                summary.dropped[(reason or Drop.PRONOUN).value] += 1
                if dropped is not None:
                    dropped.append(original)
                continue
            readings = [x for x in m.readings if not is_value(x.head.text)] \
                if config.entity_readings else []
            if config.scope_common_nouns:
                m = scope_of(m, slots)
                readings = [scope_of(x) for x in readings]
            # a mention keeps its readings in the store only as a mark: the Map stage maps
            # the readings, between named entities, and leaves such a mention open
            batch.append(dataclasses.replace(m, readings=tuple(readings[:1])))
            for x in readings:
                where = (x.sent_index, x.head.start, x.relation.start, x.tail.start)
                if where not in seen:
                    seen.add(where)
                    batch.append(x)
        if config.agree_kinds:
            batch = agreed_kinds(batch)
        for m in batch:
            forms.add(m)
        out.add(batch)


def _has_word(text: str) -> bool:
    return any(c.isalnum() for c in text)


@functools.cache
def class_valued() -> frozenset[str]:
    """The item-valued properties whose values are classes, not individuals: those whose
    Wikidata description names no kind of individual as the value (`value_kinds`: instance of,
    occupation, genre, position held...; not father, employer, place of birth)."""
    return frozenset(row["pid"] for row in property_table()
                     if row["datatype"] == "WikibaseItem" and not value_kinds(row["description"]))


def agreed_kinds(mentions: list[Mention]) -> list[Mention]:
    """The mentions of one document with every head and tail of one entity key given the
    kind most of them give it there (ties: the alphabetically first); an unknown kind ("")
    or a pronoun's takes no part, and is replaced where the key has a kind.

    >>> from mamakg.types import TextSpan
    >>> def m(kind):
    ...     s = [TextSpan("Lyon", 0, 4), TextSpan("is in", 5, 10), TextSpan("France", 11, 17)]
    ...     return Mention("d", 0, "Lyon is in France", 0, *s, "lyon", "be in", "france", 1.0,
    ...                    head_type=kind, tail_type="GPE")
    >>> [x.head_type for x in agreed_kinds([m("GPE"), m("ORG"), m("GPE"), m("")])]
    ['GPE', 'GPE', 'GPE', 'GPE']
    """
    votes: dict[str, Counter[str]] = {}
    for m in mentions:
        for key, kind in ((m.head_key, m.head_type), (m.tail_key, m.tail_type)):
            if kind and kind != "PRON":
                votes.setdefault(key, Counter())[kind] += 1
    voted = {key: min(c.items(), key=lambda kv: (-kv[1], kv[0]))[0]
             for key, c in votes.items()}

    def agreed(m: Mention) -> Mention:
        head = voted.get(m.head_key, m.head_type) if m.head_type != "PRON" else m.head_type
        tail = voted.get(m.tail_key, m.tail_type) if m.tail_type != "PRON" else m.tail_type
        if (head, tail) == (m.head_type, m.tail_type):
            return m
        return dataclasses.replace(m, head_type=head, tail_type=tail)

    return [agreed(m) for m in mentions]


def _query(key: str, head: Entity, tail: Entity, label: str,
           pos: tuple[str, ...] = ()) -> MapQuery:
    tail_kind = kind_of(tail.kind, tail.label) or ("date" if is_value(tail.label) else "")
    return MapQuery(key, label, kind_of(head.kind, head.label), tail_kind,
                    tail.label if tail_kind in ("group", "organization") else "",
                    head_named=is_named(head), surface_pos=pos)


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
                  mappers: MapChain | None = None) -> list[Fact]:
    """Corpus-level filter and Map stage over every stored mention (see the module
    docstring). `mappers`: the relation mappers (default `make_mappers` with the bundled
    embedding model, loaded here); mentions left out of the graph go to `dropped` when
    given."""
    summary.linking = linker is not None
    pairs = store.relation_pairs()
    keep = {r for r, n in pairs.items() if n >= config.min_relation_pairs}
    rare = store.count_mentions_of(set(pairs) - keep)
    if rare:
        summary.dropped[Drop.RARE_RELATION.value] += rare
    forms = _Forms()
    if mappers is None:
        mappers = make_mappers(config, load_embedder(config))
    with MentionStore() as resolved:
        _resolve_into(store, keep, resolved, forms, config, summary, dropped)
        return _facts(resolved, config, summary, linker, forms, mappers)


class _Entities:
    """The `Entity` of each entity key, made once: linked (`linker`), with the label and kind
    its mentions give most often."""

    def __init__(self, forms: _Forms, linker: EntityLinker | KBLinker | None,
                 linked: dict[str, Entity] | None = None) -> None:
        self.forms = forms
        self.linker = linker
        self.known: dict[str, Entity] = dict(linked or {})

    def __call__(self, key: str) -> Entity:
        if key not in self.known:
            label = self.forms.entity_label(key)
            self.known[key] = (self.linker.entity(key, label) if self.linker
                               else Entity(key=key, label=label))
        found = self.known[key]
        kind = self.forms.kind(key)
        if kind and not found.kind:
            found = self.known[key] = Entity(found.key, found.label, found.qid,
                                             found.link_score, kind=kind)
        return found


def _triples(mentions: list[Mention], entity: _Entities, chain: MapChain,
             labels: dict[str, str], poses: dict[str, tuple[str, ...]],
             classes: frozenset[str] | None = None,
             ) -> Iterator[tuple[Entity, Relation, Entity, list[Mention]]]:
    """The facts of one group of mentions with the same (head, relation, tail) keys, as
    (head, relation, tail, mentions): a group whose Match-stage mentions all have readings
    stays open (its readings carry the mapping); a group of readings only is kept only when
    it maps; a property that holds from tail to head gives the mapped fact read backwards and
    keeps the Match-stage mentions as an open fact. With `classes` (common nouns scoped to
    their document): a common noun valued on one of these properties is the class node
    shared by every document, and a value is never read backwards into a head."""
    first = mentions[0]
    head, tail = entity(first.head_key), entity(first.tail_key)
    label = labels[first.relation_key]
    derived = all(m.derived for m in mentions)
    if not any(m.derived for m in mentions) and all(m.readings for m in mentions):
        yield head, Relation(key=first.relation_key, label=label), tail, mentions
        return
    rel, inverse = chain.relation(
        _query(first.relation_key, head, tail, label, poses[first.relation_key]),
        head.label, tail.label)
    if derived and rel.pid is None:
        return  # a reading between entities is kept only as a mapped fact
    if classes is not None and inverse and is_value(tail.label):
        if not derived:  # a date or number heads no fact: the relation stays open
            yield head, Relation(key=rel.key, label=rel.label), tail, \
                [m for m in mentions if not m.derived]
        return
    if classes is not None and not inverse and rel.pid in classes \
            and unscoped(tail.key, first.doc_id) != tail.key:
        tail = Entity(key=unscoped(tail.key), label=tail.label, kind=tail.kind)
    if not inverse:
        yield head, rel, tail, mentions
        return
    yield tail, rel, head, [_reversed(m) for m in mentions]
    if not derived:
        yield head, Relation(key=rel.key, label=rel.label), tail, \
            [m for m in mentions if not m.derived]


def _fact(head: Entity, rel: Relation, tail: Entity, mentions: Sequence[Mention],
          config: Config, datatypes: dict[str, str]) -> Fact:
    """One fact of the graph: the tail a literal where it is a value, the confidence graded
    (or the best mention's score), the support counted by sentence; its mentions without
    what only the Map stage reads (readings, parse features)."""
    mentions = one_per_reading([dataclasses.replace(m, readings=(), relation_pos=())
                                if m.readings or m.relation_pos else m for m in mentions])
    if config.literal_values:
        tail = _tail_entity(tail, rel, datatypes.get(rel.pid or ""))
    return Fact(
        head=head, relation=rel, tail=tail,
        score=(fact_confidence(mentions, rel) if config.graded_confidence
               else max(m.score for m in mentions)),
        support=len({(m.doc_id, m.sent_index) for m in mentions}),
        mentions=tuple(mentions),
    )


def _facts(store: MentionStore, config: Config, summary: Summary,
           linker: EntityLinker | KBLinker | None, forms: _Forms,
           mappers: MapChain) -> list[Fact]:
    """Step 3 of `collect_facts`: the facts of the resolved mentions' groups."""
    datatypes = {row["pid"]: row["datatype"] for row in property_table()}
    relation_keys = sorted(forms.relations)
    labels = {k: _label(forms.relations[k]) for k in relation_keys}
    poses = {k: forms.relation_pos.get((k, labels[k]), ()) for k in relation_keys}
    groups: Iterable[list[Mention]] = store.facts(set(relation_keys))
    entity = _Entities(forms, linker)
    chain = mappers
    if isinstance(linker, KBLinker):  # link jointly per document, then distant supervision
        groups = list(groups)
        entity = _Entities(forms, linker, linker.link_all(
            groups, {k: forms.entity_label(k) for k in forms.entities}))
        distant = DistantMapper.vote(groups, entity.known, linker.kb, labels)
        chain = MapChain((distant, *mappers.mappers), mappers.index)
    # every query at once: the embedding runs in a few batches
    chain.prepare(sorted({_query(r, entity(h), entity(t), labels[r], poses[r])
                          for h, r, t in forms.triples if is_named(entity(h))}, key=repr))
    classes = class_valued() if config.scope_common_nouns else None
    found: list[tuple[Entity, Relation, Entity, list[Mention]]] = []
    where: dict[tuple[str, str, str | None, str], int] = {}
    for mentions in groups:
        for head, rel, tail, kept in _triples(mentions, entity, chain, labels, poses,
                                              classes):
            at = (head.key, rel.key, rel.pid, tail.key)
            if at in where:  # a class value of several documents: one fact
                found[where[at]][3].extend(kept)
                continue
            where[at] = len(found)
            found.append((head, rel, tail, list(kept)))
    facts: list[Fact] = []
    for head, rel, tail, kept in found:
        fact = _fact(head, rel, tail, kept, config, datatypes)
        summary.add_fact(fact)
        facts.append(fact)
    summary.n_facts = len(facts)
    return facts


def one_per_reading(mentions: Sequence[Mention]) -> list[Mention]:
    """The mentions with each reading once: two mentions of one fact with the same document,
    sentence and spans are one mention (a reading derived from a wider chunk can repeat what
    the Match stage read in the sentence itself). The Match-stage mention is kept (it has its
    own path and matching degree), else the best-scored; the order is kept.

    >>> from mamakg.types import TextSpan
    >>> s = [TextSpan("he", 0, 2), TextSpan("served as", 3, 12), TextSpan("Syndikus", 13, 21)]
    >>> read = Mention("d", 4, "he served as Syndikus", 0, *s, "he", "serve as", "syndikus", 0.05)
    >>> derived = dataclasses.replace(read, score=0.09, derived=True)
    >>> one_per_reading([derived, read]) == [read]
    True
    """
    best: dict[tuple[Any, ...], Mention] = {}
    for m in mentions:
        where = (m.doc_id, m.sent_index, m.head.start, m.head.end, m.relation.start,
                 m.relation.end, m.tail.start, m.tail.end)
        kept = best.get(where)
        if kept is None or (kept.derived, -kept.score) > (m.derived, -m.score):
            best[where] = m
    if len(best) == len(mentions):
        return list(mentions)
    chosen = {id(m) for m in best.values()}
    return [m for m in mentions if id(m) in chosen]


def _reversed(m: Mention) -> Mention:
    return dataclasses.replace(m, head=m.tail, tail=m.head, head_key=m.tail_key,
                               tail_key=m.head_key, head_type=m.tail_type,
                               tail_type=m.head_type, head_node=m.tail_node,
                               tail_node=m.head_node, derived=True)
