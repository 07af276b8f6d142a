"""Graph stage: facts -> RDF (rdflib) and NetworkX, with provenance for every fact.

Vocabulary (`mamakg.rdf.vocab.MK`, ``mk:``):

- each fact is a plain triple ``head relation tail`` (``wd:Q…``/``wdt:P…`` when mapped, minted
  IRIs ``<base>entity/…`` and ``<base>relation/…`` otherwise), for simple consumers; a tail
  that is a date or number is a literal (``xsd:date``, ``xsd:gYearMonth``, ``xsd:gYear``,
  ``xsd:decimal`` on time and quantity properties, plain on open relations), its surface form
  in ``mk:tailLabel``;
- entity nodes carry ``rdfs:label``, ``skos:altLabel`` for each other name the text gives
  them (`Entity.aliases`: "also known as", a birth name), ``mk:key``, ``mk:kind`` (the NER
  label) and, when linked, ``mk:linkScore``;
- and a described statement ``<base>fact/<hash>`` (``rdf:Statement``, ``mk:Fact``) with
  ``rdf:subject/predicate/object``, its keys (``mk:headKey``, ``mk:relationKey``,
  ``mk:tailKey``), ``mk:score`` (the graded confidence), ``mk:support``, ``mk:status``,
  ``mk:relationPhrase``, when mapped ``mk:mapScore``, ``mk:mapMethod`` and ``mk:mapEvidence``
  (why: JSON pairs), and one ``mk:mention`` per supporting sentence;
- a mention ``<base>mention/<hash>`` (the hash of the fact's keys, the document, the sentence
  and the start and end of head, relation and tail: one node per reading; a fact that holds
  the same reading twice has it written once) carries ``mk:document``, ``mk:sentence``,
  ``mk:sentenceIndex``, ``mk:sentenceStart``, the character offsets of head, relation and tail
  in the sentence (``mk:headStart`` … ``mk:tailEnd``), its ``mk:score``, ``mk:path``
  (the attention path as JSON: ``[[unit, weight], …]``), ``mk:headType``/``mk:tailType``,
  ``mk:degree`` (the matching degree when the score is another confidence) and ``mk:derived``
  (a reading the Map stage derived);
- ``<base>run`` records how the graph was made (`RunInfo`: ``mk:mamakgVersion``, ``mk:model``,
  ``mk:modelRevision``, ``mk:modelCausal``, ``mk:spacyModel``, ``mk:config`` as JSON).
"""

from __future__ import annotations

import contextlib
import functools
import gc
import json
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from types import SimpleNamespace
from typing import Any

from rdflib import RDF, RDFS, XSD, BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import SKOS
from rdflib.term import Node

from mamakg.rdf.vocab import ALIAS_SEPARATOR, MK, IRIs, run_terms
from mamakg.types import Entity, Fact, Mention, RunInfo

Triple = tuple[Node, Node, Node]

__all__ = ["NODES", "STATEMENTS", "bind_prefixes", "fact_blocks", "fact_lines", "gc_paused",
           "nt_lines", "nt_term", "nt_triples", "ntriples", "rdf_triples", "to_networkx",
           "to_rdf", "value_term"]


def _lit(value: Any) -> Literal:
    if isinstance(value, bool):
        return Literal(value)
    if isinstance(value, int):
        return Literal(value, datatype=XSD.integer)
    if isinstance(value, float):
        return Literal(repr(round(value, 6)), datatype=XSD.double)
    return Literal(str(value))


def _escape(text: str) -> str:
    """A literal's text as N-Triples writes it inside quotes (chained replaces: many times
    faster than ``str.translate``; the backslash first, so no escape is escaped again)."""
    return (text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
            .replace("\r", "\\r"))


def _literal_key(value: Any) -> tuple[type, Any]:
    # floats by their written form: 0.0 and -0.0 are equal keys but different literals
    return (float, repr(round(value, 6))) if isinstance(value, float) else (type(value), value)


