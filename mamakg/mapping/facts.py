"""The corpus-level half of the build: the Filter stage's relation-frequency constraint, then
the Map stage over every stored mention (paper sections 2.1 and 2.2), giving the graph's facts.

Mentions wait in the `MentionStore` (on disk) until the whole corpus is read. `collect_facts`
then

1. drops the mentions of rare relations (``--min-relation-pairs``);
2. resolves the rest document by document (`mamakg.mapping.resolve`: names,
   definite descriptions and pronouns within their document, common nouns scoped to it,
   readings added, kinds agreed; mentions that leave the graph set aside) into a second
   store, keyed as resolved;
3. (`map_resolved`) groups that store by (head, relation, tail), maps each group's relation
   (when its head is named: a common noun phrase is no schema subject) in the context of its
   head and tail kinds (`mamakg.mapping.semantic`, or the label/alias matcher without the
   embedding model; distant supervision with ``--kb``), links entities (``--entities`` or
   ``--kb``), turns dates and numbers into literal values (`mamakg.mapping.values`), grades
   each fact's confidence (`mamakg.mapping.confidence`) and builds one `Fact` per group. A
   group made only of derived readings is kept only when its relation maps to a property. A
   common noun valued on a class-valued property (`class_valued`: instance of, occupation,
   genre...) is the class node shared by every document: those groups join into one fact.

When every relation is kept (the default), step 2 needs no corpus: the build runs it as
documents come in, with the Match stage (`mamakg.mapping.resolve`), and only step 3 waits for
the corpus.

Mentions left out of the graph are counted in ``Summary.dropped`` and, when a list is given,
handed back: the Open IE (carb) output still lists them, as it lists what the Match stage read.
"""

from __future__ import annotations

import bisect
import contextlib
import functools
import logging
import sys
import time
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar

import numpy as np

from mamakg.config import Config
from mamakg.english import (
    ALL_PREPOSITIONS,
    DEMONSTRATIVES,
    PLACE_PREPOSITIONS,
    POSSESSIVE_DETERMINERS,
    final_preposition,
    is_month,
)
from mamakg.errors import MamakgError
from mamakg.mapping.arguments import GROUP_OF_PERSON, is_named
from mamakg.mapping.confidence import fact_confidence
from mamakg.mapping.coref import unscoped
from mamakg.mapping.distant import DistantMapper
from mamakg.mapping.entities import EntityLinker, KBLinker
from mamakg.mapping.mapper import MapChain, MapQuery
from mamakg.mapping.places import country_of_adjective, is_country
from mamakg.mapping.properties import (
    PropertyIndex,
    property_rows,
    property_table,
    value_kinds,
)
from mamakg.mapping.resolve import (
    Forms,
    agreed_kinds,
    documents,
    most_common,
    resolve_window,
    store_parts,
)
from mamakg.mapping.semantic import EmbeddingMapper, SemanticMapper, kind_of, teaches_at
from mamakg.mapping.strings import StringMapper
from mamakg.mapping.values import is_value, value_literal
from mamakg.mapping.vectors import PropertyVectors
from mamakg.normalize import squash
from mamakg.packed import FactPart, PackedFacts
from mamakg.result import Summary
from mamakg.scale.processes import Workers, lasting_objects, shared_array
from mamakg.store import MentionStore
from mamakg.types import Drop, Entity, Fact, Mention, Relation, evolve

if TYPE_CHECKING:
    from mamakg.attention import Embedder

__all__ = ["PrepareAhead", "agreed_kinds", "class_valued", "collect_facts", "load_embedder",
           "make_mappers", "map_resolved", "one_per_reading"]

log = logging.getLogger(__name__)


def load_embedder(config: Config) -> Embedder | None:
    """The bundled sentence-embedding model for the embedding mapper, on the build's device
    (`Config.device`), or None when ``--no-semantic-map`` or the model is not installed (the
    label/alias matcher then maps alone)."""
    if not config.semantic_map:
        return None
    from mamakg.attention import Embedder

    try:
        return Embedder(device=config.device)
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
    chain = SemanticMapper(vectors if vectors is not None else PropertyVectors.bundled(),
                           embedder.embed, min_score=config.min_map_score)
    chain.embedder = embedder
    return chain


def _resolve_into(store: MentionStore, keep: set[str], out: MentionStore, forms: Forms,
                  config: Config, summary: Summary, dropped: list[Mention] | None) -> None:
    """Step 2 of `collect_facts`: resolved mentions and their readings into `out`."""
    kept = (m for m in store.mentions() if m.relation_key in keep)
    for document in documents(kept):
        resolved = resolve_window(document, None, None, config)
        forms.merge(resolved.forms)
        store_parts(resolved.parts, out, summary, dropped)


def class_valued() -> frozenset[str]:
    """The item-valued properties of the shipped table whose values are classes, not
    individuals (`PropertyIndex.class_valued`)."""
    return PropertyIndex.bundled().class_valued


COUNTRY_VALUED = frozenset({"P17", "P27", "P495"})
"""The properties whose values are sovereign states in Wikidata: country, country of
citizenship, country of origin."""


