"""Graph stage: facts -> RDF (rdflib) and NetworkX, with provenance for every fact.

Vocabulary (``mk:`` = ``<base>ns#``):

- each fact is a plain triple ``head relation tail`` (``wd:Q…``/``wdt:P…`` when mapped, minted
  IRIs ``<base>entity/…`` and ``<base>relation/…`` otherwise), for simple consumers;
- and a described statement ``<base>fact/<hash>`` (``rdf:Statement``, ``mk:Fact``) with
  ``rdf:subject/predicate/object``, ``mk:score``, ``mk:support``, ``mk:status``,
  ``mk:relationPhrase`` and one ``mk:mention`` per supporting sentence;
- a mention ``<base>mention/<hash>`` carries ``mk:document``, ``mk:sentence``,
  ``mk:sentenceIndex``, ``mk:sentenceStart``, the character offsets of head, relation and tail
  in the sentence (``mk:headStart`` … ``mk:tailEnd``), its ``mk:score`` and ``mk:path``
  (the attention path as JSON: ``[[unit, weight], …]``);
- ``<base>run`` records how the graph was made (``mk:mamakgVersion``, ``mk:model``,
  ``mk:modelRevision``, ``mk:spacyModel``, ``mk:config`` as JSON).

IRIs are derived from normalized text, so the same text gets the same IRI in every run.
"""

from __future__ import annotations

import functools
import hashlib
import json
from collections.abc import Callable, Iterable, Iterator
from typing import Any
from urllib.parse import quote

from rdflib import RDF, RDFS, XSD, BNode, Graph, Literal, Namespace, URIRef
from rdflib.term import Node

from mamakg.types import Entity, Fact, Mention, Relation

Triple = tuple[Node, Node, Node]

__all__ = ["WD", "WDT", "IRIs", "bind_prefixes", "nt_lines", "nt_term", "ntriples",
           "rdf_triples", "to_networkx", "to_rdf"]

WD = Namespace("http://www.wikidata.org/entity/")
WDT = Namespace("http://www.wikidata.org/prop/direct/")


def _slug(text: str) -> str:
    return quote(text.replace(" ", "_"), safe="_-.~") or "_"


def _digest(*parts: object) -> str:
    return hashlib.sha1("\x1f".join(map(str, parts)).encode("utf-8")).hexdigest()[:16]


class _Vocabulary(Namespace):
    """A namespace that makes each of its terms once (a graph names them ~30 times a fact)."""

    def term(self, name: str) -> URIRef:
        terms = self.__dict__.setdefault("_terms", {})
        found = terms.get(name)
        if found is None:
            found = terms[name] = super().term(name)
        return found


class IRIs:
    """The IRIs of a graph under one base namespace."""

    def __init__(self, base: str) -> None:
        self.base = base if base.endswith(("/", "#")) else base + "/"
        self.ns: Namespace = _Vocabulary(self.base + "ns#")
        self.run = URIRef(self.base + "run")

    def entity(self, e: Entity) -> URIRef:
        return WD[e.qid] if e.qid else URIRef(self.base + "entity/" + _slug(e.key))

    def relation(self, r: Relation) -> URIRef:
        return WDT[r.pid] if r.pid else URIRef(self.base + "relation/" + _slug(r.key))

    def fact(self, f: Fact) -> URIRef:
        return URIRef(self.base + "fact/" + _digest(f.head.key, f.relation.key, f.tail.key))

    def mention(self, f: Fact, m: Mention) -> URIRef:
        return URIRef(self.base + "mention/" + _digest(
            f.head.key, f.relation.key, f.tail.key, m.doc_id, m.sent_index,
            m.head.start, m.relation.start, m.tail.start))


def _lit(value: Any) -> Literal:
    if isinstance(value, bool):
        return Literal(value)
    if isinstance(value, int):
        return Literal(value, datatype=XSD.integer)
    if isinstance(value, float):
        return Literal(repr(round(value, 6)), datatype=XSD.double)
    return Literal(str(value))


def _literals() -> Callable[[Any], Literal]:
    """`_lit`, making each distinct literal once (offsets, sentences and labels recur)."""
    made: dict[tuple[type, Any], Literal] = {}

    def lit(value: Any) -> Literal:
        # floats by their written form: 0.0 and -0.0 are equal keys but different literals
        key = (float, repr(round(value, 6))) if isinstance(value, float) else (type(value), value)
        found = made.get(key)
        if found is None:
            found = made[key] = _lit(value)
        return found

    return lit


def bind_prefixes(g: Graph, base: str) -> Graph:
    """Bind mamakg's prefixes on a graph."""
    iris = IRIs(base)
    g.bind("mk", iris.ns)
    g.bind("wd", WD)
    g.bind("wdt", WDT)
    g.bind("ent", Namespace(iris.base + "entity/"))
    g.bind("rel", Namespace(iris.base + "relation/"))
    g.bind("fact", Namespace(iris.base + "fact/"))
    g.bind("mention", Namespace(iris.base + "mention/"))
    return g


def to_rdf(facts: Iterable[Fact], manifest: dict[str, Any], base: str) -> Graph:
    """The RDF graph of the facts, with their provenance and the run manifest."""
    g = bind_prefixes(Graph(), base)
    for triple in rdf_triples(facts, manifest, base):
        g.add(triple)
    return g