def _literals() -> Callable[[Any], Literal]:
    """`_lit`, making each distinct literal once (offsets, sentences and labels recur)."""
    made: dict[tuple[type, Any], Literal] = {}

    def lit(value: Any) -> Literal:
        key = _literal_key(value)
        found = made.get(key)
        if found is None:
            found = made[key] = _lit(value)
        return found

    return lit


class _RdflibTerms:
    """The terms of `_layout` as rdflib nodes."""

    def __init__(self) -> None:
        self.lit = _literals()

    @staticmethod
    def iri(iri: str) -> Node:
        return iri if isinstance(iri, URIRef) else URIRef(iri)

    @staticmethod
    def value(entity: Entity) -> Node:
        return value_term(entity)


_XSD_INTEGER = f"^^<{XSD.integer}>"
_XSD_DOUBLE = f"^^<{XSD.double}>"
_TRUE, _FALSE = f'"true"^^<{XSD.boolean}>', f'"false"^^<{XSD.boolean}>'


class _NTermsText:
    """The terms of `_layout` as N-Triples text, written without building rdflib nodes: the
    lexical forms `_lit` gives (a plain string as it is, an integer in decimal, a float as the
    ``repr`` of it rounded to 6 decimals, which rdflib keeps as written). A typed value
    (`value_term`: rdflib normalizes dates and decimals) is made by rdflib, once per value.
    tests/test_rdf_text.py checks every kind against the rdflib terms."""

    def __init__(self) -> None:
        self.strings: dict[str, str] = {}  # most literals: plain strings, by their text
        self.integers: dict[int, str] = {}  # and offsets
        self.made: dict[tuple[type, Any], str] = {}
        self.values: dict[tuple[str | None, str | None], str] = {}

    @staticmethod
    def iri(iri: str) -> str:
        return f"<{iri}>"  # a str, also of a URIRef (whose ``+`` makes a URIRef)

    def lit(self, value: Any) -> str:
        if type(value) is str:
            found = self.strings.get(value)
            if found is None:
                found = self.strings[value] = '"' + _escape(value) + '"'
            return found
        if type(value) is int:
            found = self.integers.get(value)
            if found is None:
                found = self.integers[value] = '"' + str(value) + '"' + _XSD_INTEGER
            return found
        key = _literal_key(value)
        found = self.made.get(key)
        if found is None:
            if isinstance(value, bool):
                found = _TRUE if value else _FALSE
            elif isinstance(value, int):
                found = '"' + str(int(value)) + '"' + _XSD_INTEGER
            elif isinstance(value, float):
                found = '"' + key[1] + '"' + _XSD_DOUBLE  # a repr: nothing to escape
            else:
                found = '"' + _escape(str(value)) + '"'
            self.made[key] = found
        return found

    def value(self, entity: Entity) -> str:
        key = (entity.datatype, entity.value)
        found = self.values.get(key)
        if found is None:
            found = self.values[key] = nt_term(value_term(entity))
        return found


def bind_prefixes(g: Graph, base: str) -> Graph:
    """Bind mamakg's prefixes on a graph."""
    for prefix, ns in IRIs(base).prefixes().items():
        g.bind(prefix, Namespace(ns))
    return g


def to_rdf(facts: Iterable[Fact], run: RunInfo, base: str) -> Graph:
    """The RDF graph of the facts, with their provenance and the run record."""
    g = bind_prefixes(Graph(), base)
    for triple in rdf_triples(facts, run, base):
        g.add(triple)
    return g


def rdf_triples(facts: Iterable[Fact], run: RunInfo, base: str) -> Iterator[Triple]:
    """The triples of `to_rdf`, streamed (duplicates possible: an entity is described once per
    fact it takes part in)."""
    return _layout(facts, run, base, _RdflibTerms())


def nt_triples(facts: Iterable[Fact], run: RunInfo, base: str,
               part: str | None = None) -> Iterator[tuple[str, str, str]]:
    """`rdf_triples` with each term in N-Triples syntax (`nt_term`), made straight from the
    facts as text: the same triples, several times faster than building rdflib nodes. With
    `part` (`NODES`, `STATEMENTS`), only that part's triples: the two parts share no
    subject."""
    return _layout(facts, run, base, _NTermsText(), part)


