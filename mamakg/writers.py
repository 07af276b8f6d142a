"""Write a build's result in each output format, atomically.

Every writer produces the same bytes for the same facts: RDF is written from sorted triples by
our own Turtle / N-Triples writers (rdflib's serializers iterate sets whose order changes with
Python's hash seed), JSON-LD is sorted, GraphML nodes and edges go in in fact order.
"""

from __future__ import annotations

import contextlib
import functools
import io
import json
import os
import re
import sys
import tempfile
from collections.abc import Iterable, Iterator
from typing import IO, Any

from rdflib import RDF, Graph, URIRef

from mamakg.config import OutputFormat
from mamakg.errors import MamakgError
from mamakg.graph import (
    IRIs,
    Triple,
    bind_prefixes,
    nt_lines,
    nt_term,
    rdf_triples,
    to_networkx,
    to_rdf,
)
from mamakg.pipeline import BuildResult
from mamakg.types import Fact

__all__ = ["atomic_output", "fact_record", "render", "render_parts", "turtle", "turtle_blocks",
           "write_result"]


@contextlib.contextmanager
def atomic_output(path: str, *, force: bool = False) -> Iterator[IO[bytes]]:
    """A binary handle whose content replaces `path` only when the block ends without error.

    ``-`` is standard output. Refuses to replace an existing file unless `force`.
    """
    if path == "-":
        yield sys.stdout.buffer
        sys.stdout.buffer.flush()
        return
    if os.path.exists(path) and not force:
        raise MamakgError(f"{path} exists: pass --force to overwrite it")
    folder = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(folder):
        raise MamakgError(f"{path}: folder {folder} does not exist")
    fd, tmp = tempfile.mkstemp(prefix=f".{os.path.basename(path)}.", suffix=".tmp", dir=folder)
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(tmp, 0o666 & ~umask)  # mkstemp makes 0600; a graph is an ordinary file
    try:
        with os.fdopen(fd, "wb") as handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


_SAFE_LOCAL = re.compile(r"^[A-Za-z0-9_](?:[A-Za-z0-9_.-]*[A-Za-z0-9_-])?$")
"""Local names written as prefixed names; anything else is written as a full <IRI>."""


def turtle(graph: Iterable[Triple], base: str) -> str:
    """Turtle with subjects, predicates and objects in sorted order (rdf:type first)."""
    return "".join(turtle_blocks(graph, base))


def turtle_blocks(graph: Iterable[Triple], base: str) -> Iterator[str]:
    """`turtle` in pieces: the prefixes, then one block per subject."""
    names = bind_prefixes(Graph(), base).namespace_manager.namespaces()
    prefixes = sorted((p, str(ns)) for p, ns in names
                      if p in ("mk", "wd", "wdt", "ent", "rel", "fact", "mention", "rdf", "rdfs"))
    by_length = sorted(prefixes, key=lambda pn: -len(pn[1]))

    @functools.cache  # terms recur: write each once
    def term(t: Any) -> str:
        if isinstance(t, URIRef):
            for prefix, ns in by_length:
                local = str(t)[len(ns):]
                if str(t).startswith(ns) and _SAFE_LOCAL.match(local):
                    return f"{prefix}:{local}"
        return nt_term(t)

    yield "".join(f"@prefix {prefix}: <{ns}> .\n" for prefix, ns in prefixes) + "\n"
    by_subject: dict[Any, dict[Any, set[str]]] = {}
    for s, p, o in graph:
        by_subject.setdefault(s, {}).setdefault(p, set()).add(term(o))
    for s in sorted(by_subject, key=str):
        preds = by_subject.pop(s)  # written: let it go
        parts = []
        for p in sorted(preds, key=lambda p: (p != RDF.type, str(p))):
            verb = "a" if p == RDF.type else term(p)
            parts.append(f"    {verb} " + ",\n        ".join(sorted(preds[p])))
        yield term(s) + "\n" + " ;\n".join(parts) + " .\n\n"


def _sorted_jsonld(graph: Graph) -> str:
    data = json.loads(graph.serialize(format="json-ld", auto_compact=False))
    nodes = data if isinstance(data, list) else data.get("@graph", [data])

    def key(value: Any) -> str:
        return json.dumps(value, sort_keys=True, ensure_ascii=False)

    for node in nodes:
        for prop, values in node.items():
            if isinstance(values, list):
                node[prop] = sorted(values, key=key)
    nodes.sort(key=lambda n: n.get("@id", ""))
    return json.dumps(nodes, indent=1, sort_keys=True, ensure_ascii=False) + "\n"


