"""Read a graph that mamakg wrote back into `Fact` records and the run manifest.

Sources: RDF files (``.ttl``, ``.nt``, ``.jsonld``, ``.trig``, ``.nq``), the ``.jsonl`` fact
records, and an Oxigraph store folder (``mamakg export GRAPH --to oxigraph DIR``).

What RDF cannot give back exactly:

- scores and path weights are stored rounded to 6 decimals;
- mentions come back sorted by (document, sentence, offsets), not in corpus order;
- when several entity keys share one node (two texts linked to the same Q-id), each key's
  label is guessed from the fact's own mentions and its link score is the node's highest.

The ``jsonl`` records keep all of it, but no manifest.

>>> from mamakg.load import natural_key
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

from rdflib import RDF, RDFS, Dataset, Graph, Namespace, URIRef

from mamakg.errors import MamakgError
from mamakg.graph import WD, WDT, _digest
from mamakg.types import Entity, Fact, Mention, PathStep, Relation, TextSpan

__all__ = ["DEFAULT_BASE", "LoadedGraph", "load_graph", "natural_key", "read_rdf",
           "facts_from_rdf", "facts_from_records", "source_format"]

DEFAULT_BASE = "https://w3id.org/mamakg/"

_SUFFIXES = {".ttl": "ttl", ".turtle": "ttl", ".nt": "nt", ".jsonld": "jsonld",
             ".json-ld": "jsonld", ".trig": "trig", ".nq": "nq"}
_PARSERS = {"ttl": "turtle", "nt": "nt", "jsonld": "json-ld", "trig": "trig", "nq": "nquads"}


@dataclass(frozen=True)
class LoadedGraph:
    """A graph read back from disk."""

    facts: list[Fact]
    """The facts, sorted by (head, relation, tail) keys like a build's."""
    manifest: dict[str, Any]
    """How the graph was made ({} for jsonl, which does not record it)."""
    base: str
    """The namespace of the minted IRIs."""
    source: str
    """The path read."""
    fmt: str
    """``ttl``, ``nt``, ``jsonld``, ``trig``, ``nq``, ``jsonl`` or ``oxigraph``."""
    rdf: Graph | None = field(default=None, compare=False, repr=False)
    """The RDF graph when the source was RDF (None for jsonl)."""


def natural_key(text: str) -> tuple[Any, ...]:
    """Sort key that orders the digits in a text by value (``doc:9`` before ``doc:10``)."""
    return tuple(int(p) if p.isdigit() else p for p in re.split(r"(\d+)", text))


def source_format(path: str) -> str:
    """The format of a graph path, from its extension; a folder is an Oxigraph store."""
    if not os.path.exists(path):
        raise MamakgError(f"{path}: no such file or folder")
    if os.path.isdir(path):
        return "oxigraph"
    name = path.lower().removesuffix(".gz")
    if name.endswith(".jsonl"):
        return "jsonl"
    for suffix, fmt in _SUFFIXES.items():
        if name.endswith(suffix):
            return fmt
    raise MamakgError(f"{path}: unknown graph format; expected a .ttl, .nt, .jsonld, .trig, .nq "
                      "or .jsonl file, or an Oxigraph store folder")


def _open_text(path: str) -> Any:
    if path.lower().endswith(".gz"):
        return gzip.open(path, "rt", encoding="utf-8")
    return open(path, encoding="utf-8")


def read_rdf(path: str) -> Graph:
    """The union of every graph in an RDF file or an Oxigraph store folder."""
    fmt = source_format(path)
    if fmt == "jsonl":
        raise MamakgError(f"{path}: a jsonl file is not RDF")
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
        reason = " ".join(str(err).split())
        raise MamakgError(f"{path} is not valid {fmt}: {reason[:300]}") from err
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
    for node_type in graph.objects(None, RDF.type):
        text = str(node_type)
        for kind in ("ns#Fact", "ns#Run"):
            if text.endswith(kind):
                return text[: -len(kind)]
    return DEFAULT_BASE


def _one(graph: Graph, node: Any, pred: URIRef, default: Any = None) -> Any:
    value = graph.value(node, pred)
    return default if value is None else value.toPython()


def _manifest(graph: Graph, mk: Namespace, base: str) -> dict[str, Any]:
    run = URIRef(base + "run")
    if (run, RDF.type, mk.Run) not in graph:
        return {}
    manifest = {name: str(_one(graph, run, mk[prop], "")) for name, prop in (
        ("mamakg_version", "mamakgVersion"), ("model", "model"),
        ("model_revision", "modelRevision"), ("spacy_model", "spacyModel"))}
    config = _one(graph, run, mk.config, "{}")
    try:
        manifest["config"] = json.loads(config)
    except ValueError:
        manifest["config"] = config
    return manifest


def _local(iri: Any, ns: Namespace) -> str | None:
    text = str(iri)
    return text[len(str(ns)):] if text.startswith(str(ns)) else None


def _entity(graph: Graph, mk: Namespace, node: Any, key: str, surfaces: set[str]) -> Entity:
    labels = sorted(str(v) for v in graph.objects(node, RDFS.label))
    if len(labels) > 1:  # several keys share this node: prefer this fact's own surface form
        labels = [x for x in labels if x in surfaces] or labels
    qid = _local(node, WD)
    scores = [float(str(v)) for v in graph.objects(node, mk.linkScore)] if qid else []
    return Entity(key=key, label=labels[0] if labels else key, qid=qid,
                  link_score=max(scores, default=0.0))