ADMINISTRATIVE = {"P276": ("P131", "located in the administrative territorial entity")}
"""A property whose Wikidata description sends an administrative entity elsewhere ("location:
... In case of an administrative entity use P131"), and where: `_administrative`."""


def _administrative(rel: Relation, head: Entity, tail: Entity) -> Relation:
    """The relation `rel` where its value is an administrative entity its property's
    description sends elsewhere (`ADMINISTRATIVE`): a thing "located in" a place the entity
    recognizer calls a city, state or country (``GPE``) lies in that administrative entity
    (P131), or in that country (P17, as `mamakg.mapping.places` reads "Houston, Texas,
    United States"); an event's location ("the First Chess Congress in New York"), a place
    "near" or "on" another and a value of another kind stay as mapped."""
    found = ADMINISTRATIVE.get(rel.pid or "")
    if found is None or tail.kind != "GPE" or head.kind == "EVENT" \
            or final_preposition(rel.label) != "in":
        return rel
    pid, label = ("P17", "country") if is_country(tail.label) else found
    return Relation(rel.key, rel.label, pid, rel.map_score, rel.map_method, label,
                    (*rel.evidence, ("administrative", f"{tail.label} is an administrative "
                                     f"entity: {pid} ({label}), as {rel.pid}'s description "
                                     "says")))


def _query(key: str, head: Entity, tail: Entity, label: str,
           pos: tuple[str, ...] = ()) -> MapQuery:
    return _query_of(key, label, pos, _head_side(head), _tail_side(tail))


def _query_of(key: str, label: str, pos: tuple[str, ...], head: tuple[str, bool],
              tail: tuple[str, str]) -> MapQuery:
    """The `MapQuery` of a relation with what it reads of its head and tail (`_head_side`,
    `_tail_side`, `_read_by`)."""
    (head_kind, named), (tail_kind, tail_text) = head, _read_by(key, tail)
    return MapQuery(key, label, head_kind, tail_kind, tail_text, head_named=named,
                    surface_pos=pos)


def _read_by(key: str, tail: tuple[str, str]) -> tuple[str, str]:
    """What a relation reads of its tail (`_tail_side`): a place's name only where it teaches
    at it (`teaches_at`: the school the recognizer took for a building or a town is read as
    an organization's)."""
    kind, _ = tail
    return (kind, "") if kind == "place" and not teaches_at(key) else tail


def _head_side(head: Entity) -> tuple[str, bool]:
    """What a `MapQuery` reads of its head: its kind, and whether it can be the subject of a
    schema fact: a name (`is_named`) that is no group (a nationality, religion or party is a
    fact's value, `semantic.GROUP_VALUED`: "an *American* chemist who was awarded the Nobel
    Prize" says nothing of Americans), nor a date or a number, which are values ("the years
    following Dom Pedro's death", which the recognizer calls a date, follow no one)."""
    kind = kind_of(head.kind, head.label)
    return kind, is_named(head) and kind not in ("group", "date", "number")


def _tail_side(tail: Entity) -> tuple[str, str]:
    """What a `MapQuery` reads of its tail: its kind, and its label where the kind is a
    group, an organization or a place (`_read_by` keeps a place's for a few relations)."""
    kind = kind_of(tail.kind, tail.label) or ("date" if is_value(tail.label) else "")
    return kind, tail.label if kind in ("group", "organization", "place") else ""


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
                  mappers: MapChain | None = None) -> Sequence[Fact]:
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
    forms = Forms()
    with MentionStore() as resolved:
        _resolve_into(store, keep, resolved, forms, config, summary, dropped)
        return map_resolved(resolved, forms, config, summary, linker, mappers)


def map_resolved(resolved: MentionStore, forms: Forms, config: Config, summary: Summary,
                 linker: EntityLinker | KBLinker | None = None,
                 mappers: MapChain | None = None) -> Sequence[Fact]:
    """Step 3 of `collect_facts` (module docstring) over mentions resolved document by
    document (`mamakg.mapping.resolve`, with their `forms`): the graph's facts."""
    summary.linking = linker is not None
    if mappers is None:
        mappers = make_mappers(config, load_embedder(config))
    return _facts(resolved, config, summary, linker, forms, mappers)


class _Entities:
    """The `Entity` of each entity key, made once: linked (`linker`), with the label and kind
    its mentions give most often."""

    def __init__(self, forms: Forms, linker: EntityLinker | KBLinker | None,
                 linked: dict[str, Entity] | None = None) -> None:
        self.forms = forms
        self.linker = linker
        self.known: dict[str, Entity] = dict(linked or {})
        self._done: dict[str, Entity] = {}
        """key -> its entity with its kind, once asked."""

    def __call__(self, key: str) -> Entity:
        found = self._done.get(key)
        if found is not None:
            return found
        if key not in self.known:
            label = self.forms.entity_label(key)
            self.known[key] = (self.linker.entity(key, label) if self.linker
                               else Entity(key=key, label=label))
        found = self.known[key]
        kind = self.forms.kind(key)
        aliases = self.forms.entity_aliases(key, found.label)
        if (kind and not found.kind) or aliases:
            found = self.known[key] = evolve(found, kind=found.kind or kind, aliases=aliases)
        self._done[key] = found
        return found

    def country(self, name: str) -> Entity:
        """The entity of a sovereign state named `name` (`mamakg.mapping.places.countries`),
        which the corpus may never name: its entity as its mentions give it, else made here
        (linked, a place)."""
        key = squash(name)
        if key in self.forms.entities or key in self.known:
            return self(key)
        made = self.linker.entity(key, name) if self.linker else Entity(key=key, label=name)
        made = Entity(made.key, made.label, made.qid, made.link_score, kind="GPE")
        self.known[key] = self._done[key] = made
        return made