def rdf_triples(facts: Iterable[Fact], manifest: dict[str, Any], base: str) -> Iterator[Triple]:
    """The triples of `to_rdf`, streamed (duplicates possible: an entity is described once per
    fact it takes part in)."""
    iris = IRIs(base)
    mk = iris.ns
    lit = _literals()
    run = iris.run
    yield (run, RDF.type, mk.Run)
    yield (run, mk.mamakgVersion, lit(manifest.get("mamakg_version", "")))
    yield (run, mk.model, lit(manifest.get("model", "")))
    yield (run, mk.modelRevision, lit(manifest.get("model_revision", "")))
    yield (run, mk.spacyModel, lit(manifest.get("spacy_model", "")))
    yield (run, mk.config, lit(json.dumps(manifest.get("config", {}), sort_keys=True)))
    for fact in facts:
        h, r, t = iris.entity(fact.head), iris.relation(fact.relation), iris.entity(fact.tail)
        yield (h, r, t)
        for node, ent in ((h, fact.head), (t, fact.tail)):
            yield (node, RDF.type, mk.Entity)
            yield (node, RDFS.label, lit(ent.label))
            yield (node, mk.key, lit(ent.key))
            if ent.qid:
                yield (node, mk.linkScore, lit(ent.link_score))
        rel = fact.relation
        yield (r, RDF.type, mk.Relation if rel.pid else mk.OpenRelation)
        yield (r, RDFS.label, lit(rel.pid_label or rel.label))
        yield (r, mk.key, lit(rel.key))
        node = iris.fact(fact)
        yield (node, RDF.type, RDF.Statement)
        yield (node, RDF.type, mk.Fact)
        yield (node, RDF.subject, h)
        yield (node, RDF.predicate, r)
        yield (node, RDF.object, t)
        yield (node, mk.score, lit(fact.score))
        yield (node, mk.support, lit(fact.support))
        yield (node, mk.status, lit(fact.status.value))
        yield (node, mk.relationPhrase, lit(rel.label))
        yield (node, mk.relationKey, lit(rel.key))
        if rel.pid:
            yield (node, mk.mapScore, lit(rel.map_score))
            yield (node, mk.mapMethod, lit(rel.map_method))
        yield (node, mk.run, run)
        for m in fact.mentions:
            mnode = iris.mention(fact, m)
            yield (node, mk.mention, mnode)
            yield (mnode, RDF.type, mk.Mention)
            yield (mnode, mk.document, lit(m.doc_id))
            yield (mnode, mk.sentenceIndex, lit(m.sent_index))
            yield (mnode, mk.sentence, lit(m.sentence))
            yield (mnode, mk.sentenceStart, lit(m.sent_start))
            for slot, span in (("head", m.head), ("relation", m.relation), ("tail", m.tail)):
                yield (mnode, mk[slot + "Text"], lit(span.text))
                yield (mnode, mk[slot + "Start"], lit(span.start))
                yield (mnode, mk[slot + "End"], lit(span.end))
            yield (mnode, mk.score, lit(m.score))
            if m.path:
                path = [[s.text, round(s.weight, 6)] for s in m.path]
                yield (mnode, mk.path, lit(json.dumps(path, ensure_ascii=False)))


def to_networkx(facts: Iterable[Fact], manifest: dict[str, Any], base: str) -> Any:
    """A NetworkX MultiDiGraph: nodes are entities (by IRI), edges are facts.

    Attribute values are plain strings and numbers, so the graph writes as GraphML.
    """
    import networkx as nx

    iris = IRIs(base)
    g = nx.MultiDiGraph(mamakg_version=manifest.get("mamakg_version", ""),
                        model=manifest.get("model", ""),
                        spacy_model=manifest.get("spacy_model", ""),
                        config=json.dumps(manifest.get("config", {}), sort_keys=True))
    for fact in facts:
        ends = []
        for ent in (fact.head, fact.tail):
            node = str(iris.entity(ent))
            if node not in g:
                g.add_node(node, label=ent.label, key=ent.key, qid=ent.qid or "",
                           link_score=ent.link_score)
            ends.append(node)
        rel = fact.relation
        first = fact.mentions[0]
        g.add_edge(ends[0], ends[1], key=str(iris.fact(fact)),
                   relation=str(iris.relation(rel)), label=rel.pid_label or rel.label,
                   phrase=rel.label, pid=rel.pid or "", status=fact.status.value,
                   score=fact.score, support=fact.support, sentence=first.sentence,
                   document=first.doc_id)
    return g


_ESCAPES = str.maketrans({"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r"})


def nt_term(term: object) -> str:
    r"""A term in N-Triples syntax. (rdflib's ``n3()`` writes a literal holding a line break
    as a Turtle long string, which N-Triples does not allow.)

    >>> print(nt_term(Literal('a "b"\nc')))
    "a \"b\"\nc"
    """
    if isinstance(term, Literal):
        text = '"' + str(term).translate(_ESCAPES) + '"'
        if term.language:
            return f"{text}@{term.language}"
        if term.datatype:
            return f"{text}^^<{term.datatype}>"
        return text
    if isinstance(term, BNode):
        return f"_:{term}"
    return f"<{term}>"


def nt_lines(graph: Iterable[Triple]) -> list[str]:
    """Sorted N-Triples lines (duplicates removed), each ending in a line break; `graph` is an
    rdflib graph or any stream of triples."""
    term = functools.cache(nt_term)  # terms recur: write each once
    return sorted({f"{term(s)} {term(p)} {term(o)} .\n" for s, p, o in graph})


def ntriples(graph: Graph) -> str:
    """Sorted N-Triples."""
    return "".join(nt_lines(graph))