def _keys(graph: Graph, mk: Namespace, node: Any) -> list[str]:
    return sorted(str(v) for v in graph.objects(node, mk.key)) or [""]


def _mention(graph: Graph, mk: Namespace, node: Any, keys: tuple[str, str, str]) -> Mention:
    spans = []
    for slot in ("head", "relation", "tail"):
        spans.append(TextSpan(str(_one(graph, node, mk[slot + "Text"], "")),
                              int(_one(graph, node, mk[slot + "Start"], 0)),
                              int(_one(graph, node, mk[slot + "End"], 0))))
    path = json.loads(_one(graph, node, mk.path, "[]"))
    return Mention(
        doc_id=str(_one(graph, node, mk.document, "")),
        sent_index=int(_one(graph, node, mk.sentenceIndex, 0)),
        sentence=str(_one(graph, node, mk.sentence, "")),
        sent_start=int(_one(graph, node, mk.sentenceStart, 0)),
        head=spans[0], relation=spans[1], tail=spans[2],
        head_key=keys[0], relation_key=keys[1], tail_key=keys[2],
        score=float(_one(graph, node, mk.score, 0.0)),
        path=tuple(PathStep(str(text), float(weight)) for text, weight in path),
    )


def _mention_order(m: Mention) -> tuple[Any, ...]:
    return (natural_key(m.doc_id), m.sent_index, m.head.start, m.relation.start, m.tail.start)


def _fact_key(f: Fact) -> tuple[str, str, str]:
    return (f.head.key, f.relation.key, f.tail.key)


def facts_from_rdf(graph: Graph) -> tuple[list[Fact], dict[str, Any], str]:
    """(facts, manifest, base) of an RDF graph written by mamakg."""
    base = _base_of(graph)
    mk = Namespace(base + "ns#")
    facts = []
    for node in set(graph.subjects(RDF.type, mk.Fact)):
        h, r, t = (graph.value(node, p) for p in (RDF.subject, RDF.predicate, RDF.object))
        if h is None or r is None or t is None:
            raise MamakgError(f"fact {node} lacks rdf:subject, rdf:predicate or rdf:object")
        rel_key = str(_one(graph, node, mk.relationKey, ""))
        digest = str(node).rsplit("/", 1)[-1]
        pairs = [(hk, tk) for hk in _keys(graph, mk, h) for tk in _keys(graph, mk, t)]
        head_key, tail_key = next((p for p in pairs if _digest(p[0], rel_key, p[1]) == digest),
                                  pairs[0])
        keys = (head_key, rel_key, tail_key)
        mentions = sorted((_mention(graph, mk, m, keys) for m in graph.objects(node, mk.mention)),
                          key=_mention_order)
        pid = _local(r, WDT)
        relation = Relation(
            key=rel_key, label=str(_one(graph, node, mk.relationPhrase, rel_key)), pid=pid,
            map_score=float(_one(graph, node, mk.mapScore, 0.0)) if pid else 0.0,
            map_method=str(_one(graph, node, mk.mapMethod, "none")) if pid else "none",
            pid_label=(str(_one(graph, r, RDFS.label, "")) or None) if pid else None,
        )
        facts.append(Fact(
            head=_entity(graph, mk, h, head_key, {m.head.text for m in mentions}),
            relation=relation,
            tail=_entity(graph, mk, t, tail_key, {m.tail.text for m in mentions}),
            score=float(_one(graph, node, mk.score, 0.0)),
            support=int(_one(graph, node, mk.support, 0)),
            mentions=tuple(mentions),
        ))
    facts.sort(key=_fact_key)
    return facts, _manifest(graph, mk, base), base


def _span(data: dict[str, Any]) -> TextSpan:
    return TextSpan(data["text"], int(data["start"]), int(data["end"]))


def fact_from_record(record: dict[str, Any]) -> Fact:
    """The `Fact` of one ``jsonl`` record (`mamakg.writers.fact_record`)."""
    h, r, t = record["head"], record["relation"], record["tail"]
    head = Entity(h["key"], h["label"], h.get("qid"), float(h.get("link_score", 0.0)))
    tail = Entity(t["key"], t["label"], t.get("qid"), float(t.get("link_score", 0.0)))
    relation = Relation(r["key"], r["label"], r.get("pid"), float(r.get("map_score", 0.0)),
                        r.get("map_method", "none"), r.get("pid_label"))
    mentions = tuple(
        Mention(doc_id=m["doc_id"], sent_index=int(m["sent_index"]), sentence=m["sentence"],
                sent_start=int(m["sent_start"]), head=_span(m["head"]),
                relation=_span(m["relation"]), tail=_span(m["tail"]), head_key=head.key,
                relation_key=relation.key, tail_key=tail.key, score=float(m["score"]),
                path=tuple(PathStep(str(a), float(w)) for a, w in m.get("path", [])))
        for m in record.get("mentions", [])
    )
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


def load_graph(path: str) -> LoadedGraph:
    """Read a graph file or Oxigraph store folder written by mamakg."""
    fmt = source_format(path)
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
        return LoadedGraph(facts, {}, base, path, fmt)
    graph = read_rdf(path)
    try:
        facts, manifest, base = facts_from_rdf(graph)
    except (ValueError, TypeError) as err:  # a record's own checks (offsets, path JSON)
        raise MamakgError(f"{path} is not a graph mamakg wrote: {err}") from err
    return LoadedGraph(facts, manifest, base, path, fmt, graph)