def _triples(mentions: list[Mention], entity: _Entities, chain: MapChain,
             labels: dict[str, str], poses: dict[str, tuple[str, ...]],
             classes: frozenset[str] | None = None, countries: bool = False,
             ) -> Iterator[tuple[Entity, Relation, Entity, list[Mention]]]:
    """The facts of one group of mentions with the same (head, relation, tail) keys, as
    (head, relation, tail, mentions): a group whose Match-stage mentions all have readings
    stays open (its readings carry the mapping); a group of readings only is kept only when
    it maps; a fact whose head is its tail maps to no property; a property that holds from
    tail to head gives the mapped fact read backwards and keeps the Match-stage mentions as
    an open fact. With `classes` (common nouns scoped to their document): a common noun
    valued on one of these properties is the class node shared by every document, and a
    value or a common noun is never read backwards into a head. With `countries`, a
    nationality adjective valued on a property whose values are sovereign states
    (`COUNTRY_VALUED`: "a [Zambian] politician", country of citizenship) is that state's
    entity ("Zambia")."""
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
    if rel.pid is not None and _says_no_value(mentions, rel.pid, head, tail, inverse):
        rel, inverse = Relation(key=rel.key, label=rel.label), False
    if not inverse:
        rel = _administrative(rel, head, tail)
    if derived and rel.pid is None:
        return  # a reading between entities is kept only as a mapped fact
    if classes is not None and inverse and (is_value(tail.label) or not is_named(tail)):
        if not derived:  # a date, a number or a common noun heads no schema fact: the
            # relation stays open (as a common noun's own relations do: `_head_side`)
            yield head, Relation(key=rel.key, label=rel.label), tail, \
                [m for m in mentions if not m.derived]
        return
    if classes is not None and not inverse and rel.pid in classes \
            and unscoped(tail.key, first.doc_id) != tail.key:
        tail = Entity(key=unscoped(tail.key), label=tail.label, kind=tail.kind)
    if countries and not inverse and rel.pid in COUNTRY_VALUED and \
            (state := country_of_adjective(tail.label)) is not None:
        tail = entity.country(state)
    if not inverse:
        yield head, rel, tail, mentions
        return
    yield tail, rel, head, [_reversed(m) for m in mentions]
    if not derived:
        yield head, Relation(key=rel.key, label=rel.label), tail, \
            [m for m in mentions if not m.derived]


def _says_no_value(mentions: Sequence[Mention], pid: str, head: Entity, tail: Entity,
                   inverse: bool) -> bool:
    """Whether a group's mentions give the property `pid` no value of their subject, so the
    fact stays open: a head that is its tail (nothing is its own part, parent...), a value
    the text does not name (`_unnamed_particular`), a relation said of the subject of the
    clause, not of the head (`_participle_of_the_clause`), a place or a date that belongs to
    a name in the relation (`_place_of_a_name`, `_date_of_an_object`), an organization where
    the property wants a place (`_organization_for_a_place`)."""
    if head.key == tail.key:
        return True
    if pid not in KINDS_WITH_THE and _unnamed_particular(
            mentions, tail if not inverse else head, inverse):
        return True
    if _participle_of_the_clause(mentions):
        return True
    return not inverse and (_place_of_a_name(mentions, pid, tail)
                            or _date_of_an_object(mentions, pid)
                            or _organization_for_a_place(mentions, pid, tail))


_OWN_PARTICIPLES = frozenset(
    "consisting comprising containing including featuring involving numbering spanning "
    "crossing carrying running flowing connecting linking joining bordering overlooking "
    "surrounding traveling travelling stretching extending leading".split())
"""Participles that say what the noun right before them holds or where it lies or runs ("a
board of directors, *consisting of* parents", "the Recouvrance Bridge, *spanning* the river
Penfeld"): said of that noun, not of the clause's subject."""


def _participle_of_the_clause(mentions: Sequence[Mention]) -> bool:
    """Whether every mention's relation is a participle clause set off by a comma right after
    its head ("he was raised in [Saskatoon], *earning* a Bachelor of Arts", "he headed for
    Melbourne, [Victoria], *eventually settling in* Prahran", "[the Younger], *having married*
    Brutus' mother"): English says such a clause of the subject of the clause it follows, not
    of the noun before the comma, so the mention states no fact of its head and the fact
    stays open. A head that opens its sentence is that subject ("The Aerial Lift Bridge,
    spanning the Duluth Ship Canal, is..."), and participles of what a noun holds or where it
    lies (`_OWN_PARTICIPLES`: "consisting of", "spanning") are said of the noun before them.
    Read from the relation's words and their parts of speech (adverbs before the participle
    are skipped; a mention read without parts of speech decides by the words alone)."""
    for m in mentions:
        if m.head.start == 0 or m.sentence[m.head.end:m.relation.start].strip() != ",":
            return False
        words = m.relation.text.split()
        pos = m.relation_pos if len(m.relation_pos) == len(words) else ()
        at = 0
        while at < len(words) - 1 and (pos[at] == "ADV" if pos else words[at].endswith("ly")):
            at += 1
        word = words[at].lower() if words else ""
        if not word.endswith("ing") or word in _OWN_PARTICIPLES or \
                (pos and pos[at] not in ("VERB", "AUX")):
            return False
    return True


