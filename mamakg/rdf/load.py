"""Read a graph that mamakg wrote back into `Fact` records and its `RunInfo`.

Sources: RDF files (``.ttl``, ``.nt``, ``.jsonld``, ``.trig``, ``.nq``), the ``.jsonl`` fact
records, ``.graphml`` (`mamakg.rdf.graph.to_networkx`), and an Oxigraph store folder
(``mamakg export GRAPH --to oxigraph DIR``). A CaRB ``.tsv`` (``--format carb``) is refused:
it holds only the strings an Open IE scorer compares, no keys, offsets or run record.

What RDF cannot give back exactly:

- scores and path weights are stored rounded to 6 decimals;
- a tail written as a literal value (a date or number) comes back with its surface form
  (``mk:tailLabel``) and lexical value;
- mentions come back sorted by (document, sentence, offsets), not in corpus order;
- when several entity keys share one node (two texts linked to the same Q-id), each key's
  label is guessed from the fact's own mentions, its link score is the node's highest and
  its other names (``skos:altLabel``) are the node's, less the label.

The ``jsonl`` records keep all of it, but not the run record.

>>> from mamakg.rdf.load import natural_key
>>> sorted(["a.txt:10", "a.txt:9"], key=natural_key)
['a.txt:9', 'a.txt:10']
"""

from __future__ import annotations

import gzip
import json
import os
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from rdflib import RDF, RDFS, Dataset, Graph, Literal, Namespace, URIRef
from rdflib.namespace import SKOS

from mamakg.errors import MamakgError, UsageError
from mamakg.rdf.vocab import ALIAS_SEPARATOR, DEFAULT_BASE, MK, WD, WDT, run_terms
from mamakg.types import (
    Entity,
    Fact,
    Mention,
    PathStep,
    Relation,
    RunInfo,
    TextSpan,
    alias_order,
)

__all__ = ["LoadedGraph", "facts_from_networkx", "facts_from_rdf", "facts_from_records",
           "load_graph", "natural_key", "read_rdf", "source_format"]

_SUFFIXES = {".ttl": "ttl", ".turtle": "ttl", ".nt": "nt", ".jsonld": "jsonld",
             ".json-ld": "jsonld", ".trig": "trig", ".nq": "nq", ".graphml": "graphml"}
_PARSERS = {"ttl": "turtle", "nt": "nt", "jsonld": "json-ld", "trig": "trig", "nq": "nquads"}


@dataclass(frozen=True)
class LoadedGraph:
    """A graph read back from disk."""

    facts: list[Fact]
    """The facts, sorted by (head, relation, tail) keys like a build's."""
    run: RunInfo | None
    """How the graph was made (None for jsonl, which does not record it)."""
    base: str
    """The namespace of the minted IRIs."""
    source: str
    """The path read."""
    fmt: str
    """``ttl``, ``nt``, ``jsonld``, ``trig``, ``nq``, ``jsonl``, ``graphml`` or ``oxigraph``."""
    rdf: Graph | None = field(default=None, compare=False, repr=False)
    """The RDF graph when the source was RDF (None for jsonl and graphml)."""

    @property
    def run_record(self) -> RunInfo:
        """`run`, or an empty record when the source does not say how it was made."""
        return self.run if self.run is not None else RunInfo.unknown()


def natural_key(text: str) -> tuple[Any, ...]:
    """Sort key that orders the digits in a text by value (``doc:9`` before ``doc:10``)."""
    return tuple(int(p) if p.isdigit() else p for p in re.split(r"(\d+)", text))


