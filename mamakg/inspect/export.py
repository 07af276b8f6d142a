"""Export a loaded graph to other formats and databases, atomically.

- ``nt``, ``ttl``, ``jsonld``, ``graphml``, ``jsonl``: the same bytes ``mamakg build`` writes;
- ``trig``: the plain triples, entities, relations and the run in the default graph, and each
  fact's statement and mentions (its provenance) in a named graph named by the fact's IRI;
- ``neo4j-csv``: a folder with ``nodes.csv``, ``relationships.csv`` (neo4j-admin import
  headers) and ``import.txt``, the command that loads them;
- ``cypher``: a Cypher script that ``cypher-shell -f`` (Neo4j) or LadybugDB runs: one
  statement a line, each ended by ``;``: the schema, then batches of
  ``UNWIND [{...}, ...] AS row MERGE ...`` with every value written as an escaped literal
  (`cypher_literal`); MERGE, so running it twice changes nothing. ``dialect`` picks the
  schema statements: Neo4j (a uniqueness constraint) or LadybugDB (node and rel tables);
- ``cypher-json``: the same statements as JSON lines of ``{"query": ..., "params": ...}``
  (``UNWIND $rows ...``, values only as parameters), for a driver (`read_cypher_script`);
- ``oxigraph``: a pyoxigraph store folder that ``mamakg show/facts/query`` read directly.
"""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
import tempfile
from collections.abc import Iterator
from typing import Any

from rdflib import Graph, URIRef

from mamakg.config import OutputFormat
from mamakg.errors import MamakgError, UsageError
from mamakg.output import atomic_output
from mamakg.rdf.graph import nt_term, ntriples, to_rdf
from mamakg.rdf.load import LoadedGraph
from mamakg.rdf.vocab import ALIAS_SEPARATOR, IRIs
from mamakg.rdf.writers import render
from mamakg.types import Fact, RunInfo

__all__ = ["DIALECTS", "EXPORT_FORMATS", "cypher_literal", "cypher_script", "cypher_statements",
           "export_graph", "neo4j_csv", "nt_term", "ntriples", "read_cypher_script", "trig",
           "write_store"]

EXPORT_FORMATS = ("nt", "ttl", "jsonld", "trig", "graphml", "jsonl", "neo4j-csv", "cypher",
                  "cypher-json", "oxigraph")
DIALECTS = ("neo4j", "ladybug")

_ENTITY_COLUMNS = ("iri", "label", "key", "qid", "link_score", "kind", "value", "datatype",
                   "aliases")
"""An entity node's properties; ``value`` and ``datatype`` are set on the nodes of dates and
numbers (RDF writes those as typed literals: ``value`` is the literal's lexical form,
``datatype`` its XML Schema type, e.g. ``gYear``), empty on the others; ``aliases`` holds the
other names the text gives the entity (`Entity.aliases`), joined by " | " as in GraphML,
mostly empty."""
_FACT_COLUMNS = ("id", "relation", "label", "phrase", "key", "pid", "status", "score",
                 "support", "sentence", "document")

_SCHEMA = {
    "neo4j": [
        "CREATE CONSTRAINT mamakg_entity_iri IF NOT EXISTS "
        "FOR (e:Entity) REQUIRE e.iri IS UNIQUE",
    ],
    "ladybug": [
        "CREATE NODE TABLE IF NOT EXISTS Entity(iri STRING, label STRING, key STRING, "
        "qid STRING, link_score DOUBLE, kind STRING, value STRING, datatype STRING, "
        "aliases STRING, PRIMARY KEY(iri))",
        "CREATE REL TABLE IF NOT EXISTS FACT(FROM Entity TO Entity, id STRING, "
        "relation STRING, label STRING, phrase STRING, key STRING, pid STRING, status STRING, "
        "score DOUBLE, support INT64, sentence STRING, document STRING)",
    ],
}

MERGE_ENTITIES = ("UNWIND $rows AS row MERGE (e:Entity {iri: row.iri}) "
                  "SET " + ", ".join(f"e.{c} = row.{c}" for c in _ENTITY_COLUMNS if c != "iri"))
MERGE_FACTS = ("UNWIND $rows AS row "
               "MATCH (h:Entity {iri: row.head}), (t:Entity {iri: row.tail}) "
               "MERGE (h)-[f:FACT {id: row.id}]->(t) "
               "SET " + ", ".join(f"f.{c} = row.{c}" for c in _FACT_COLUMNS if c != "id"))


def entity_rows(facts: list[Fact], base: str) -> list[dict[str, Any]]:
    """One row per entity node (first seen wins when several keys share a Q-id)."""
    iris = IRIs(base)
    rows: dict[str, dict[str, Any]] = {}
    for fact in facts:
        for ent in (fact.head, fact.tail):
            iri = str(iris.entity(ent))
            rows.setdefault(iri, {"iri": iri, "label": ent.label, "key": ent.key,
                                  "qid": ent.qid or "", "link_score": ent.link_score,
                                  "kind": ent.kind, "value": ent.value or "",
                                  "datatype": ent.datatype or "",
                                  "aliases": ALIAS_SEPARATOR.join(ent.aliases)})
    return list(rows.values())