@functools.cache
def _kinds_of_value(pid: str) -> frozenset[str]:
    """`value_kinds` of a property of the shipped table (empty for one it lacks)."""
    return value_kinds(property_rows().get(pid, {}).get("description", ""))


def _place_of_a_name(mentions: Sequence[Mention], pid: str, tail: Entity) -> bool:
    """Whether a fact's value is a place that every mention writes after a name its relation
    holds, before a final "in", "at" or comma ("Robyn attended *Ryerson University* in
    Toronto", "is a member of *the Labour Party* in Bridgeport"), on a property whose value
    is an organization or a person, not a place (`value_kinds`: educated at, employer,
    member of political party): the place is where that name is, and the relation is said
    of the head and the name, not of the place (Robyn studied at Ryerson, not at Toronto),
    so the fact stays open. (A place fits such a property at all only because the entity
    recognizer tells an organization from a place poorly: "Cambridge". On a property whose
    value is a place, the place holds the name and so the head too: "born at Luster in
    Sogn" is born in Sogn.) A name is a capitalized word of the relation (not its first,
    which is a word, not a comma: "Boston, Massachusetts, United States" is a chain of
    places; not a month: "born on January 25, 1984 in") that the parse tags a proper noun
    where it was read ("born to *Jewish* parents in": an adjective)."""
    kinds = _kinds_of_value(pid)
    if not kinds or "place" in kinds or kind_of(tail.kind, tail.label) != "place":
        return False
    for m in mentions:
        words = m.relation.text.replace(",", " , ").split()
        if len(words) < 3 or not words[0].isalpha() or words[-1] not in ("in", "at", ",") \
                or not any(w[:1].isupper() and not is_month(w) for w in words[1:-1]) \
                or (m.relation_pos and "PROPN" not in m.relation_pos):
            return False
    return True


_PLACE_MARKS = PLACE_PREPOSITIONS | {",", "to"}
"""What a relation ends with where the name after it is a place whatever the entity
recognizer called it: a preposition of place, "to" (where the head went: "moved to
*Coffeyville*"), or an address's comma ("Devault, Chester County, Pennsylvania")."""


def _organization_for_a_place(mentions: Sequence[Mention], pid: str, tail: Entity) -> bool:
    """Whether a fact's value is a name the entity recognizer calls an organization, on a
    property whose value is a place and nothing else (`value_kinds`: place of birth,
    residence, location of formation, place of publication...), that no mention writes
    after a preposition of place, "to" or a comma (`_PLACE_MARKS`; the relation's last
    preposition governs the value: "is a star in the constellation *Caelum*" is in):
    "released on *Decca Records*", "formed *Prabhat Film Company*", "evolved from *the
    National Republican Party*", "moved from *the Royal Greenwich Observatory*". Such
    phrases take an organization as readily as a place, so the recognizer's word stands
    and the fact stays open. After "in", "at", "to" or a comma ("based in *Hagen*", "moved
    to *Coffeyville*", "born in *Sydney New South Wales*") the name is where the head is or
    went, and the recognizer's organization is its error (the converse of
    `_place_of_a_name`, where a place stands for an organization)."""
    if _kinds_of_value(pid) != {"place"} or kind_of(tail.kind, tail.label) != "organization":
        return False
    return not any(_last_mark(m.relation.text) in _PLACE_MARKS for m in mentions)


def _last_mark(relation: str) -> str:
    """The last preposition or comma of a relation's words ("is a star in the constellation":
    in; "moved to": to), lower case; "" where it has none ("formed")."""
    for word in reversed(relation.replace(",", " , ").lower().split()):
        if word == "," or word in ALL_PREPOSITIONS:
            return word
    return ""


def _date_of_an_object(mentions: Sequence[Mention], pid: str) -> bool:
    """Whether a fact's value is a date that every mention writes after a verb's object, a
    name, and a final preposition ("he founded *the NHF* in 1956", "Abu Nidal formed *the
    ANO* in October 1974"): the date is when the verb befell that name (the NHF's
    inception), no date of the head's, so a time-valued property stays open. A name after a
    preposition is no object ("was born in *Paris* in 1950": the head's birth), nor one
    after a passive verb or "born", which is the head's own name ("was born *Christopher
    Cohran* on January 23, 1989", "born *Richard Hayles* on 8 August 1979"). Read from the
    parse's parts of speech of the relation (a verb, determiners, proper nouns, a
    preposition); a mention read without them decides nothing."""
    if property_rows().get(pid, {}).get("datatype") != "Time":
        return False
    for m in mentions:
        pos = m.relation_pos
        verb = next((i for i, p in enumerate(pos) if p == "VERB"), None)
        if verb is None or len(pos) < verb + 3 or pos[-1] != "ADP" or "AUX" in pos[:verb] \
                or "born" in m.relation.text.lower().split():
            return False
        rest = [p for p in pos[verb + 1:-1] if p != "DET"]
        if not rest or any(p != "PROPN" for p in rest):
            return False
    return True


