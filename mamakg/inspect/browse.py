"""Look inside a loaded graph: counts, fact selection, one fact's path, SPARQL queries.

The library half of ``mamakg show / facts / explain / query``: plain functions that return
plain data, so the commands only format it.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from rdflib import Graph

from mamakg.errors import MamakgError, UsageError
from mamakg.rdf.load import LoadedGraph, read_rdf, source_format
from mamakg.rdf.vocab import DEFAULT_BASE, IRIs
from mamakg.types import Entity, Fact, MappingStatus, Mention

__all__ = ["FACT_STATUSES", "RDF_FORMATS", "QueryResult", "explain", "find_fact", "marked_sentence",
           "no_entity", "require_entity", "run_query", "select_facts", "summarize"]

FACT_STATUSES = ("mapped", "partial", "unmapped", "open")
"""``open``: the relation is not a Wikidata property (whatever the entities)."""

_QID = re.compile(r"^Q\d+$", re.IGNORECASE)
_PID = re.compile(r"^P\d+$", re.IGNORECASE)


def _entity_matches(entity: Entity, wanted: str) -> bool:
    if _QID.match(wanted):
        return (entity.qid or "").upper() == wanted.upper()
    needle = wanted.casefold()
    return needle in entity.label.casefold() or needle in entity.key.casefold() or any(
        needle in alias.casefold() for alias in entity.aliases)


def _relation_matches(fact: Fact, wanted: str) -> bool:
    rel = fact.relation
    if _PID.match(wanted):
        return (rel.pid or "").upper() == wanted.upper()
    needle = wanted.casefold()
    return any(needle in text.casefold() for text in (rel.label, rel.key, rel.pid_label or ""))


def no_entity(wanted: str, source: str) -> MamakgError:
    """The one error of every command asked for an entity the graph does not have."""
    return MamakgError(f"no entity matches {wanted!r} in {source}: try part of a label, or a "
                       "Q-id (see 'mamakg show' for the top entities)")


def require_entity(facts: Iterable[Fact], wanted: str, source: str) -> None:
    """Raise `no_entity` unless some head or tail matches `wanted` (a Q-id, or text in its
    label or key)."""
    if not any(_entity_matches(e, wanted) for f in facts for e in (f.head, f.tail)):
        raise no_entity(wanted, source)


def select_facts(facts: Iterable[Fact], *, entity: str | None = None,
                 relation: str | None = None, status: str | None = None,
                 min_score: float | None = None, limit: int | None = None) -> list[Fact]:
    """Facts that pass every given test, best score first.

    `entity` is a Q-id or a text found in the head's or tail's label or key; `relation` a P-id
    or a text found in the relation's phrase, key or property label.
    """
    if status is not None and status not in FACT_STATUSES:
        raise UsageError(f"unknown status {status!r}: choose one of {', '.join(FACT_STATUSES)}")
    if limit is not None and limit < 0:
        raise UsageError("--limit must be 0 or more")
    chosen = []
    for fact in facts:
        if entity and not (_entity_matches(fact.head, entity)
                           or _entity_matches(fact.tail, entity)):
            continue
        if relation and not _relation_matches(fact, relation):
            continue
        if status == "open" and fact.relation.pid is not None:
            continue
        if status in ("mapped", "partial", "unmapped") and fact.status.value != status:
            continue
        if min_score is not None and fact.score < min_score:
            continue
        chosen.append(fact)
    chosen.sort(key=lambda f: (-f.score, -f.support, f.head.key, f.relation.key, f.tail.key))
    return chosen if limit is None else chosen[:limit]


def summarize(graph: LoadedGraph, top: int = 10) -> dict[str, Any]:
    """Counts, mapping status, the best-supported relations and entities, and the manifest.

    Counts are named as in the build summary: ``mentions`` are the sentences' extractions
    behind the facts (the Match stage's), ``readings`` the ones the Map stage derived from
    them; ``entities`` are entity nodes, ``values`` the dates and numbers written as literals
    (never among the top entities)."""
    iris = IRIs(graph.base)
    entities: Counter[str] = Counter()
    relations: Counter[str] = Counter()
    entity_label: dict[str, str] = {}
    relation_label: dict[str, str] = {}
    values: set[str] = set()
    status = Counter({s.value: 0 for s in MappingStatus})
    n_mentions = n_readings = 0
    for fact in graph.facts:
        for ent in (fact.head, fact.tail):
            if ent.is_literal:
                values.add(f"{ent.datatype}\x1f{ent.value}")
                continue
            iri = str(iris.entity(ent))
            entities[iri] += fact.support
            entity_label.setdefault(iri, ent.label)
        rel_iri = str(iris.relation(fact.relation))
        relations[rel_iri] += fact.support
        relation_label.setdefault(rel_iri, fact.relation.pid_label or fact.relation.label)
        status[fact.status.value] += 1
        n_readings += sum(1 for m in fact.mentions if m.derived)
        n_mentions += sum(1 for m in fact.mentions if not m.derived)

    def ranked(counts: Counter[str], labels: dict[str, str]) -> list[dict[str, Any]]:
        rows = sorted(counts.items(), key=lambda kv: (-kv[1], labels[kv[0]], kv[0]))[:top]
        return [{"iri": iri, "label": labels[iri], "support": n} for iri, n in rows]

    return {
        "source": graph.source,
        "format": graph.fmt,
        "n_entities": len(entities),
        "n_values": len(values),
        "n_relations": len(relations),
        "n_facts": len(graph.facts),
        "n_mentions": n_mentions,
        "n_readings": n_readings,
        "n_open_relations": len({f.relation.key for f in graph.facts if f.relation.pid is None}),
        "status": dict(status),
        "top_relations": ranked(relations, relation_label),
        "top_entities": ranked(entities, entity_label),
        "run": graph.run.to_dict() if graph.run is not None else {},
    }


def marked_sentence(m: Mention, marks: tuple[str, str, str, str] = ("[", "]", "{", "}")) -> str:
    """The mention's sentence with head and tail in the first pair of marks, the relation in
    the second.

    >>> from mamakg.types import Mention, TextSpan
    >>> m = Mention("d", 0, "Bob Dylan is a songwriter", 0, TextSpan("Bob Dylan", 0, 9),
    ...             TextSpan("is", 10, 12), TextSpan("a songwriter", 13, 25), "", "", "", 0.1)
    >>> marked_sentence(m)
    '[Bob Dylan] {is} [a songwriter]'
    """
    text = m.sentence
    cuts = sorted([(m.head.start, m.head.end, marks[0], marks[1]),
                   (m.relation.start, m.relation.end, marks[2], marks[3]),
                   (m.tail.start, m.tail.end, marks[0], marks[1])], reverse=True)
    for start, end, left, right in cuts:
        if start < end:
            text = text[:start] + left + text[start:end] + right + text[end:]
    return text


def find_fact(graph: LoadedGraph, wanted: str) -> Fact:
    """The fact whose IRI, or the hash at its end, is or starts with `wanted`."""
    iris = IRIs(graph.base)
    wanted = wanted.strip()
    if not wanted:
        raise UsageError("give a fact id or the start of one (see `mamakg facts --json`)")
    hits = []
    for fact in graph.facts:
        iri = str(iris.fact(fact))
        if iri.startswith(wanted) or iri.rsplit("/", 1)[-1].startswith(wanted):
            hits.append((iri, fact))
    if not hits:
        raise MamakgError(f"no fact id starts with {wanted!r} in {graph.source}")
    if len(hits) > 1:
        shown = ", ".join(iri.rsplit("/", 1)[-1] for iri, _ in hits[:5])
        raise UsageError(f"{wanted!r} matches {len(hits)} facts ({shown}...): give more of the id")
    return hits[0][1]


def explain(graph: LoadedGraph, fact: Fact) -> dict[str, Any]:
    """A fact with why its relation maps where it does (the property, the score, the method
    and the mapper's evidence), what its head and tail are, and for each mention its marked
    sentence, kinds and attention path.

    The numbers: ``score`` is the fact's graded confidence (`mamakg.mapping.confidence`,
    from its mentions); a mention's ``score`` is what the Match stage gave it (with
    ``--confidence tiered``, the relation's tier), its ``degree`` MAMA's matching degree (the
    sum of the attention weights along its path, ``path_sum``, when it has its own path)."""
    iris = IRIs(graph.base)
    rel = fact.relation
    return {
        "id": str(iris.fact(fact)),
        "head": fact.head.label, "relation": rel.label, "tail": fact.tail.label,
        "head_qid": fact.head.qid, "relation_pid": rel.pid,
        "tail_qid": fact.tail.qid, "status": fact.status.value,
        "score": fact.score, "support": fact.support,
        "head_kind": fact.head.kind, "tail_kind": fact.tail.kind,
        "head_aliases": list(fact.head.aliases), "tail_aliases": list(fact.tail.aliases),
        "tail_value": ({"value": fact.tail.value, "datatype": fact.tail.datatype}
                       if fact.tail.is_literal else None),
        "mapping": {"pid": rel.pid, "label": rel.pid_label, "score": rel.map_score,
                    "method": rel.map_method,
                    "evidence": [{"what": what, "detail": detail}
                                 for what, detail in rel.evidence]},
        "mentions": [
            {"document": m.doc_id, "sentence_index": m.sent_index, "score": m.score,
             "degree": m.score if m.degree is None else m.degree,
             "path_sum": round(sum(s.weight for s in m.path), 6),
             "sentence": m.sentence, "marked": marked_sentence(m),
             "head_type": m.head_type, "tail_type": m.tail_type, "derived": m.derived,
             "path": [{"unit": s.text, "weight": s.weight} for s in m.path]}
            for m in fact.mentions
        ],
    }


@dataclass(frozen=True)
class QueryResult:
    """A SPARQL result as a table: SELECT rows, one ASK row, or CONSTRUCT/DESCRIBE triples
    (then also as an RDF graph)."""

    columns: tuple[str, ...]
    rows: list[tuple[str | None, ...]]
    """Values as text: IRIs and literals' lexical forms; None where unbound."""
    graph: Graph | None = None
    """The triples of a CONSTRUCT or DESCRIBE query, with mamakg's prefixes bound."""

    def serialize(self, fmt: str = "ttl") -> str:
        """The graph of a CONSTRUCT or DESCRIBE result as ``ttl``, ``nt`` (sorted) or
        ``jsonld``."""
        if self.graph is None:
            raise UsageError("--format is for CONSTRUCT and DESCRIBE queries; a SELECT or ASK "
                             "result prints as a table, --json or --csv")
        if fmt not in RDF_FORMATS:
            raise UsageError(f"unknown RDF format {fmt!r}: choose one of "
                             f"{', '.join(RDF_FORMATS)}")
        if fmt == "nt":
            from mamakg.rdf.graph import ntriples

            return ntriples(self.graph)
        return str(self.graph.serialize(format=RDF_FORMATS[fmt]))


RDF_FORMATS = {"ttl": "turtle", "nt": "nt", "jsonld": "json-ld"}
"""What a CONSTRUCT or DESCRIBE result prints as (`QueryResult.serialize`)."""


def _graph_of(triples: Any, source: Graph | None) -> Graph:
    """The triples as a graph, with mamakg's prefixes and those of the graph queried."""
    from mamakg.rdf.graph import bind_prefixes

    g = bind_prefixes(Graph(), DEFAULT_BASE)
    for prefix, ns in source.namespaces() if source is not None else ():
        g.bind(prefix, ns)
    for triple in triples:
        g.add(triple)
    return g


def _text(term: Any) -> str | None:
    if term is None:
        return None
    value = getattr(term, "value", None)  # pyoxigraph terms
    return str(value) if value is not None else str(term)


def run_query(path: str, sparql: str, graph: LoadedGraph | None = None) -> QueryResult:
    """Run a SPARQL query on a graph file or Oxigraph store folder.

    A jsonl or graphml source is turned into RDF first (`graph`, when given, is its loaded
    form).
    """
    if source_format(path) == "oxigraph":
        return _query_store(path, sparql)
    if source_format(path) in ("jsonl", "graphml"):
        from mamakg.rdf.graph import to_rdf

        if graph is None:
            from mamakg.rdf.load import load_graph

            graph = load_graph(path)
        rdf = to_rdf(graph.facts, graph.run_record, graph.base)
    else:
        rdf = graph.rdf if graph is not None and graph.rdf is not None else read_rdf(path)
    try:
        result = rdf.query(sparql)
    except Exception as err:  # pyparsing and rdflib raise many types
        raise UsageError(f"bad SPARQL query: {str(err).splitlines()[0]}") from err
    if result.type == "ASK":
        return QueryResult(("ask",), [(str(bool(result.askAnswer)).lower(),)])
    found: list[Any] = list(result)
    if result.type in ("CONSTRUCT", "DESCRIBE"):
        return QueryResult(("subject", "predicate", "object"),
                           sorted(tuple(_text(t) for t in row) for row in found),
                           _graph_of(found, rdf))
    columns = tuple(str(v) for v in result.vars or ())
    return QueryResult(columns, [tuple(_text(row[i]) for i in range(len(columns)))
                                 for row in found])


def _query_store(path: str, sparql: str) -> QueryResult:
    import pyoxigraph

    try:
        store = pyoxigraph.Store.read_only(path)
    except OSError as err:
        raise MamakgError(f"{path} is not an Oxigraph store: {err}") from err
    try:
        result = store.query(sparql)
    except SyntaxError as err:
        raise UsageError(f"bad SPARQL query: {err}") from err
    if isinstance(result, pyoxigraph.QueryBoolean):
        return QueryResult(("ask",), [(str(bool(result)).lower(),)])
    if isinstance(result, pyoxigraph.QueryTriples):
        data = result.serialize(format=pyoxigraph.RdfFormat.N_TRIPLES)
        triples = Graph().parse(data=data.decode("utf-8") if data else "", format="nt")
        return QueryResult(("subject", "predicate", "object"),
                           sorted((_text(s), _text(p), _text(o)) for s, p, o in triples),
                           _graph_of(triples, None))
    columns = tuple(v.value for v in result.variables)
    return QueryResult(columns, [tuple(_text(row[c]) for c in columns) for row in result])