def fact_rows(facts: list[Fact], base: str) -> list[dict[str, Any]]:
    """One row per fact edge: its ends, relation and first supporting sentence."""
    iris = IRIs(base)
    rows = []
    for fact in facts:
        rel = fact.relation
        first = fact.mentions[0] if fact.mentions else None
        rows.append({
            "head": str(iris.entity(fact.head)), "tail": str(iris.entity(fact.tail)),
            "id": str(iris.fact(fact)), "relation": str(iris.relation(rel)),
            "label": rel.pid_label or rel.label, "phrase": rel.label, "key": rel.key,
            "pid": rel.pid or "", "status": fact.status.value, "score": fact.score,
            "support": fact.support, "sentence": first.sentence if first else "",
            "document": first.doc_id if first else "",
        })
    return rows


def cypher_statements(facts: list[Fact], base: str, dialect: str = "neo4j",
                      batch_size: int = 500) -> Iterator[tuple[str, dict[str, Any]]]:
    """(query, parameters): the schema, then entity and fact batches."""
    if dialect not in DIALECTS:
        raise UsageError(f"unknown Cypher dialect {dialect!r}: choose one of "
                         f"{', '.join(DIALECTS)}")
    if batch_size < 1:
        raise UsageError("the batch size must be at least 1")
    for query in _SCHEMA[dialect]:
        yield query, {}
    for query, rows in ((MERGE_ENTITIES, entity_rows(facts, base)),
                        (MERGE_FACTS, fact_rows(facts, base))):
        for i in range(0, len(rows), batch_size):
            yield query, {"rows": rows[i:i + batch_size]}


_CYPHER_ESCAPES = {"\\": "\\\\", "'": "\\'", "\n": "\\n", "\r": "\\r", "\t": "\\t",
                   "\b": "\\b", "\f": "\\f"}


def cypher_literal(value: Any) -> str:
    """A Cypher literal of a plain value: strings single-quoted with backslash escapes (every
    control character escaped, so a statement stays on one line), numbers, booleans, null,
    lists and maps.

    >>> print(cypher_literal({"label": "O'Neil\\n", "score": 1e-05, "qid": None}))
    {label: 'O\\'Neil\\n', score: 1e-05, qid: null}
    """
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            raise MamakgError(f"{value} has no Cypher literal")
        return repr(value)
    if isinstance(value, str):
        return "'" + "".join(_CYPHER_ESCAPES.get(c) or (
            f"\\u{ord(c):04x}" if ord(c) < 0x20 or ord(c) == 0x7F else c) for c in value) + "'"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {cypher_literal(v)}" for k, v in value.items()) + "}"
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(cypher_literal(v) for v in value) + "]"
    raise TypeError(f"no Cypher literal for {type(value).__name__}")


def cypher_script(facts: list[Fact], base: str, dialect: str = "neo4j",
                  batch_size: int = 500) -> str:
    """`cypher_statements` as a script: one statement a line, ``;``-terminated, the
    ``$rows`` parameter written in as a literal list of maps."""
    run = "cypher-shell -f FILE" if dialect == "neo4j" else "Connection.execute(script)"
    out = [f"// mamakg graph: {len(entity_rows(facts, base))} entities, {len(facts)} facts; "
           f"{dialect} dialect. Run: {run}\n"]
    for query, params in cypher_statements(facts, base, dialect, batch_size):
        if "rows" in params:
            query = query.replace("$rows", cypher_literal(params["rows"]), 1)
        out.append(query + ";\n")
    return "".join(out)


def read_cypher_script(path: str) -> Iterator[tuple[str, dict[str, Any]]]:
    """The (query, parameters) pairs of a ``cypher-json`` export."""
    with open(path, encoding="utf-8") as handle:
        for number, line in enumerate(handle, 1):
            if line.strip():
                try:
                    record = json.loads(line)
                    yield record["query"], record.get("params", {})
                except (ValueError, KeyError) as err:
                    raise MamakgError(f"{path}:{number}: not a mamakg Cypher line") from err


def neo4j_csv(facts: list[Fact], base: str) -> dict[str, str]:
    """File name -> text of a neo4j-admin import: nodes, relationships, the load command."""

    def table(header: list[str], rows: list[list[Any]]) -> str:
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)
        return out.getvalue()

    entities = entity_rows(facts, base)
    nodes = table(["iri:ID(Entity)", "label", "key", "qid", "link_score:double", "kind", "value",
                   "datatype", "aliases", ":LABEL"],
                  [[e[c] for c in _ENTITY_COLUMNS] + ["Entity"] for e in entities])
    edges = fact_rows(facts, base)
    typed = {"score": "score:double", "support": "support:long"}
    relationships = table(
        [":START_ID(Entity)", ":END_ID(Entity)", ":TYPE"] + [typed.get(c, c) for c in
                                                            _FACT_COLUMNS],
        [[e["head"], e["tail"], "FACT"] + [e[c] for c in _FACT_COLUMNS] for e in edges])
    command = ("# Load into an empty, stopped Neo4j database (sentences may hold line breaks):\n"
               "neo4j-admin database import full --multiline-fields=true "
               "--nodes=nodes.csv --relationships=relationships.csv neo4j\n")
    return {"nodes.csv": nodes, "relationships.csv": relationships, "import.txt": command}