def source_format(path: str) -> str:
    """The format of a graph path, from its extension; a folder is an Oxigraph store."""
    if not os.path.exists(path):
        raise UsageError(f"{path}: no such file or folder")
    if os.path.isdir(path):
        if not os.path.isfile(os.path.join(path, "CURRENT")):  # every RocksDB store has one
            raise UsageError(f"{path} is a folder but not an Oxigraph store: give a graph file "
                             "or a folder written by 'mamakg export GRAPH --to oxigraph DIR'")
        return "oxigraph"
    name = path.lower().removesuffix(".gz")
    if name.endswith(".jsonl"):
        return "jsonl"
    for suffix, fmt in _SUFFIXES.items():
        if name.endswith(suffix):
            return fmt
    if name.endswith((".tsv", ".carb")):
        raise UsageError(f"{path}: a CaRB file holds only the strings an Open IE scorer "
                         "compares, not a graph: build with -o graph.jsonl (or .ttl) to look "
                         "inside it")
    raise MamakgError(f"{path}: unknown graph format; expected a .ttl, .nt, .jsonld, .trig, .nq, "
                      ".jsonl or .graphml file, or an Oxigraph store folder")


def _open_text(path: str) -> Any:
    if path.lower().endswith(".gz"):
        return gzip.open(path, "rt", encoding="utf-8")
    return open(path, encoding="utf-8")


def _syntax_error(err: Exception) -> str:
    """An RDF parser's error in one short line. rdflib's Turtle and TriG parser quotes the
    text around the spot, which for a cut file can be the file's beginning, and its line
    count can run past the file's end: the spot's own line, counted here, says it better."""
    source, at, why = (getattr(err, name, None) for name in ("_str", "_i", "_why"))
    if isinstance(source, bytes) and isinstance(at, int) and isinstance(why, str):
        text = source.decode("utf-8", "replace")  # what the parser read, as it read it
        if not 0 <= at < len(text):
            return f"it ends inside a statement ({why}): is the file cut short?"
        number = text.count("\n", 0, at) + 1
        begin, end = text.rfind("\n", 0, at) + 1, text.find("\n", at)
        here = text[begin:end if end >= 0 else len(text)].strip()
        quoted = f"{here[:80]!r}{'...' if len(here) > 80 else ''}"
        return f"line {number}: {why}: {quoted}"
    return " ".join(str(err).split())[:300]


def read_rdf(path: str) -> Graph:
    """The union of every graph in an RDF file or an Oxigraph store folder."""
    fmt = source_format(path)
    if fmt in ("jsonl", "graphml"):
        raise MamakgError(f"{path}: a {fmt} file is not RDF")
    dataset = Dataset(default_union=True)
    try:
        if fmt == "oxigraph":
            dataset.parse(data=_dump_store(path), format="nquads")
        else:
            with _open_text(path) as handle:
                text = handle.read()
            dataset.parse(data=text, format=_PARSERS[fmt])
    except MamakgError:
        raise
    except OSError as err:
        raise MamakgError(f"cannot read {path}: {err.strerror or err}") from err
    except Exception as err:  # rdflib raises many parser-specific types
        raise MamakgError(f"{path} is not valid {fmt}: {_syntax_error(err)}") from err
    graph = Graph()
    for prefix, ns in dataset.namespaces():
        graph.bind(prefix, ns)
    for s, p, o, _ in dataset.quads((None, None, None, None)):
        graph.add((s, p, o))
    return graph


def _dump_store(path: str) -> str:
    try:
        import pyoxigraph
    except ImportError as err:
        raise MamakgError("reading an Oxigraph store needs pyoxigraph: "
                          "pip install 'mamakg[graph]'") from err
    try:
        store = pyoxigraph.Store.read_only(path)
    except OSError as err:
        raise MamakgError(f"{path} is not an Oxigraph store: {err}") from err
    data = store.dump(format=pyoxigraph.RdfFormat.N_QUADS)
    return data.decode("utf-8") if isinstance(data, bytes) else str(data)


def _base_of(graph: Graph) -> str:
    """The base of the minted IRIs: from the run node, else from a fact's IRI."""
    for node in graph.subjects(RDF.type, MK.Run):
        text = str(node)
        if text.endswith("/run"):
            return text[: -len("run")]
    for node in graph.subjects(RDF.type, MK.Fact):
        text = str(node)
        if "/fact/" in text:
            return text.rsplit("/fact/", 1)[0] + "/"
    return DEFAULT_BASE