def fact_lines(facts: Iterable[Fact], run: RunInfo, base: str,
               part: str | None = None) -> list[str]:
    """`nt_lines` of `rdf_triples` (of one `part` when given, as `nt_triples`): the sorted
    N-Triples lines, duplicates removed, made from text (the lines of `fact_blocks`)."""
    return [f"{s} {rest}" for s, rests in _by_subject(facts, run, base, part) for rest in rests]


def fact_blocks(facts: Iterable[Fact], run: RunInfo, base: str,
                part: str | None = None) -> list[tuple[str, str]]:
    """`fact_lines` a subject at a time: (the subject's N-Triples term, its lines joined), in
    the order of the subjects. Blocks of different parts merge by their subjects into the
    lines of the whole graph (the parts share no subject)."""
    blocks = []
    for s, rests in _by_subject(facts, run, base, part):
        start = s + " "  # each rest ends its line: joined by the subject, each begins with it
        blocks.append((s, start + start.join(rests)))
    return blocks


def _by_subject(facts: Iterable[Fact], run: RunInfo, base: str,
                part: str | None) -> list[tuple[str, list[str]]]:
    """Each subject of the triples (`nt_triples`) in order, with the rest of its lines
    (predicate, object, the full stop), sorted and without duplicates: the shared nodes'
    gathered from the triples, the statements' made a fact at a time (`_statement_lines`).

    A subject at a time: the subjects in order, then each one's lines, is the order of
    sorting all lines (each line begins with its subject and a space, and where one subject
    begins another, a blank node's label, the space sorts before any character of the
    longer one), with short comparisons instead of long ones over the IRIs' shared
    beginning."""
    with gc_paused():
        if part is None and not isinstance(facts, Sequence):
            facts = list(facts)  # read twice: once a part
        found: dict[str, list[str]] = {}
        if part != STATEMENTS:
            by_subject: defaultdict[str, set[str]] = defaultdict(set)
            for s, p, o in nt_triples(facts, run, base, NODES):
                by_subject[s].add(f"{p} {o} .\n")
            found = {s: sorted(lines) for s, lines in by_subject.items()}
        if part != NODES:
            found.update(_statement_lines(facts, base))  # the parts share no subject
        return [(s, found[s]) for s in sorted(found)]


def _statement_lines(facts: Iterable[Fact], base: str) -> dict[str, list[str]]:
    """The `STATEMENTS` part's lines by subject (each line without its subject), sorted and
    without duplicates, made a fact at a time, not triple by triple: a fact's statement and
    each of its mentions are subjects of their own, with the predicates and objects that
    `_statement` gives them (`_fact_terms`, `_mention_terms`), no two lines of one the same;
    only a subject two facts share (facts of the same keys: one statement, and the readings
    they share) has its lines merged as a set. Several times fewer steps than gathering the
    part's triples one by one."""
    terms = _NTermsText()
    iris = IRIs(base)
    v = _vocabulary(terms)
    nodes = _Nodes(iris, terms)
    node = terms.iri(iris.run)
    spans = _spans(v)
    link = v.mention
    found: dict[str, list[str]] = {}
    for fact in facts:
        h, r, t = nodes.ends(fact)
        lines = [f"{p} {o} .\n" for p, o in _fact_terms(fact, h, r, t, terms, v, node)]
        for mnode, m in _mention_nodes(fact, iris, terms):
            lines.append(f"{link} {mnode} .\n")
            _add_lines(found, mnode,
                       [f"{p} {o} .\n" for p, o in _mention_terms(m, terms, v, spans)])
        _add_lines(found, terms.iri(iris.fact_text(fact)), lines)
    return found


