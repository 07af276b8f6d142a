"""The one vocabulary of mamakg's graphs, used by the writer (`mamakg.rdf.graph`) and the
reader (`mamakg.rdf.load`) alike, and the IRIs mamakg mints.

- ``mk:`` terms (`MK`) live in a fixed namespace, ``https://w3id.org/mamakg/ns#``, whatever
  ``--base-iri`` says: a vocabulary is shared by every graph, so a query written for one works
  on all. ``--base-iri`` changes only the IRIs minted for entities, open relations, facts,
  mentions and the run (`IRIs`).
- Wikidata items and properties are ``wd:Q…`` and ``wdt:P…``.

IRIs are derived from normalized text, so the same text gets the same IRI in every run.
"""

from __future__ import annotations

import hashlib
from urllib.parse import quote

from rdflib import Namespace, URIRef
from rdflib.namespace import SKOS, DefinedNamespace

from mamakg.types import Entity, Fact, Mention, Relation, RunInfo

__all__ = ["ALIAS_SEPARATOR", "DEFAULT_BASE", "IRIs", "MK", "WD", "WDT", "digest", "run_terms"]

DEFAULT_BASE = "https://w3id.org/mamakg/"
"""Where minted IRIs live unless ``--base-iri`` says otherwise."""

ALIAS_SEPARATOR = " | "
"""Between an entity's other names where one attribute holds them all (GraphML's
``aliases``, the property-graph exports' CSV); RDF gives each its own ``skos:altLabel``."""

WD = Namespace("http://www.wikidata.org/entity/")
WDT = Namespace("http://www.wikidata.org/prop/direct/")


class MK(DefinedNamespace):
    """mamakg's terms. A term not listed here raises AttributeError (a typo is a bug)."""

    _NS = Namespace(DEFAULT_BASE + "ns#")
    _fail = True

    # classes
    Run: URIRef  # how a graph was made
    Fact: URIRef  # a described statement: one (head, relation, tail) of the corpus
    Mention: URIRef  # one sentence that supports a fact
    Entity: URIRef  # a head or tail node
    Relation: URIRef  # a relation mapped to a Wikidata property
    OpenRelation: URIRef  # a relation of the open schema

    # the run
    mamakgVersion: URIRef
    model: URIRef
    modelRevision: URIRef
    modelCausal: URIRef
    spacyModel: URIRef
    config: URIRef  # the effective Config as JSON

    # entities and relations
    key: URIRef  # normalized text: the identity of an entity or relation
    linkScore: URIRef
    kind: URIRef  # what an entity is: a spaCy entity label (PERSON, ORG, GPE...)

    # facts
    headKey: URIRef
    relationKey: URIRef
    tailKey: URIRef
    score: URIRef
    support: URIRef
    status: URIRef
    relationPhrase: URIRef
    mapScore: URIRef
    mapMethod: URIRef
    mapEvidence: URIRef  # why the property was chosen, as JSON: [[what, detail], ...]
    tailLabel: URIRef  # the surface form of a tail written as a literal value
    tailKind: URIRef  # what such a tail is (DATE, CARDINAL...)
    run: URIRef
    mention: URIRef

    # mentions
    document: URIRef
    sentence: URIRef
    sentenceIndex: URIRef
    sentenceStart: URIRef
    headText: URIRef
    headStart: URIRef
    headEnd: URIRef
    relationText: URIRef
    relationStart: URIRef
    relationEnd: URIRef
    tailText: URIRef
    tailStart: URIRef
    tailEnd: URIRef
    path: URIRef  # the attention path as JSON: [[unit, weight], ...]
    headType: URIRef  # what the mention's head is (mamakg.types.Mention.head_type)
    tailType: URIRef
    degree: URIRef  # the matching degree, when the mention's score is another confidence
    derived: URIRef  # true for a reading the Map stage derived (not an Open IE extraction)


def _slug(text: str) -> str:
    return quote(text.replace(" ", "_"), safe="_-.~") or "_"


def digest(*parts: object) -> str:
    """A short stable hash of the parts (the local name of fact and mention IRIs).

    >>> digest("marie curie", "bear in", "warsaw")
    'dc1906e4f3f5a00a'
    """
    return hashlib.sha1("\x1f".join(map(str, parts)).encode("utf-8")).hexdigest()[:16]


class IRIs:
    """The IRIs mamakg mints under one base.

    >>> IRIs("https://example.org/kg").fact_iri("a", "b", "c")
    rdflib.term.URIRef('https://example.org/kg/fact/a9b3a53fdedd3ff2')
    """

    def __init__(self, base: str = DEFAULT_BASE) -> None:
        self.base = base if base.endswith(("/", "#")) else base + "/"
        self.run = URIRef(self.base + "run")

    def entity(self, e: Entity) -> URIRef:
        return WD[e.qid] if e.qid else URIRef(self.base + "entity/" + _slug(e.key))

    def relation(self, r: Relation) -> URIRef:
        return WDT[r.pid] if r.pid else URIRef(self.base + "relation/" + _slug(r.key))

    def fact_iri(self, head_key: str, relation_key: str, tail_key: str) -> URIRef:
        return URIRef(self._fact_text(head_key, relation_key, tail_key))

    def fact(self, f: Fact) -> URIRef:
        return URIRef(self.fact_text(f))

    def fact_text(self, f: Fact) -> str:
        """`fact` as a plain string (writers of text need no rdflib node)."""
        return self._fact_text(f.head.key, f.relation.key, f.tail.key)

    def _fact_text(self, head_key: str, relation_key: str, tail_key: str) -> str:
        return self.base + "fact/" + digest(head_key, relation_key, tail_key)

    def mention(self, f: Fact, m: Mention) -> URIRef:
        """One reading of a fact: its document, sentence and the three spans, start and end
        (a fact holds each reading once: `mamakg.mapping.facts.one_per_reading`)."""
        return URIRef(self.mention_text(f, m))

    def mention_text(self, f: Fact, m: Mention) -> str:
        """`mention` as a plain string."""
        return self.base + "mention/" + digest(
            f.head.key, f.relation.key, f.tail.key, m.doc_id, m.sent_index,
            m.head.start, m.head.end, m.relation.start, m.relation.end, m.tail.start,
            m.tail.end)

    def prefixes(self) -> dict[str, str]:
        """The prefixes of a mamakg graph: name -> namespace."""
        return {"mk": str(MK), "wd": str(WD), "wdt": str(WDT), "skos": str(SKOS),
                "ent": self.base + "entity/",
                "rel": self.base + "relation/", "fact": self.base + "fact/",
                "mention": self.base + "mention/"}


def run_terms() -> dict[str, URIRef]:
    """The ``mk:`` term of each `RunInfo` field, in field order (``model_revision``:
    ``mk:modelRevision``): the run record's one mapping, for the writer and the reader.

    >>> run_terms()["model_revision"] == MK.modelRevision
    True
    """
    def camel(name: str) -> str:
        first, *rest = name.split("_")
        return first + "".join(word.title() for word in rest)

    return {name: MK[camel(name)] for name in RunInfo.field_names()}