def _one(graph: Graph, node: Any, pred: URIRef, default: Any = None) -> Any:
    value = graph.value(node, pred)
    return default if value is None else value.toPython()


def _run(graph: Graph, base: str) -> RunInfo | None:
    run = URIRef(base + "run")
    if (run, RDF.type, MK.Run) not in graph:
        return None
    return RunInfo.from_dict({name: _one(graph, run, term)
                              for name, term in run_terms().items()})


def _local(iri: Any, ns: Namespace) -> str | None:
    text = str(iri)
    return text[len(str(ns)):] if text.startswith(str(ns)) else None


def _entity(graph: Graph, node: Any, key: str, surfaces: set[str]) -> Entity:
    labels = sorted(str(v) for v in graph.objects(node, RDFS.label))
    if len(labels) > 1:  # several keys share this node: prefer this fact's own surface form
        labels = [x for x in labels if x in surfaces] or labels
    qid = _local(node, WD)
    scores = [float(str(v)) for v in graph.objects(node, MK.linkScore)] if qid else []
    kinds = sorted(str(v) for v in graph.objects(node, MK.kind))
    label = labels[0] if labels else key
    return Entity(key=key, label=label, qid=qid,
                  link_score=max(scores, default=0.0), kind=kinds[0] if kinds else "",
                  aliases=alias_order(str(v) for v in graph.objects(node, SKOS.altLabel)
                                   if str(v) != label))


def _value(graph: Graph, fact: Any, term: Literal, key: str) -> Entity:
    """The tail of a fact whose object is a literal value."""
    datatype = str(term.datatype).rsplit("#", 1)[-1] if term.datatype else "string"
    return Entity(key=key, label=str(_one(graph, fact, MK.tailLabel, str(term))),
                  datatype=datatype, value=str(term),
                  kind=str(_one(graph, fact, MK.tailKind, "")))


def _mention(graph: Graph, node: Any, keys: tuple[str, str, str]) -> Mention:
    spans = []
    for slot in ("head", "relation", "tail"):
        spans.append(TextSpan(str(_one(graph, node, MK[slot + "Text"], "")),
                              int(_one(graph, node, MK[slot + "Start"], 0)),
                              int(_one(graph, node, MK[slot + "End"], 0))))
    path = json.loads(_one(graph, node, MK.path, "[]"))
    return Mention(
        doc_id=str(_one(graph, node, MK.document, "")),
        sent_index=int(_one(graph, node, MK.sentenceIndex, 0)),
        sentence=str(_one(graph, node, MK.sentence, "")),
        sent_start=int(_one(graph, node, MK.sentenceStart, 0)),
        head=spans[0], relation=spans[1], tail=spans[2],
        head_key=keys[0], relation_key=keys[1], tail_key=keys[2],
        score=float(_one(graph, node, MK.score, 0.0)),
        path=tuple(PathStep(str(text), float(weight)) for text, weight in path),
        head_type=str(_one(graph, node, MK.headType, "")),
        tail_type=str(_one(graph, node, MK.tailType, "")),
        degree=None if (degree := _one(graph, node, MK.degree)) is None else float(degree),
        derived=bool(_one(graph, node, MK.derived, False)),
    )


def _mention_order(m: Mention) -> tuple[Any, ...]:
    return (natural_key(m.doc_id), m.sent_index, m.head.start, m.relation.start, m.tail.start)


def _fact_key(f: Fact) -> tuple[str, str, str]:
    return (f.head.key, f.relation.key, f.tail.key)


def _fact_keys(graph: Graph, node: Any, head: Any, tail: Any) -> tuple[str, str, str]:
    """(head, relation, tail) keys of a fact node (``mk:headKey``...; a graph written before
    fact nodes carried them falls back on the entity nodes' ``mk:key``)."""
    keys = []
    for pred, entity in ((MK.headKey, head), (MK.relationKey, None), (MK.tailKey, tail)):
        value = _one(graph, node, pred)
        if value is None and entity is not None:
            value = min((str(v) for v in graph.objects(entity, MK.key)), default="")
        keys.append("" if value is None else str(value))
    return keys[0], keys[1], keys[2]