def _add_lines(found: dict[str, list[str]], subject: str, lines: list[str]) -> None:
    kept = found.get(subject)
    if kept is None:
        lines.sort()
        found[subject] = lines
    else:
        found[subject] = sorted(set(kept).union(lines))


@contextlib.contextmanager
def gc_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector. Writing a graph makes hundreds of thousands of
    strings, tuples and sets that live until it ends, none in a cycle; each of them counts
    towards a collection, and each collection walks all of them again."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


NODES, STATEMENTS = "nodes", "statements"
"""The two parts of a graph's triples (`_layout`'s `part`): the run record, each fact's
plain triple and its entities' and relation's descriptions, whose subjects facts share; and
each fact's described statement with its mentions, whose subjects are the fact's own."""


def _layout(facts: Iterable[Fact], run: RunInfo, base: str, terms: Any,
            part: str | None = None) -> Iterator[Any]:
    """The one description of a mamakg graph (module docstring), in `terms`: `_RdflibTerms`
    or `_NTermsText` (``iri(text)``, ``lit(value)``: `_lit`, ``value(entity)``: `value_term`);
    only the triples of one `part` (`NODES` or `STATEMENTS`) when given. An entity or a
    relation is described once however many facts it takes part in."""
    nodes, statements = part in (None, NODES), part in (None, STATEMENTS)
    iris = IRIs(base)
    iri, lit = terms.iri, terms.lit
    v = _vocabulary(terms)
    a, label = v.a, v.label
    node = iri(iris.run)
    if nodes:
        yield (node, a, v.Run)
        terms_of_run = run_terms()
        for name, value in run.flat().items():
            yield (node, iri(terms_of_run[name]), lit(value))
    spans = _spans(v)
    ends = _Nodes(iris, terms)
    described: set[Any] = set()  # the entities and relations described so far
    for fact in facts:
        rel = fact.relation
        h, r, t = ends.ends(fact)
        if nodes:
            yield (h, r, t)
            for ent_node, ent in ((h, fact.head), (t, fact.tail)):
                if ent.is_literal or ent in described:
                    continue
                described.add(ent)
                yield (ent_node, a, v.Entity)
                yield (ent_node, label, lit(ent.label))
                for alias in ent.aliases:
                    yield (ent_node, v.altLabel, lit(alias))
                yield (ent_node, v.key, lit(ent.key))
                if ent.kind:
                    yield (ent_node, v.kind, lit(ent.kind))
                if ent.qid:
                    yield (ent_node, v.linkScore, lit(ent.link_score))
            about = (rel.pid, rel.key, rel.pid_label or rel.label)
            if about not in described:
                described.add(about)
                yield (r, a, v.Relation if rel.pid else v.OpenRelation)
                yield (r, label, lit(rel.pid_label or rel.label))
                yield (r, v.key, lit(rel.key))
        if statements:
            yield from _statement(fact, h, r, t, iris, terms, v, spans, node)


def _vocabulary(terms: Any) -> SimpleNamespace:
    """mk:'s terms by name, with the rdf: and rdfs: terms a graph uses (``a``, ``label``,
    ``Statement``, ``subject``, ``predicate``, ``object``; no name of `MK` is one of them),
    in `terms`."""
    iri = terms.iri
    v = SimpleNamespace(**{name: iri(str(MK[name])) for name in MK.__annotations__})
    v.a, v.label, v.Statement = iri(str(RDF.type)), iri(str(RDFS.label)), iri(str(RDF.Statement))
    v.altLabel = iri(str(SKOS.altLabel))
    v.subject, v.predicate, v.object = (iri(str(RDF.subject)), iri(str(RDF.predicate)),
                                        iri(str(RDF.object)))
    return v


def _spans(v: SimpleNamespace) -> list[tuple[Any, Any, Any]]:
    """The text, start and end predicates of a mention's head, relation and tail."""
    return [(getattr(v, slot + "Text"), getattr(v, slot + "Start"), getattr(v, slot + "End"))
            for slot in ("head", "relation", "tail")]