PARTICULAR = frozenset({"the"}) | DEMONSTRATIVES | POSSESSIVE_DETERMINERS
"""Determiners that point to one particular thing the reader knows from the context ("*the*
verge", "*this* vision", "*her* husband"), not to a kind of thing ("*a* stroke", "brain
damage")."""

KINDS_WITH_THE = frozenset({"P1303"})
"""Properties whose values, kinds of things, English writes with "the" (instrument: "plays
*the* drums")."""


def _unnamed_particular(mentions: Sequence[Mention], value: Entity, inverse: bool) -> bool:
    """Whether a fact's value is a particular thing its text does not name: a common noun
    (no capital letter, no digit) that every mention writes with a determiner that points to
    one thing (`PARTICULAR`, or a named possessor's "'s": "the painter", "her husband", "this
    vision", "Dom Pedro's death"; not "children's literature"). Such a value is no Wikidata
    item, nor the class a class-valued property takes ("a stroke", "an actress", "natural
    rubber latex"; but for `KINDS_WITH_THE`): the fact stays open. (`inverse`: the value is
    the mentions' head.)"""
    if any(c.isupper() or c.isdigit() for c in value.label):
        return False
    for m in mentions:
        chunk = (m.head if inverse else m.tail).text.split()
        if not chunk or (chunk[0].lower() not in PARTICULAR
                         and not any(w[:1].isupper() and w.endswith(("'s", "\u2019s"))
                                     for w in chunk[:-1])):
            return False
    return True