def facts_from_rdf(graph: Graph) -> tuple[list[Fact], RunInfo | None, str]:
    """(facts, run record, base) of an RDF graph written by mamakg."""
    base = _base_of(graph)
    facts = []
    for node in set(graph.subjects(RDF.type, MK.Fact)):
        h, r, t = (graph.value(node, p) for p in (RDF.subject, RDF.predicate, RDF.object))
        if h is None or r is None or t is None:
            raise MamakgError(f"fact {node} lacks rdf:subject, rdf:predicate or rdf:object")
        keys = _fact_keys(graph, node, h, t)
        mentions = sorted((_mention(graph, m, keys) for m in graph.objects(node, MK.mention)),
                          key=_mention_order)
        pid = _local(r, WDT)
        evidence = json.loads(_one(graph, node, MK.mapEvidence, "[]")) if pid else []
        relation = Relation(
            key=keys[1], label=str(_one(graph, node, MK.relationPhrase, keys[1])), pid=pid,
            map_score=float(_one(graph, node, MK.mapScore, 0.0)) if pid else 0.0,
            map_method=str(_one(graph, node, MK.mapMethod, "none")) if pid else "none",
            pid_label=(str(_one(graph, r, RDFS.label, "")) or None) if pid else None,
            evidence=tuple((str(a), str(b)) for a, b in evidence),
        )
        tail = (_value(graph, node, t, keys[2]) if isinstance(t, Literal)
                else _entity(graph, t, keys[2], {m.tail.text for m in mentions}))
        facts.append(Fact(
            head=_entity(graph, h, keys[0], {m.head.text for m in mentions}),
            relation=relation,
            tail=tail,
            score=float(_one(graph, node, MK.score, 0.0)),
            support=int(_one(graph, node, MK.support, 0)),
            mentions=tuple(mentions),
        ))
    facts.sort(key=_fact_key)
    return facts, _run(graph, base), base


def fact_from_record(record: dict[str, Any]) -> Fact:
    """The `Fact` of one ``jsonl`` record (`mamakg.rdf.writers.fact_record`)."""
    h, r, t = record["head"], record["relation"], record["tail"]
    head, tail = (Entity(e["key"], e["label"], e.get("qid"), float(e.get("link_score", 0.0)),
                         datatype=e.get("datatype"), value=e.get("value"),
                         kind=e.get("kind") or "",
                         aliases=alias_order(str(a) for a in e.get("aliases") or ()))
                  for e in (h, t))
    relation = Relation(r["key"], r["label"], r.get("pid"), float(r.get("map_score", 0.0)),
                        r.get("map_method", "none"), r.get("pid_label"),
                        tuple((str(a), str(b)) for a, b in r.get("evidence") or ()))
    keys = (head.key, relation.key, tail.key)
    mentions = tuple(Mention.from_record(m, keys) for m in record.get("mentions", []))
    return Fact(head, relation, tail, float(record["score"]), int(record["support"]), mentions)


def facts_from_records(lines: Iterable[str], source: str = "<jsonl>") -> Iterator[Fact]:
    """Facts of ``jsonl`` lines; blank lines are skipped."""
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            yield fact_from_record(json.loads(line))
        except (ValueError, KeyError, TypeError) as err:
            raise MamakgError(f"{source}:{number}: not a mamakg fact record ({err})") from err