class _Nodes:
    """The terms of the entities and relations facts join, each made once."""

    def __init__(self, iris: IRIs, terms: Any) -> None:
        self.iris = iris
        self.terms = terms
        self.entities: dict[tuple[str | None, str], Any] = {}
        self.relations: dict[tuple[str | None, str], Any] = {}

    def entity(self, e: Entity) -> Any:
        found = self.entities.get((e.qid, e.key))
        if found is None:
            found = self.entities[(e.qid, e.key)] = self.terms.iri(self.iris.entity(e))
        return found

    def ends(self, fact: Fact) -> tuple[Any, Any, Any]:
        """The fact's head, relation and tail terms (a literal tail: its value)."""
        rel = fact.relation
        r = self.relations.get((rel.pid, rel.key))
        if r is None:
            r = self.relations[(rel.pid, rel.key)] = self.terms.iri(self.iris.relation(rel))
        t = self.terms.value(fact.tail) if fact.tail.is_literal else self.entity(fact.tail)
        return self.entity(fact.head), r, t


def _statement(fact: Fact, h: Any, r: Any, t: Any, iris: IRIs, terms: Any,
               v: SimpleNamespace, spans: list[tuple[Any, Any, Any]], node: Any,
               ) -> Iterator[Any]:
    """The triples of a fact's described statement and its mentions (`_layout`)."""
    f = terms.iri(iris.fact_text(fact))
    for p, o in _fact_terms(fact, h, r, t, terms, v, node):
        yield (f, p, o)
    for mnode, m in _mention_nodes(fact, iris, terms):
        yield (f, v.mention, mnode)
        for p, o in _mention_terms(m, terms, v, spans):
            yield (mnode, p, o)


def _fact_terms(fact: Fact, h: Any, r: Any, t: Any, terms: Any, v: SimpleNamespace,
                node: Any) -> list[tuple[Any, Any]]:
    """The predicates and objects of a fact's described statement, its mentions aside."""
    lit, a = terms.lit, v.a
    rel = fact.relation
    out = [(a, v.Statement), (a, v.Fact), (v.subject, h), (v.predicate, r), (v.object, t),
           (v.headKey, lit(fact.head.key)), (v.relationKey, lit(rel.key)),
           (v.tailKey, lit(fact.tail.key)), (v.score, lit(fact.score)),
           (v.support, lit(fact.support)), (v.status, lit(fact.status.value)),
           (v.relationPhrase, lit(rel.label))]
    if fact.tail.is_literal:
        out.append((v.tailLabel, lit(fact.tail.label)))
        if fact.tail.kind:
            out.append((v.tailKind, lit(fact.tail.kind)))
    if rel.pid:
        out.append((v.mapScore, lit(rel.map_score)))
        out.append((v.mapMethod, lit(rel.map_method)))
        if rel.evidence:
            out.append((v.mapEvidence, lit(json.dumps([list(e) for e in rel.evidence],
                                                      ensure_ascii=False))))
    out.append((v.run, node))
    return out


def _mention_nodes(fact: Fact, iris: IRIs, terms: Any) -> list[tuple[Any, Mention]]:
    """A fact's mention nodes with their mentions, each reading once (a hand-made Fact may
    hold the same reading twice: one node)."""
    iri = terms.iri
    out = []
    written: set[str] = set()
    for m in fact.mentions:
        mention = iris.mention_text(fact, m)
        if mention in written:
            continue
        written.add(mention)
        out.append((iri(mention), m))
    return out