def fact_record(fact: Fact, iris: IRIs) -> dict[str, Any]:
    """Every field of a fact as plain JSON (one line of the ``jsonl`` output)."""

    def span(s: Any) -> dict[str, Any]:
        return {"text": s.text, "start": s.start, "end": s.end}

    rel = fact.relation
    return {
        "id": str(iris.fact(fact)),
        "head": {"label": fact.head.label, "key": fact.head.key, "qid": fact.head.qid,
                 "iri": str(iris.entity(fact.head)), "link_score": fact.head.link_score},
        "relation": {"label": rel.label, "key": rel.key, "pid": rel.pid,
                     "pid_label": rel.pid_label, "iri": str(iris.relation(rel)),
                     "map_score": rel.map_score, "map_method": rel.map_method},
        "tail": {"label": fact.tail.label, "key": fact.tail.key, "qid": fact.tail.qid,
                 "iri": str(iris.entity(fact.tail)), "link_score": fact.tail.link_score},
        "status": fact.status.value,
        "score": fact.score,
        "support": fact.support,
        "mentions": [
            {"doc_id": m.doc_id, "sent_index": m.sent_index, "sentence": m.sentence,
             "sent_start": m.sent_start, "head": span(m.head), "relation": span(m.relation),
             "tail": span(m.tail), "score": m.score,
             "path": [[s.text, round(s.weight, 6)] for s in m.path]}
            for m in fact.mentions
        ],
    }


def _carb_lines(result: BuildResult, documents: dict[str, str]) -> str:
    """``input line TAB score TAB relation TAB head TAB tail``, one line per mention."""
    order = {doc_id: i for i, doc_id in enumerate(documents)}
    rows = []
    for fact in result.facts:
        for m in fact.mentions:
            line = documents.get(m.doc_id, m.sentence)
            rows.append(((order.get(m.doc_id, len(order)), m.sent_index, -m.score, m.head.start,
                          m.relation.start, m.tail.start),
                         "\t".join([line, f"{m.score:.6f}", m.relation.text, m.head.text,
                                    m.tail.text])))
    rows.sort(key=lambda r: r[0])
    return "".join(text + "\n" for _, text in rows)


def render(result: BuildResult, fmt: OutputFormat, base: str,
           documents: dict[str, str] | None = None) -> bytes:
    """The bytes of the result in a format."""
    return b"".join(render_parts(result, fmt, base, documents))


PART_LINES = 10_000
"""N-Triples lines per part of `render_parts`."""


def render_parts(result: BuildResult, fmt: OutputFormat, base: str,
                 documents: dict[str, str] | None = None) -> Iterator[bytes]:
    """`render` in parts: RDF formats come a block at a time, so the text of the whole graph
    is never held a second and third time (joined, then encoded)."""
    if fmt is OutputFormat.JSONL:
        iris = IRIs(base)
        yield "".join(
            json.dumps(fact_record(f, iris), ensure_ascii=False, sort_keys=True) + "\n"
            for f in result.facts
        ).encode("utf-8")
    elif fmt is OutputFormat.CARB:
        yield _carb_lines(result, documents or {}).encode("utf-8")
    elif fmt is OutputFormat.GRAPHML:
        import networkx as nx

        buffer = io.BytesIO()
        nx.write_graphml(to_networkx(result.facts, result.manifest, base), buffer)
        yield buffer.getvalue()
    elif fmt is OutputFormat.JSONLD:
        yield _sorted_jsonld(to_rdf(result.facts, result.manifest, base)).encode("utf-8")
    elif fmt is OutputFormat.NT:
        lines = nt_lines(rdf_triples(result.facts, result.manifest, base))
        for begin in range(0, len(lines), PART_LINES):
            yield "".join(lines[begin : begin + PART_LINES]).encode("utf-8")
    else:
        for block in turtle_blocks(rdf_triples(result.facts, result.manifest, base), base):
            yield block.encode("utf-8")


def write_result(result: BuildResult, path: str, fmt: OutputFormat, base: str, *,
                 force: bool = False, documents: dict[str, str] | None = None) -> None:
    """Render and write atomically to `path` (``-`` = stdout: rendered whole first, so a
    failure writes nothing there either)."""
    if path == "-":
        data = render(result, fmt, base, documents)
        with atomic_output(path, force=force) as handle:
            handle.write(data)
        return
    with atomic_output(path, force=force) as handle:
        for part in render_parts(result, fmt, base, documents):
            handle.write(part)
