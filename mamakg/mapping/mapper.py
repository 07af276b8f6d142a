"""Map stage, relations: the one interface of every relation mapper, and the chain that asks
them in order.

A `RelationMapper` turns `MapQuery`s (a relation phrase with what its head and tail are) into
`Mapping`s (a property, its score, how it was found and why), or leaves a query to the next
mapper (None). The build chains them in this order (`MapChain`), the first decision wins:

    distant supervision (``--kb``)       mamakg.mapping.distant.DistantMapper
    kind and role readings               mamakg.mapping.semantic.KindMapper
    sentence embeddings                  mamakg.mapping.semantic.EmbeddingMapper
      (or, without the embedding model:  mamakg.mapping.properties.StringMapper)

A decision without a property (method ``none``) ends the chain too: the relation stays open.
`MapChain.relation` then checks, in one place, that the fact's value fits the property's value
type (`PropertyIndex.fits`) and that no person is the subject of a property of works
(`WORK_PROPERTIES`), reads a property of an organization's leaders stated from a person to an
organization the other way (`LEADERS`), reads a parent's property stated by a child's noun
("son of") as the parent's child (`PARENTS`, `CHILD_PROPERTY`), a property of place on land
whose value names a body of water as located in or next to body of water (`ON_LAND`,
`WATER_PROPERTY`), a membership whose value names a political party as member of political
party (`MEMBERSHIP`, `PARTY_PROPERTY`), and makes the `Relation`.
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

from mamakg.english import CHILD_NOUNS, final_preposition
from mamakg.mapping.places import names_water
from mamakg.mapping.properties import PropertyIndex, property_labels
from mamakg.types import Relation

if TYPE_CHECKING:
    from mamakg.attention import Embedder

__all__ = ["CHILD_PROPERTY", "LEADERS", "MEMBERSHIP", "ON_LAND", "PARENTS", "PARTY_PROPERTY",
           "WATER_PROPERTY", "WORK_PROPERTIES", "MapChain", "MapMethod", "MapQuery", "Mapping",
           "RelationMapper", "names_a_child", "names_a_party"]

ON_LAND = frozenset({"P131", "P17", "P276"})
"""Properties that place their subject in a territory or at a location: located in the
administrative territorial entity, country, location. A body of water is none of those
(`WATER_PROPERTY`)."""
WATER_PROPERTY = "P206"
"""Located in or next to body of water: what a property of `ON_LAND` states where its value
names a body of water (`mamakg.mapping.places.names_water`: "Angel Island, San Francisco
Bay", "Burlington Island is located in the Delaware River")."""
MEMBERSHIP = frozenset({"P463", "P1416"})
"""Member of, affiliation: the organization a subject belongs to. Wikidata states membership
of a political party with a property of its own (`PARTY_PROPERTY`)."""
PARTY_PROPERTY = "P102"
"""Member of political party: what a property of `MEMBERSHIP` states where its value names a
political party (`names_a_party`: "Robinson is a member of the Labour Party")."""

PARENTS = frozenset({"P22", "P25"})
"""Father, mother: the parent of the subject, whose sex the property says."""
CHILD_PROPERTY = "P40"
"""Child: what "son of", "daughter of" state of the parent named after them (`names_a_child`),
which says nothing of the parent's sex (Wikidata gives *father* and *mother* both these
aliases): "Jérôme was a son of Elizabeth Patterson" is Elizabeth Patterson's child Jérôme."""

LEADERS = frozenset({"P6", "P35", "P112", "P169", "P286", "P488", "P1037", "P3320"})
"""Head of government, head of state, founded by, chief executive officer, head coach,
chairperson, director/manager, board member: properties of an organization or a place whose
value is the person who leads it, founded it or sits on its board. Their subject is never a
person: where the phrase leaves a person the subject and an organization the value ("Eugenio
Garza was chairman of the board of the Monterrey Institute"), it states the property from
value to subject (the institute's board member is Eugenio Garza), unless it says so itself
with "by" ("Bob's Coins was founded by Robert Korsec", whatever the recognizer called
them)."""


def names_a_child(phrase: str) -> bool:
    """Whether a relation phrase names its head a child of its tail: a child's noun before
    its last word, "of" ("was a son of", "the eldest daughter of").

    >>> names_a_child("was a son of"), names_a_child("the eldest daughter of")
    (True, True)
    >>> names_a_child("is the father of"), names_a_child("son")
    (False, False)
    """
    words = phrase.lower().split()
    return len(words) >= 2 and words[-1] == "of" and words[-2] in CHILD_NOUNS


WORK_PROPERTIES = frozenset({
    "P50", "P57", "P58", "P86", "P87", "P98", "P110", "P123", "P144", "P161", "P162", "P170",
    "P175", "P272", "P344", "P364", "P437", "P449", "P483", "P495", "P577", "P629", "P655",
    "P674", "P676", "P750", "P840", "P915", "P921", "P1040", "P1191", "P1427", "P1431",
    "P1433", "P1444", "P2360", "P2515", "P2554", "P2825", "P4647"})
"""Properties whose subject is a work in Wikidata (a film, book, song, performance or
product: author, director, screenwriter, composer, cast member, producer, performer,
publisher, publication date, country of origin, narrative location, filming location,
original broadcaster, edition or translation of, intended public...), or a journey (start
point, destination point, via). A person is the subject of none of them ("he played in the
Eastern League" sets no *narrative location*; "she comes from Bacolod" is no *country of
origin*; the cottages "he designed for the Halekulani Hotel" are no *intended public* of
his), only their value."""


def names_a_party(name: str) -> bool:
    """Whether a name is a political party's by its own words: "Party" after a capitalized
    word, at its end or before "of" or a bracket ("the Labour Party", "Communist Party of
    China"); not a party of people or a movement ("a search party", "the Tea Party
    movement").

    >>> names_a_party("the Labour Party"), names_a_party("Communist Party of China")
    (True, True)
    >>> names_a_party("a search party"), names_a_party("Tea Party movement")
    (False, False)
    """
    words = name.split()
    return any(word == "Party" and words[i - 1][:1].isupper()
               and (i + 1 == len(words) or words[i + 1] in ("of", "("))
               for i, word in enumerate(words) if i)


class MapMethod(str, enum.Enum):
    """How a relation was mapped (`Relation.map_method` holds the value)."""

    LABEL = "label"  # the phrase is the property's label
    ALIAS = "alias"  # the phrase is one of the property's aliases
    KIND = "kind"  # read from what head and tail are (a person's nationality, employer...)
    EMBEDDING = "embedding"  # the nearest property in a sentence-embedding space
    DISTANT = "distant"  # the property most linked pairs have in the knowledge base
    NONE = "none"  # no property: the relation stays open


@dataclass(frozen=True)
class MapQuery:
    """What a mapper sees of a fact."""

    key: str
    """The relation key."""
    surface: str
    """The relation's most frequent surface form."""
    head_kind: str = ""
    """The head's coarse kind (`semantic.kind_of`): ``person``, ``place``..., "" unknown."""
    tail_kind: str = ""
    tail_text: str = ""
    """The tail's label; read only for a copula between a person and a group (``NORP``)."""
    head_named: bool = True
    """Whether the head can be the subject of a schema fact (`arguments.is_named`, and no
    group: `facts._head_side`): the mappers by meaning leave a common noun phrase's relations
    open, and a nationality's."""
    surface_pos: tuple[str, ...] = ()
    """spaCy's part of speech of each token of `surface` where it was seen
    (`Mention.relation_pos`); empty when unknown."""


@dataclass(frozen=True)
class Mapping:
    """A mapper's decision for one query."""

    pid: str | None
    score: float
    """How sure the mapper is (0..1): a softmax probability, a match score or a vote share."""
    method: MapMethod
    evidence: tuple[tuple[str, str], ...] = ()
    """(what, why) pairs that say how the decision was reached, written on the relation."""
    inverse: bool = False
    """The property holds from tail to head: "Ann founded Acme" says (Acme, founded by,
    Ann)."""
    pid_label: str | None = None
    """The property's label where the mapper knows it (None: the shipped table's)."""


class RelationMapper(Protocol):
    """Maps relation phrases to properties. `prepare` sees every query of a build at once (to
    batch its work; with `compare` false, only the work of an embedding model: the texts
    embedded, their comparisons left to `map` or a later `prepare`, maybe in a forked worker
    process that runs no model); `map` gives each query's decision, or None to leave it to
    the next mapper of the chain."""

    def prepare(self, queries: Sequence[MapQuery], compare: bool = True) -> None: ...

    def map(self, queries: Sequence[MapQuery]) -> list[Mapping | None]: ...


_OPEN = Mapping(None, 0.0, MapMethod.NONE)


class MapChain:
    """Relation mappers asked in their order (see the module docstring); `index` checks that a
    fact's value fits the property found (default: the shipped property table)."""

    def __init__(self, mappers: Sequence[RelationMapper],
                 index: PropertyIndex | None = None) -> None:
        self.mappers = tuple(mappers)
        self.index = index if index is not None else PropertyIndex.bundled()
        self.embedder: Embedder | None = None
        """The sentence-embedding model the mappers embed with, if any (a build times its
        forward passes: `mamakg.pipeline.build`)."""

    def prepare(self, queries: Sequence[MapQuery], compare: bool = True) -> None:
        """Every mapper prepares every query, in the chain's order (`RelationMapper`)."""
        for mapper in self.mappers:
            mapper.prepare(queries, compare)

    def map(self, queries: Sequence[MapQuery]) -> list[Mapping]:
        """The first decision of the chain for each query (no property when none decides)."""
        decided: list[Mapping | None] = [None] * len(queries)
        for mapper in self.mappers:
            todo = [i for i, found in enumerate(decided) if found is None]
            if not todo:
                break
            for i, found in zip(todo, mapper.map([queries[i] for i in todo])):
                decided[i] = found
        return [found if found is not None else _OPEN for found in decided]

    def relation(self, query: MapQuery, head: str, tail: str) -> tuple[Relation, bool]:
        """The `Relation` of a query whose head and tail have these labels, and whether the
        property holds from tail to head. The value (the tail, or the head of an inverse
        property) must fit the property's value type, unless the knowledge base's own
        statements chose it (distant supervision), and the subject (the head, or the
        tail of an inverse property) may be a person only where the property is no
        work's (`WORK_PROPERTIES`), and is read the other way where it is a person and
        the value an organization for a property of an organization's leaders
        (`LEADERS`); a parent's property (`PARENTS`) stated by a child's noun ("son of")
        is read as `CHILD_PROPERTY` from tail to head, a property of `ON_LAND` whose
        value names a body of water as `WATER_PROPERTY`, one of `MEMBERSHIP` whose value
        names a political party as `PARTY_PROPERTY`."""
        found = self.map([query])[0]
        open_relation = Relation(key=query.key, label=query.surface)
        if found.pid is None:
            return open_relation, False
        read = found.method is not MapMethod.DISTANT  # the knowledge base's own choice stands
        inverse, evidence = found.inverse, found.evidence
        subject, other = (query.tail_kind, query.head_kind) if inverse else (query.head_kind,
                                                                          query.tail_kind)
        if read and found.pid in LEADERS and subject == "person" and other == "organization" \
                and final_preposition(query.surface) != "by":  # "founded by" says who did
            inverse = not inverse
            evidence += (("direction", f"a person is no subject of {found.pid}, an "
                                       "organization no value: the fact reads the other way"),)
        value = head if inverse else tail
        if read and not self.index.fits(found.pid, value):
            return open_relation, False
        if read and subject == "person" and found.pid in WORK_PROPERTIES:
            return open_relation, False
        pid, label = found.pid, found.pid_label
        if read and pid in PARENTS and not inverse and names_a_child(query.surface):
            pid, label, inverse = CHILD_PROPERTY, None, True
            evidence += (("phrase", f"{query.surface!r} says whose child the head is, not "
                                    f"which parent the tail is: {found.pid} read as "
                                    f"{CHILD_PROPERTY} from tail to head"),)
        elif read and pid in ON_LAND and names_water(value):
            pid, label = WATER_PROPERTY, None
            evidence += (("value", f"{value!r} names a body of water, no territory: "
                                   f"{found.pid} read as {WATER_PROPERTY}"),)
        elif read and pid in MEMBERSHIP and names_a_party(value):
            pid, label = PARTY_PROPERTY, None
            evidence += (("value", f"{value!r} names a political party: {found.pid} read as "
                                   f"{PARTY_PROPERTY}"),)
        if label is None:
            label = property_labels().get(pid)
        return Relation(key=query.key, label=query.surface, pid=pid, map_score=found.score,
                        map_method=found.method.value, pid_label=label,
                        evidence=evidence), inverse