def _fact(head: Entity, rel: Relation, tail: Entity, mentions: Sequence[Mention],
          config: Config, datatypes: dict[str, str]) -> Fact:
    """One fact of the graph: the tail a literal where it is a value, the confidence graded
    (or the best mention's score), the support counted by sentence; its mentions without
    what only the Map stage reads (readings, parse features)."""
    mentions = one_per_reading([evolve(m, readings=(), relation_pos=())
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


PARALLEL_MENTIONS = 8000
"""Fewer resolved mentions than this are grouped into facts in the build's own process:
starting worker processes would cost more than it saves."""
RANGE_MENTIONS = 500
"""The fewest mentions a worker process's task groups (a range of head keys)."""

Place = tuple[str, str, str | None, str]
"""Where a fact lies: its head, relation, property and tail keys (facts that lie at one place
are one fact, and so are those `_one_fact` puts at one)."""


def _one_fact(place: Place) -> Place:
    """Where facts join into one: at their place, but a property's facts between the same
    head and tail whatever phrases they were read from ("(31 May 1921 – [28 July 2006])",
    "He died on 28 July 2006": one *date of death*; the first fact's relation names it)."""
    head, relation, pid, tail = place
    return (head, "", pid, tail) if pid else place


def _keyed(mentions: Sequence[Mention], relation: str) -> list[Mention]:
    """The mentions of a fact joined into another (`_one_fact`), keyed to its relation, as a
    graph read back keys every mention of a fact."""
    return [m if m.relation_key == relation else evolve(m, relation_key=relation)
            for m in mentions]


Found = tuple[Place, Entity, Relation, Entity, Fact]
"""A fact as grouping finds it: its place, its head, relation and tail as mapped (before the
tail becomes a literal value), and the fact."""


@dataclass
class _Grouping:
    """What turns groups of resolved mentions into facts (`_facts`), for this process or a
    worker process's share of the groups."""

    entity: _Entities
    chain: MapChain
    labels: dict[str, str]
    poses: dict[str, tuple[str, ...]]
    classes: frozenset[str] | None
    config: Config
    datatypes: dict[str, str]

    def facts(self, groups: Iterable[list[Mention]]) -> list[Found]:
        """The facts of these groups, in the groups' order; a class value of several
        documents (`_triples`) joins the fact found first at its place."""
        found: list[tuple[Entity, Relation, Entity, list[Mention]]] = []
        where: dict[Place, int] = {}
        for mentions in groups:
            for head, rel, tail, kept in _triples(mentions, self.entity, self.chain,
                                                  self.labels, self.poses, self.classes,
                                                  self.config.resolve_names):
                at = _one_fact((head.key, rel.key, rel.pid, tail.key))
                if at in where:
                    first = found[where[at]]
                    first[3].extend(_keyed(kept, first[1].key))
                    continue
                where[at] = len(found)
                found.append((head, rel, tail, list(kept)))
        return [((head.key, rel.key, rel.pid, tail.key), head, rel, tail,
                 _fact(head, rel, tail, kept, self.config, self.datatypes))
                for head, rel, tail, kept in found]

    def packed(self, parts: Iterable[tuple[FactPart, Summary]],
               summary: Summary) -> PackedFacts:
        """The facts of consecutive runs of the groups that worker processes found and packed
        (`FactPart`, with their counts: `Summary.add_fact`), in order, counted into `summary`:
        a fact at a place an earlier run has a fact at joins it (its mentions after those; the
        same fact as grouping all runs at once). Only such facts are unpacked here: the rest
        stay packed (`PackedFacts`)."""
        runs: list[FactPart] = []
        order: list[tuple[int, int]] = []
        joined: dict[int, Fact] = {}
        facts = PackedFacts(runs, order, joined)  # filled as the runs come
        where: dict[Place, int] = {}
        for p, (part, counts) in enumerate(parts):
            runs.append(part)
            summary.add_counts(counts)
            for j, place in enumerate(part.places):
                at = _one_fact(place)
                i = where.get(at)
                if i is None:
                    where[at] = len(order)
                    order.append((p, j))
                    continue
                ends, first = facts.entry(*order[i])
                before, other = joined.get(i, first), facts.entry(p, j)[1]
                joined[i] = _fact(*ends, [*before.mentions,
                                          *_keyed(other.mentions, ends[1].key)],
                                  self.config, self.datatypes)
                for fact, sign in ((before, -1), (other, -1), (joined[i], 1)):
                    summary.add_fact(fact, sign)
        return facts


def _facts(store: MentionStore, config: Config, summary: Summary,
           linker: EntityLinker | KBLinker | None, forms: Forms,
           mappers: MapChain) -> Sequence[Fact]:
    """Step 3 of `collect_facts`: the facts of the resolved mentions' groups, in worker
    processes when there are many (`_in_workers`)."""
    datatypes = {row["pid"]: row["datatype"] for row in property_table()}
    relation_keys = sorted(forms.relations)
    labels, poses = _surfaces(forms)
    groups: Iterable[list[Mention]] = store.facts(set(relation_keys))
    entity = _Entities(forms, linker)
    chain = mappers
    if isinstance(linker, KBLinker):  # link jointly per document, then distant supervision
        groups = list(groups)
        entity = _Entities(forms, linker, linker.link_all(
            groups, {k: forms.entity_label(k) for k in forms.entities}))
        distant = DistantMapper.vote(groups, entity.known, linker.kb, labels)
        chain = MapChain((distant, *mappers.mappers), mappers.index)
    # every query at once: what the windows did not embed is embedded in a few batches, then
    # compared with the properties (by worker processes, each phrase once, where the facts
    # are grouped by worker processes)
    processes = _processes(config, len(store), linker)
    queries = _queries(forms.triples, entity, labels, poses)
    chain.prepare(queries, compare=not processes)
    grouping = _Grouping(entity, chain, labels, poses,
                         class_valued() if config.scope_common_nouns else None, config,
                         datatypes)
    facts: Sequence[Fact]
    with lasting_objects():  # the facts: out of the collector's passes
        if processes:  # counted as they come
            facts = grouping.packed(_in_workers(grouping, store, set(relation_keys),
                                                processes, summary,
                                                _comparison(chain, queries)), summary)
        else:
            facts = [found[-1] for found in grouping.facts(groups)]
            for fact in facts:
                summary.add_fact(fact)
    summary.n_facts = len(facts)
    return facts


def _surfaces(forms: Forms) -> tuple[dict[str, str], dict[str, tuple[str, ...]]]:
    """Each relation key's label (its most common surface) and that surface's parts of
    speech. The key of a group read before a person (`GROUP_OF_PERSON`: "the American
    [author] Paul Harding") is its own label: its surfaces are the role words between, which
    say nothing of the fact ("Paul Harding *is* American", not "Paul Harding *author*
    United States")."""
    labels = {k: k if k == GROUP_OF_PERSON else most_common(surfaces)
              for k, surfaces in forms.relations.items()}
    return labels, {k: forms.relation_pos.get((k, label), ()) for k, label in labels.items()}


def _queries(triples: Iterable[tuple[str, str, str]], entity: _Entities,
             labels: dict[str, str], poses: dict[str, tuple[str, ...]]) -> list[MapQuery]:
    """The mapping query of each (head, relation, tail) keys, once each, in a fixed order
    (`_query`'s, with what it reads of each entity worked out once per entity)."""
    heads: dict[str, tuple[str, bool]] = {}
    tails: dict[str, tuple[str, str]] = {}
    asked = set()
    for h, r, t in triples:
        head = heads.get(h)
        if head is None:
            head = heads[h] = _head_side(entity(h))
        tail = tails.get(t)
        if tail is None:
            tail = tails[t] = _tail_side(entity(t))
        asked.add((r, head, _read_by(r, tail)))
    return sorted((_query_of(r, labels[r], poses[r], head, tail) for r, head, tail in asked),
                  key=repr)


class PrepareAhead:
    """Prepares the relation mappers a window at a time while the corpus is still being read
    (`window`, with each window's resolved mentions counted in its own `Forms`): the
    relation phrases new to the build are embedded then, so that `map_resolved` finds most
    of the model's work done (a build does so where its embedding model runs on an
    accelerator: `pipeline.prepares_ahead`); they are compared with the properties at the
    end, where the facts are grouped (in the worker processes that group them, if any).
    Only the queries of relations not yet asked with a named head are prepared (the
    embedding mapper reads no other: `MapQuery.head_named`). A query
    that the whole corpus asks otherwise (another surface counted most often, another kind
    agreed) is prepared in `map_resolved`; what is prepared and never asked costs its
    forward pass (`python benchmarks/embed_ahead.py`). Each phrase is embedded once
    (`Embedder` keeps its vectors), to the same bits whenever it is (a batch holds one
    piece count: nothing padded)."""

    def __init__(self, chain: MapChain) -> None:
        self.chain = chain
        self.named: set[str] = set()
        """The relation keys asked so far with a named head."""

    def window(self, forms: Forms) -> None:
        triples = [t for t in forms.triples if t[1] not in self.named]
        if not triples:
            return
        labels, poses = _surfaces(forms)
        queries = _queries(triples, _Entities(forms, None), labels, poses)
        self.chain.prepare(queries, compare=False)  # the model's work; comparing is later
        self.named.update(q.key for q in queries if q.head_named)


def _processes(config: Config, n_mentions: int,
               linker: EntityLinker | KBLinker | None) -> int:
    """How many worker processes group the mentions into facts: none for fewer than
    `PARALLEL_MENTIONS`, with an entity linker (its knowledge base is open in this process)
    or where processes cannot be forked (they inherit the mappers); else
    ``--match-processes``, by default every core."""
    import multiprocessing

    from mamakg.config import available_cores

    if n_mentions < PARALLEL_MENTIONS or linker is not None \
            or "fork" not in multiprocessing.get_all_start_methods():
        return 0
    return available_cores() if config.match_processes is None else config.match_processes


T = TypeVar("T")

COMPARE_PHRASES = 512
"""Relation phrases a worker process's comparison task holds (`_compare`)."""


@dataclass(frozen=True)
class _Comparison:
    """The comparisons that leave the embedding mapper prepared for the queries: the phrases
    it embedded and has not compared, and the places not compared
    (`EmbeddingMapper.uncompared`), with arrays shared between processes to compare them into
    and the tasks that do it, `COMPARE_PHRASES` phrases each (the last one also takes the
    places of phrases compared before)."""

    mapper: EmbeddingMapper
    phrases: list[str]
    places: list[tuple[str, str, str]]
    arrays: tuple[np.ndarray, np.ndarray, np.ndarray]
    tasks: list[tuple[int, int, int, int]]

    def kept(self) -> None:
        """The mapper of this process keeps the comparisons (once they are all made)."""
        self.mapper.compared(self.phrases, self.places, *self.arrays)


def _comparison(chain: MapChain, queries: Sequence[MapQuery]) -> _Comparison | None:
    """What worker processes compare for these queries (`_compare`); None when nothing is
    left to compare."""
    mappers = [m for m in chain.mappers if isinstance(m, EmbeddingMapper)]
    if not mappers:
        return None
    mapper = mappers[0]
    phrases, places = mapper.uncompared(queries)
    if not phrases and not places:
        return None
    n = len(mapper.vectors)
    arrays = (shared_array((len(phrases), n), np.float32),
              shared_array((len(phrases), n), np.int64),
              shared_array((len(places), n), np.float32))
    row = {p: i for i, p in enumerate(phrases)}
    rows = [row.get(phrase, len(phrases)) for phrase, _, _ in places]  # in order
    begins = list(range(0, len(phrases), COMPARE_PHRASES)) or [0]
    tasks = [(begin, min(begin + COMPARE_PHRASES, len(phrases)), bisect.bisect_left(rows, begin),
              len(places) if k == len(begins) - 1 else bisect.bisect_left(rows, begins[k + 1]))
             for k, begin in enumerate(begins)]  # the last task: places of earlier phrases too
    return _Comparison(mapper, phrases, places, arrays, tasks)


_WORKER: list[tuple[_Grouping | None, MentionStore | None, set[str]]] = []
"""A worker process's grouping, its own connection to the store, the relations kept."""

_COMPARING: list[_Comparison] = []
"""A worker process's comparison (inherited), until its mapper keeps it."""


def _init_worker(grouping: _Grouping | None, path: str | None, keep: set[str],
                 comparison: _Comparison | None) -> None:
    from mamakg.parse import one_blas_thread

    torch = sys.modules.get("torch")
    if torch is not None:  # a forked process runs no parallel region its parent began
        torch.set_num_threads(1)
    one_blas_thread()  # each worker is one core's share
    store = None if path is None else MentionStore(path, existing=True)
    _WORKER[:] = [(grouping, store, keep)]
    _COMPARING[:] = [] if comparison is None else [comparison]


def _worker_task(heads: tuple[str, str]) -> tuple[tuple[FactPart, Summary], float]:
    """The facts of a range of heads, packed (`FactPart`: the build's process need not
    unpack them), with their counts, and the task's seconds."""
    started = time.perf_counter()
    _keep_comparison()
    grouping, store, keep = _WORKER[0]
    assert grouping is not None and store is not None
    found = grouping.facts(store.facts(keep, heads))
    counts = Summary()
    for *_, fact in found:
        counts.add_fact(fact)
    part = FactPart.of([at for at, *_ in found],
                       [((head, rel, tail), fact) for _, head, rel, tail, fact in found])
    return (part, counts), time.perf_counter() - started


def _keep_comparison() -> None:
    """This worker's mapper keeps the comparisons, once, before it groups its first range of
    facts (`_in_workers` hands ranges out only once every comparison is made)."""
    if _COMPARING:
        _COMPARING.pop().kept()


def _compare_task(task: tuple[int, int, int, int]) -> float:
    """Phrases `begin` to `end` and places `before` to `after` (those of these phrases)."""
    started = time.perf_counter()
    begin, end, before, after = task
    c = _COMPARING[0]
    names, which, blended = c.arrays
    c.mapper.compare_into(c.phrases[begin:end], c.places[before:after], names[begin:end],
                          which[begin:end], blended[before:after])
    return time.perf_counter() - started


def _compare(pool: Workers, comparison: _Comparison, timings: dict[str, float]) -> None:
    """The comparison's tasks, by the pool's processes (forked with it: `_init_worker`), each
    phrase once, into the shared arrays; then this process's mapper keeps them. Their busy
    seconds count as ``collect_workers``, the seconds this process waits for them idle as
    ``collect_waiting`` (`_waiting`)."""
    for busy in _awaited(pool.map(_compare_task, comparison.tasks), timings):
        timings["collect_workers"] = timings.get("collect_workers", 0.0) + busy
    comparison.kept()


@contextlib.contextmanager
def _waiting(timings: dict[str, float]) -> Iterator[None]:
    """Count the block's seconds as ``collect_waiting``, less the CPU seconds this process
    spends in them meanwhile (starting the pool, receiving and unpickling results in the
    pool's thread, threads of torch or BLAS winding down): those are work this process
    does, not waiting."""
    wall, cpu = time.perf_counter(), time.process_time()
    try:
        yield
    finally:
        idle = (time.perf_counter() - wall) - (time.process_time() - cpu)
        timings["collect_waiting"] = timings.get("collect_waiting", 0.0) + max(idle, 0.0)


def _awaited(results: Iterator[T], timings: dict[str, float]) -> Iterator[T]:
    """A pool's results, each waited for as `_waiting` counts it."""
    while True:
        with _waiting(timings):
            found = next(results, None)
        if found is None:
            return
        yield found


def _in_workers(grouping: _Grouping, store: MentionStore, keep: set[str], processes: int,
                summary: Summary, comparison: _Comparison | None = None
                ) -> Iterator[tuple[FactPart, Summary]]:
    """The facts of each range of head keys (`MentionStore.head_ranges`, about eight per
    process), packed and counted, found by `processes` forked worker processes that read the
    store themselves; in order. The same processes first make the `comparison` (`_compare`),
    which each keeps before its first range: one pool's start for both. Their busy seconds are
    counted as ``collect_workers``, the seconds this process waits for them idle as
    ``collect_waiting`` (`_waiting`)."""
    ranges = store.head_ranges(max(len(store) // (8 * processes), RANGE_MENTIONS))
    timings = summary.timings
    with Workers(processes, _init_worker, (grouping, store.path, keep, comparison)) as pool:
        if comparison is not None:
            _compare(pool, comparison, timings)
        for found, busy in _awaited(pool.map(_worker_task, ranges), timings):
            timings["collect_workers"] = timings.get("collect_workers", 0.0) + busy
            yield found


def one_per_reading(mentions: Sequence[Mention]) -> list[Mention]:
    """The mentions with each reading once: two mentions of one fact with the same document,
    sentence and spans are one mention (a reading derived from a wider chunk can repeat what
    the Match stage read in the sentence itself). The Match-stage mention is kept (it has its
    own path and matching degree), else the best-scored reading of each relation key (one
    comma can state two facts: "Alberta, Canada" is located in and country); the order is
    kept.

    >>> from mamakg.types import TextSpan
    >>> s = [TextSpan("he", 0, 2), TextSpan("served as", 3, 12), TextSpan("Syndikus", 13, 21)]
    >>> read = Mention("d", 4, "he served as Syndikus", 0, *s, "he", "serve as", "syndikus", 0.05)
    >>> derived = evolve(read, score=0.09, derived=True)
    >>> one_per_reading([derived, read]) == [read]
    True
    >>> other = evolve(derived, relation_key="serve")
    >>> one_per_reading([derived, other]) == [derived, other]
    True
    """
    best: dict[tuple[Any, ...], Mention] = {}
    read: set[tuple[Any, ...]] = set()
    for m in mentions:
        spans = (m.doc_id, m.sent_index, m.head.start, m.head.end, m.relation.start,
                 m.relation.end, m.tail.start, m.tail.end)
        if not m.derived:
            read.add(spans)
        where = (*spans, m.relation_key) if m.derived else spans
        kept = best.get(where)
        if kept is None or m.score > kept.score:
            best[where] = m
    if read:  # a reading the Match stage made itself
        best = {w: m for w, m in best.items() if not m.derived or w[:-1] not in read}
    if len(best) == len(mentions):
        return list(mentions)
    chosen = {id(m) for m in best.values()}
    return [m for m in mentions if id(m) in chosen]


def _reversed(m: Mention) -> Mention:
    return evolve(m, head=m.tail, tail=m.head, head_key=m.tail_key, tail_key=m.head_key,
                  head_type=m.tail_type, tail_type=m.head_type, head_node=m.tail_node,
                  tail_node=m.head_node, derived=True)