def trig(facts: list[Fact], run: RunInfo, base: str) -> str:
    """Sorted TriG: shared triples in the default graph, provenance in one graph per fact."""
    graph = to_rdf(facts, run, base)
    iris = IRIs(base)
    owner: dict[URIRef, URIRef] = {}
    for fact in facts:
        node = iris.fact(fact)
        owner[node] = node
        for m in fact.mentions:
            owner[iris.mention(fact, m)] = node
    default: list[str] = []
    named: dict[URIRef, list[str]] = {}
    for s, p, o in graph:
        line = f"{nt_term(s)} {nt_term(p)} {nt_term(o)} ."
        name = owner.get(s)  # type: ignore[call-overload]
        (default if name is None else named.setdefault(name, [])).append(line)
    out = ["{\n"] + [f"  {x}\n" for x in sorted(default)] + ["}\n"]
    for name in sorted(named):
        out += [f"\n{nt_term(name)} {{\n"] + [f"  {x}\n" for x in sorted(named[name])] + ["}\n"]
    return "".join(out)


def _is_store(path: str) -> bool:
    return os.path.isdir(path) and (not os.listdir(path)
                                    or os.path.exists(os.path.join(path, "CURRENT")))


def write_store(graph: Graph, path: str, *, force: bool = False) -> None:
    """Write an RDF graph into a new Oxigraph store folder at `path`, atomically."""
    try:
        import pyoxigraph
    except ImportError as err:
        raise MamakgError("the oxigraph export needs pyoxigraph: "
                          "pip install 'mamakg[graph]'") from err
    if os.path.exists(path):
        if not force:
            raise UsageError(f"{path} exists: pass --force to overwrite it")
        if not _is_store(path):
            raise MamakgError(f"{path} exists and is not an Oxigraph store: not replacing it")
    parent = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(parent):
        raise MamakgError(f"{path}: folder {parent} does not exist")
    tmp = tempfile.mkdtemp(prefix=f".{os.path.basename(path)}.", dir=parent)
    try:
        store = pyoxigraph.Store(tmp)
        store.bulk_load(ntriples(graph).encode("utf-8"), format=pyoxigraph.RdfFormat.N_TRIPLES)
        store.flush()
        del store
        if os.path.exists(path):
            old = tempfile.mkdtemp(prefix=f".{os.path.basename(path)}.old.", dir=parent)
            os.replace(path, os.path.join(old, "store"))
            os.replace(tmp, path)
            shutil.rmtree(old, ignore_errors=True)
        else:
            os.replace(tmp, path)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise


def _write_folder(files: dict[str, str], path: str, force: bool) -> None:
    if os.path.exists(path) and not os.path.isdir(path):
        raise MamakgError(f"{path} exists and is not a folder")
    os.makedirs(path, exist_ok=True)
    clashes = [n for n in files if os.path.exists(os.path.join(path, n))]
    if clashes and not force:
        raise UsageError(f"{os.path.join(path, clashes[0])} exists: pass --force to overwrite "
                         "it")
    for name, text in files.items():
        with atomic_output(os.path.join(path, name), force=True) as handle:
            handle.write(text.encode("utf-8"))


def export_graph(graph: LoadedGraph, fmt: str, path: str, *, force: bool = False,
                 dialect: str = "neo4j", batch_size: int = 500) -> None:
    """Write `graph` as `fmt` to `path` (a folder for neo4j-csv and oxigraph; ``-`` = stdout
    for the single-file formats)."""
    if fmt not in EXPORT_FORMATS:
        raise UsageError(f"unknown export format {fmt!r}: choose one of "
                         f"{', '.join(EXPORT_FORMATS)}")
    if fmt == "oxigraph":
        if path == "-":
            raise UsageError("the oxigraph export writes a folder: give -o DIR")
        write_store(to_rdf(graph.facts, graph.run_record, graph.base), path, force=force)
        return
    if fmt == "neo4j-csv":
        if path == "-":
            raise UsageError("the neo4j-csv export writes a folder: give -o DIR")
        _write_folder(neo4j_csv(graph.facts, graph.base), path, force)
        return
    if fmt == "nt":
        data = ntriples(to_rdf(graph.facts, graph.run_record, graph.base)).encode("utf-8")
    elif fmt == "trig":
        data = trig(graph.facts, graph.run_record, graph.base).encode("utf-8")
    elif fmt == "cypher":
        data = cypher_script(graph.facts, graph.base, dialect, batch_size).encode("utf-8")
    elif fmt == "cypher-json":
        data = "".join(
            json.dumps({"query": q, "params": p}, ensure_ascii=False, sort_keys=True) + "\n"
            for q, p in cypher_statements(graph.facts, graph.base, dialect, batch_size)
        ).encode("utf-8")
    else:
        data = render(graph.facts, graph.run_record, OutputFormat(fmt), graph.base)
    with atomic_output(path, force=force) as handle:
        handle.write(data)