def facts_from_networkx(g: Any) -> tuple[list[Fact], RunInfo | None, str]:
    """(facts, run record, base) of a graph made by `mamakg.rdf.graph.to_networkx` (as
    read back from GraphML)."""
    facts = []
    base = DEFAULT_BASE
    for head_node, tail_node, fact_id, data in g.edges(keys=True, data=True):
        if "record" not in data:
            raise MamakgError("its facts carry no record of their keys and mentions (an "
                              "older mamakg wrote it): rebuild it, or read the graph from "
                              "another format")
        record = json.loads(data["record"])
        if "/fact/" in str(fact_id):
            base = str(fact_id).rsplit("/fact/", 1)[0] + "/"
        (head_key, rel_key, tail_key), (head_label, phrase, tail_label) = \
            record["keys"], record["labels"]
        ends = []
        for node, key, label in ((head_node, head_key, head_label),
                                 (tail_node, tail_key, tail_label)):
            attrs = g.nodes[node]
            kind = str(attrs.get("kind") or "")
            if attrs.get("literal") in (True, "true", "True"):
                ends.append(Entity(str(key), str(label), kind=kind,
                                   datatype=str(attrs.get("datatype") or "string"),
                                   value=str(attrs.get("value") or "")))
                continue
            qid = str(attrs.get("qid") or "") or None
            aliases = str(attrs.get("aliases") or "")
            ends.append(Entity(str(key), str(label), qid,
                               float(attrs.get("link_score", 0.0)) if qid else 0.0, kind=kind,
                               aliases=alias_order(aliases.split(ALIAS_SEPARATOR)
                                                if aliases else ())))
        pid = str(data.get("pid") or "") or None
        relation = Relation(str(rel_key), str(phrase), pid,
                            float(data.get("map_score", 0.0)) if pid else 0.0,
                            str(data.get("map_method", "none")) if pid else "none",
                            record.get("pid_label") if pid else None,
                            tuple((str(a), str(b)) for a, b in record.get("evidence") or ())
                            if pid else ())
        keys = (ends[0].key, relation.key, ends[1].key)
        mentions = tuple(Mention.from_record(m, keys) for m in record["mentions"])
        facts.append(Fact(ends[0], relation, ends[1], float(data["score"]),
                          int(data["support"]), mentions))
    facts.sort(key=_fact_key)
    run = None
    if "mamakg_version" in g.graph:
        run = RunInfo.from_dict({k: g.graph.get(k, "") for k in RunInfo.field_names()})
    return facts, run, base


def _load_graphml(path: str) -> LoadedGraph:
    import networkx as nx

    try:
        with _open_text(path) as handle:
            g = nx.read_graphml(handle, force_multigraph=True)
    except OSError as err:
        raise MamakgError(f"cannot read {path}: {err.strerror or err}") from err
    except Exception as err:  # networkx and ElementTree raise many types
        reason = " ".join(str(err).split())
        raise MamakgError(f"{path} is not valid GraphML: {reason[:300]}") from err
    try:
        facts, run, base = facts_from_networkx(g)
    except MamakgError as err:
        raise MamakgError(f"{path}: {err}") from err
    except (ValueError, TypeError, KeyError) as err:
        raise MamakgError(f"{path} is not a graph mamakg wrote: {err}") from err
    return LoadedGraph(facts, run, base, path, "graphml")


def load_graph(path: str) -> LoadedGraph:
    """Read a graph file or Oxigraph store folder written by mamakg."""
    fmt = source_format(path)
    if fmt == "graphml":
        return _load_graphml(path)
    if fmt == "jsonl":
        try:
            with _open_text(path) as handle:
                facts = list(facts_from_records(handle, path))
        except OSError as err:
            raise MamakgError(f"cannot read {path}: {err.strerror or err}") from err
        except UnicodeDecodeError as err:
            raise MamakgError(f"{path} is not UTF-8 text: {err}") from err
        base = DEFAULT_BASE
        with _open_text(path) as handle:
            first = next((json.loads(x) for x in handle if x.strip()), None)
        if first and "/fact/" in first.get("id", ""):
            base = first["id"].rsplit("/fact/", 1)[0] + "/"
        facts.sort(key=_fact_key)
        return LoadedGraph(facts, None, base, path, fmt)
    graph = read_rdf(path)
    try:
        facts, run, base = facts_from_rdf(graph)
    except (ValueError, TypeError) as err:  # a record's own checks (offsets, path JSON)
        raise MamakgError(f"{path} is not a graph mamakg wrote: {err}") from err
    return LoadedGraph(facts, run, base, path, fmt, graph)