def _mention_terms(m: Mention, terms: Any, v: SimpleNamespace,
                   spans: list[tuple[Any, Any, Any]]) -> list[tuple[Any, Any]]:
    """The predicates and objects of a mention's node."""
    lit = terms.lit
    out = [(v.a, v.Mention), (v.document, lit(m.doc_id)),
           (v.sentenceIndex, lit(m.sent_index)), (v.sentence, lit(m.sentence)),
           (v.sentenceStart, lit(m.sent_start))]
    for (text, start, end), span in zip(spans, (m.head, m.relation, m.tail)):
        out.append((text, lit(span.text)))
        out.append((start, lit(span.start)))
        out.append((end, lit(span.end)))
    out.append((v.score, lit(m.score)))
    if m.head_type:
        out.append((v.headType, lit(m.head_type)))
    if m.tail_type:
        out.append((v.tailType, lit(m.tail_type)))
    if m.degree is not None:
        out.append((v.degree, lit(m.degree)))
    if m.derived:
        out.append((v.derived, lit(True)))
    if m.path:
        path = [[s.text, round(s.weight, 6)] for s in m.path]
        out.append((v.path, lit(json.dumps(path, ensure_ascii=False))))
    return out


def value_term(entity: Entity) -> Literal:
    """The literal of a value entity: typed (``xsd:date``, ``xsd:gYear``...) or plain.

    >>> value_term(Entity("1961", "1961", datatype="gYear", value="1961")).n3()
    '"1961"^^<http://www.w3.org/2001/XMLSchema#gYear>'
    """
    if entity.datatype is None or entity.value is None:
        raise ValueError(f"entity {entity.key!r} is not a literal value")
    if entity.datatype == "string":
        return Literal(entity.value)
    return Literal(entity.value, datatype=XSD[entity.datatype])


def to_networkx(facts: Iterable[Fact], run: RunInfo, base: str) -> Any:
    """A NetworkX MultiDiGraph: nodes are entities (by IRI) and literal values (by their
    N-Triples form, with ``literal`` true, ``datatype`` and ``value``), edges are facts.

    Attribute values are plain strings and numbers, so the graph writes as GraphML. Each
    edge's ``record`` holds, as JSON (which keeps line breaks and control characters XML
    would not), what `mamakg.rdf.load` needs to read the fact back: its keys, its own labels
    (a node may stand for several keys linked to one Q-id) and its mentions (the
    `Mention.to_record` encoding).
    """
    import networkx as nx

    iris = IRIs(base)
    g = nx.MultiDiGraph(**run.flat())
    for fact in facts:
        ends = []
        for ent in (fact.head, fact.tail):
            if ent.is_literal:
                node = nt_term(value_term(ent))
                if node not in g:
                    g.add_node(node, label=ent.label, key=ent.key, literal=True,
                               datatype=ent.datatype or "", value=ent.value or "",
                               kind=ent.kind)
            else:
                node = str(iris.entity(ent))
                if node not in g:
                    g.add_node(node, label=ent.label, key=ent.key, qid=ent.qid or "",
                               link_score=ent.link_score, literal=False, kind=ent.kind)
                    if ent.aliases:
                        g.nodes[node]["aliases"] = ALIAS_SEPARATOR.join(ent.aliases)
            ends.append(node)
        rel = fact.relation
        first = fact.mentions[0]
        g.add_edge(ends[0], ends[1], key=str(iris.fact(fact)),
                   relation=str(iris.relation(rel)), label=rel.pid_label or rel.label,
                   phrase=rel.label, pid=rel.pid or "", status=fact.status.value,
                   score=fact.score, support=fact.support, sentence=first.sentence,
                   document=first.doc_id, map_score=rel.map_score, map_method=rel.map_method,
                   record=json.dumps({
                       "keys": [fact.head.key, rel.key, fact.tail.key],
                       "labels": [fact.head.label, rel.label, fact.tail.label],
                       "pid_label": rel.pid_label,
                       "evidence": [list(e) for e in rel.evidence],
                       "mentions": [m.to_record(keys=False) for m in fact.mentions]},
                       ensure_ascii=False, separators=(",", ":")))
    return g


def nt_term(term: object) -> str:
    r"""A term in N-Triples syntax. (rdflib's ``n3()`` writes a literal holding a line break
    as a Turtle long string, which N-Triples does not allow.)

    >>> print(nt_term(Literal('a "b"\nc')))
    "a \"b\"\nc"
    """
    if isinstance(term, Literal):
        text = '"' + _escape(str(term)) + '"'
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
