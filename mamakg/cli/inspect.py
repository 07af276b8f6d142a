"""Commands that read a built graph: show, facts, explain, query, export, push.

Tables are drawn with rich when stdout is a terminal, as plain text when it is piped;
``--json`` prints the data as JSON instead. The work is done by `mamakg.inspect.browse`,
`mamakg.inspect.export` and `mamakg.inspect.push`.
"""

from __future__ import annotations

import csv
import io
import json
import sys
from typing import TYPE_CHECKING, Any

import click

from mamakg.cli.common import Command, json_option, print_json, print_table, say
from mamakg.errors import MamakgError, UsageError
from mamakg.types import Fact

if TYPE_CHECKING:
    from mamakg.rdf.vocab import IRIs

__all__ = ["explain_command", "export_command", "facts_command", "push_command",
           "query_command", "show_command", "view_command"]

# The choices, written out so that `mamakg build` never imports rdflib just to start; a test
# holds them equal to the library's (FACT_STATUSES, RDF_FORMATS, EXPORT_FORMATS, DIALECTS).
STATUSES = ("mapped", "partial", "unmapped", "open")
RDF_FORMATS = ("jsonld", "nt", "ttl")
EXPORT_FORMATS = ("nt", "ttl", "jsonld", "trig", "graphml", "jsonl", "neo4j-csv", "cypher",
                  "cypher-json", "oxigraph")
DIALECTS = ("neo4j", "ladybug")

GRAPH = click.argument("graph", metavar="GRAPH")
JSON = json_option()
JSON_REPORT = json_option("Print what was done as JSON on stdout.")


def _short(iri: str) -> str:
    return iri.rsplit("/", 1)[-1]


SHOW_EXAMPLES = """
\b
Examples:
  mamakg show graph.ttl
  mamakg show facts.jsonl --top 20
  mamakg show graph-store/ --json | jq .status
"""


@click.command("show", cls=Command, epilog=SHOW_EXAMPLES)
@GRAPH
@click.option("--top", default=10, show_default=True, help="How many relations and entities.")
@JSON
def show_command(graph: str, top: int, as_json: bool) -> None:
    """Counts, mapping status, the best-supported relations and entities, and how GRAPH
    (a .ttl/.nt/.jsonld/.trig/.jsonl file or an Oxigraph store folder) was made."""
    from mamakg.inspect.browse import summarize
    from mamakg.rdf.load import load_graph

    data = summarize(load_graph(graph), top=top)
    if as_json:
        print_json(data)
        return
    status = data["status"]
    counts = [["facts", data["n_facts"], "best first: mamakg facts"],
              ["  mapped", status["mapped"], "head, relation and tail in Wikidata"],
              ["  partial", status["partial"], "some of them in Wikidata"],
              ["  unmapped", status["unmapped"], "none of them: open schema"],
              ["mentions", data["n_mentions"], "extractions from sentences behind the facts"],
              ["readings", data["n_readings"], "derived from them by the Map stage"],
              ["entities", data["n_entities"], "entity nodes"],
              ["values", data["n_values"], "dates and numbers written as literals"],
              ["relations", data["n_relations"],
               f"{data['n_open_relations']} of them open (no Wikidata property)"]]
    print_table(["count", "n", "what"], counts, title=f"{data['source']} ({data['format']})")
    for title, rows in (("top relations", data["top_relations"]),
                        ("top entities", data["top_entities"])):
        click.echo()
        print_table(["support", "label", "iri"],
                    [[r["support"], r["label"], r["iri"]] for r in rows],
                    title=title + " by support")
    run = {k: v for k, v in data["run"].items() if k != "config"}
    if run:
        click.echo()
        print_table(["field", "value"], [[k, _setting(v)] for k, v in run.items()],
                    title="how it was made")
    config = data["run"].get("config") or {}
    if isinstance(config, dict) and config:
        click.echo()
        print_table(["setting", "value"], [[k, _setting(v)] for k, v in sorted(config.items())],
                    title="settings (mamakg build --help says what each does)")


def _setting(value: Any) -> str:
    """A setting as a person writes it: text as is, anything else as JSON (true, null)."""
    return value if isinstance(value, str) else json.dumps(value, sort_keys=True)


def _fact_json(fact: Fact, iris: IRIs) -> dict[str, Any]:
    from mamakg.inspect.browse import marked_sentence

    first = fact.mentions[0] if fact.mentions else None
    return {"id": str(iris.fact(fact)), "head": fact.head.label, "head_qid": fact.head.qid,
            "relation": fact.relation.label, "relation_pid": fact.relation.pid,
            "tail": fact.tail.label, "tail_qid": fact.tail.qid, "status": fact.status.value,
            "score": fact.score, "support": fact.support,
            "document": first.doc_id if first else None,
            "sentence": first.sentence if first else None,
            "marked": marked_sentence(first) if first else None}


FACTS_EXAMPLES = """
\b
Examples:
  mamakg facts graph.ttl --limit 20
  mamakg facts graph.ttl --entity "Kofi Annan" --status open
  mamakg facts graph.ttl --relation P19 --min-score 0.1 --json
"""


@click.command("facts", cls=Command, epilog=FACTS_EXAMPLES)
@GRAPH
@click.option("--entity", default=None,
              help="Q-id, or text in the head's or tail's label or aliases.")
@click.option("--relation", default=None, help="P-id, or text in the relation's phrase.")
@click.option("--status", type=click.Choice(STATUSES), default=None,
              help="Mapping status: 'mapped' = relation, head and tail all in Wikidata "
                   "(entities are linked with 'build --kb'); 'partial' = some of them; "
                   "'unmapped' = none; 'open' = the relation is no Wikidata property.")
@click.option("--min-score", type=float, default=None, help="Lowest fact confidence shown.")
@click.option("--limit", type=click.IntRange(min=0), default=50, show_default=True,
              help="How many facts (best score first); 0 = all.")
@JSON
def facts_command(graph: str, entity: str | None, relation: str | None, status: str | None,
                  min_score: float | None, limit: int, as_json: bool) -> None:
    """Facts of GRAPH, best first, one row each under a header: id, confidence, support
    (sentences), mapping status, head, relation, P-id, tail and the document. Head and tail are
    the entities the graph holds (a pronoun resolved to whom it was taken to mean); `mamakg
    explain ID` shows the sentences as written. No fact matching the filters: a line on
    stderr, exit 1."""
    from mamakg.inspect.browse import require_entity, select_facts
    from mamakg.rdf.load import load_graph
    from mamakg.rdf.vocab import IRIs

    loaded = load_graph(graph)
    found = select_facts(loaded.facts, entity=entity, relation=relation, status=status,
                         min_score=min_score)
    if not found:
        if entity:
            require_entity(loaded.facts, entity, loaded.source)
        asked = " ".join(f"{flag} {value!r}" if isinstance(value, str) else f"{flag} {value}"
                         for flag, value in (("--entity", entity), ("--relation", relation),
                                             ("--status", status), ("--min-score", min_score))
                         if value is not None)
        if asked:
            hint = ""
            if status == "mapped" and not any(f.head.qid or f.tail.qid for f in loaded.facts):
                hint = ("; no entity of it is linked to a Wikidata item, which 'mapped' needs "
                        "(build with --kb to link them)")
            raise MamakgError(f"no fact matches {asked} in {loaded.source}{hint}")
    chosen = found[:limit] if limit else found
    if len(chosen) < len(found):
        say(f"{len(chosen):,} of {len(found):,} facts; --limit 0 for all")
    iris = IRIs(loaded.base)
    if as_json:
        print_json([_fact_json(f, iris) for f in chosen])
        return
    columns = ["id", "score", "support", "status", "head", "relation", "P-id", "tail",
               "document"]
    rows = [[_short(str(iris.fact(fact))), f"{fact.score:.4f}", fact.support,
             fact.status.value, _cut(fact.head.label),
             _cut(fact.relation.pid_label or fact.relation.label), fact.relation.pid or "-",
             _cut(fact.tail.label), fact.mentions[0].doc_id if fact.mentions else "-"]
            for fact in chosen]
    print_table(columns, rows)


def _cut(text: str, limit: int = 40) -> str:
    """A label on one line, cut to `limit` characters (--json has it whole)."""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[:limit - 1].rstrip() + "…"


@click.command("explain", cls=Command,
               epilog="\n\b\nExamples:\n  mamakg explain graph.ttl 68b512c3\n"
                               "  mamakg explain graph.ttl 68b5 --json")
@GRAPH
@click.argument("fact_id", metavar="FACT_ID_OR_PREFIX")
@JSON
def explain_command(graph: str, fact_id: str, as_json: bool) -> None:
    """Why one fact is in the graph: the property its relation maps to and why, and the
    attention path MAMA followed in each sentence that supports it."""
    from mamakg.inspect.browse import explain, find_fact
    from mamakg.rdf.load import load_graph

    loaded = load_graph(graph)
    data = explain(loaded, find_fact(loaded, fact_id))
    if as_json:
        print_json(data)
        return
    click.echo(f"fact {data['id']}")
    kinds = [f" [{k}]" if k else "" for k in (data["head_kind"], data["tail_kind"])]
    value = data["tail_value"]
    tail = data["tail"] + (f" = {value['value']} (xsd:{value['datatype']})"
                           if value and value["datatype"] != "string" else "")
    click.echo(f"  {data['head']}{kinds[0]} --{data['relation']}--> {tail}{kinds[1]}")
    for end in ("head", "tail"):
        if data[f"{end}_aliases"]:
            click.echo(f"  {data[end]} is also called {', '.join(data[f'{end}_aliases'])}")
    click.echo(f"  status      {data['status']} ({_STATUS_WORDS[data['status']]})")
    click.echo(f"  confidence  {data['score']:.4f}  graded from the mentions' scores and "
               "degrees, what head and tail are, the mapping score and the support")
    click.echo(f"  support     {data['support']}  how many sentences say it")
    mapping = data["mapping"]
    if mapping["pid"]:
        click.echo(f"  maps to     {mapping['pid']} ({mapping['label']}) by {mapping['method']}, "
                   f"mapping score {mapping['score']:.4f}")
        for item in mapping["evidence"]:
            click.echo(f"    {item['what']}: {item['detail']}")
    else:
        click.echo("  open relation: no property matched it well enough (--min-map-score)")
    for n, m in enumerate(data["mentions"], 1):
        kind = ", a reading derived by the Map stage" if m["derived"] else ""
        click.echo(f"\nmention {n}: {m['document']}, sentence {m['sentence_index']}{kind}")
        click.echo(f"  {m['marked']}")
        if m["score"] != m["degree"]:
            click.echo(f"  mention score    {m['score']:.4f}  its relation's tier "
                       "(--confidence tiered: 1 with a verb, 0.5 without)")
        click.echo(f"  matching degree  {m['degree']:.4f}  MAMA's score: the sum of the "
                   "attention weights along the path"
                   + (" it was read from" if m["derived"] else ""))
        if not m["path"]:
            click.echo("  (no path stored: " + ("a reading has none)" if m["derived"] else
                                               "the graph was built with --no-path)"))
            continue
        click.echo(f"  attention weights along the path (sum {m['path_sum']:.4f}):")
        rows = [[i, s["unit"], f"{s['weight']:.4f}"] for i, s in enumerate(m["path"])]
        print_table(["step", "unit", "weight"], rows)


_STATUS_WORDS = {"mapped": "head, relation and tail in Wikidata",
                 "partial": "some of head, relation and tail in Wikidata",
                 "unmapped": "none in Wikidata: open schema"}


QUERY_EXAMPLES = """
\b
Examples:
  mamakg query graph.ttl 'SELECT ?s ?o WHERE { ?s <http://www.wikidata.org/prop/direct/P19> ?o }'
  mamakg query graph-store/ 'SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }' --csv
  mamakg query graph.ttl 'CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o } LIMIT 10' --format nt
"""


@click.command("query", cls=Command, epilog=QUERY_EXAMPLES)
@GRAPH
@click.argument("sparql")
@JSON
@click.option("--csv", "as_csv", is_flag=True, help="Print CSV with a header line.")
@click.option("-f", "--format", "rdf_format", type=click.Choice(RDF_FORMATS),
              default=None, help="CONSTRUCT and DESCRIBE: print the RDF in this format "
                                 "[default: ttl].")
def query_command(graph: str, sparql: str, as_json: bool, as_csv: bool,
                  rdf_format: str | None) -> None:
    """Run a SPARQL query on GRAPH; '-' reads the query from stdin. SELECT and ASK print a
    table (or --json, --csv); CONSTRUCT and DESCRIBE print RDF (Turtle, or --format; --json
    and --csv give their triples as a table)."""
    if sum((as_json, as_csv, rdf_format is not None)) > 1:
        raise UsageError("choose one of --json, --csv and --format")
    from mamakg.inspect.browse import run_query

    if sparql == "-":
        sparql = sys.stdin.read()
    result = run_query(graph, sparql)
    if result.graph is not None and not (as_json or as_csv):
        click.echo(result.serialize(rdf_format or "ttl"), nl=False)
        return
    if rdf_format is not None:
        result.serialize(rdf_format)  # a SELECT or ASK result: says what to use instead
    if as_json:
        print_json({"columns": list(result.columns), "rows": [list(r) for r in result.rows]})
        return
    if as_csv:
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(result.columns)
        writer.writerows(["" if v is None else v for v in row] for row in result.rows)
        click.echo(out.getvalue(), nl=False)
        return
    print_table(list(result.columns), [list(r) for r in result.rows])


EXPORT_EXAMPLES = """
\b
Examples:
  mamakg export graph.ttl --to trig -o graph.trig
  mamakg export graph.ttl --to neo4j-csv -o neo4j-import/
  mamakg export graph.ttl --to cypher -o graph.cypher      # then: cypher-shell -f graph.cypher
  mamakg export graph.ttl --to cypher-json --dialect ladybug -o graph.cypher.jsonl
  mamakg export graph.jsonl --to oxigraph graph-store/
"""


@click.command("export", cls=Command, epilog=EXPORT_EXAMPLES)
@GRAPH
@click.argument("out_arg", metavar="[OUT]", required=False)
@click.option("--to", "fmt", required=True,
              type=click.Choice(list(EXPORT_FORMATS)),
              help="Target format.")
@click.option("-o", "--output", default=None,
              help="Output file or folder (neo4j-csv, oxigraph); '-' = stdout.")
@click.option("--force", is_flag=True, help="Overwrite an existing output.")
@click.option("--dialect", type=click.Choice(list(DIALECTS)), default="neo4j",
              show_default=True, help="Schema statements of the cypher exports.")
@click.option("--batch-size", type=click.IntRange(min=1), default=500, show_default=True,
              help="Rows per UNWIND statement (cypher, cypher-json).")
@JSON_REPORT
def export_command(graph: str, out_arg: str | None, fmt: str,
                   output: str | None, force: bool, dialect: str, batch_size: int,
                   as_json: bool) -> None:
    """Convert GRAPH into another format or an Oxigraph store folder: nt, ttl, jsonld,
    graphml, jsonl (what build writes), trig (provenance in a named graph per fact),
    neo4j-csv (a folder for neo4j-admin import), cypher (a script cypher-shell -f runs),
    cypher-json (the same statements with parameters, for a driver), oxigraph."""
    from mamakg.inspect.export import export_graph
    from mamakg.output import check_output
    from mamakg.rdf.load import load_graph

    if out_arg and output and out_arg != output:
        raise UsageError("give the output once: either OUT or -o OUT")
    path = out_arg or output
    if path is None:
        raise UsageError("give an output: -o OUT ('-' for stdout)")
    folder = fmt in ("neo4j-csv", "oxigraph")  # export_graph checks what a folder holds
    check_output(path, force=force or folder, folder=folder)  # before the graph is read
    loaded = load_graph(graph)
    export_graph(loaded, fmt, path, force=force, dialect=dialect, batch_size=batch_size)
    report = {"format": fmt, "output": path, "n_facts": len(loaded.facts)}
    if as_json and path != "-":
        print_json(report)
    elif path != "-":
        say(f"wrote {path} ({fmt}, {len(loaded.facts)} facts)")


PUSH_EXAMPLES = """
\b
Examples:
  mamakg push graph.ttl --sparql http://127.0.0.1:7878/store --graph https://example.org/kg
  mamakg push new.ttl --sparql http://127.0.0.1:7878/store --graph https://example.org/kg --replace
  NEO4J_USER=neo4j NEO4J_PASSWORD=secret mamakg push graph.ttl --neo4j bolt://localhost:7687
"""


@click.command("push", cls=Command, epilog=PUSH_EXAMPLES)
@GRAPH
@click.option("--sparql", default=None, help="SPARQL Graph Store Protocol endpoint URL.")
@click.option("--graph", "graph_iri", default=None,
              help="Named graph IRI for --sparql (default: the default graph).")
@click.option("--neo4j", default=None, help="Neo4j URI (bolt://, neo4j://); user and password "
                                            "from NEO4J_USER and NEO4J_PASSWORD.")
@click.option("--database", default=None, help="Neo4j database (default: the server's).")
@click.option("--batch-size", type=click.IntRange(min=1), default=None,
              help="Triples per request (SPARQL, 5000) or rows per statement (Neo4j, 500).")
@click.option("--replace", is_flag=True,
              help="With --sparql: replace what the graph (--graph, or the default graph) "
                   "holds, in one PUT request; without it, triples are added.")
@JSON_REPORT
def push_command(graph: str, sparql: str | None, graph_iri: str | None,
                 neo4j: str | None, database: str | None, batch_size: int | None,
                 replace: bool, as_json: bool) -> None:
    """Send GRAPH to a running SPARQL store (added to a named graph or the default graph, or
    replacing it with --replace) or Neo4j database (merged: pushing again adds and updates
    nodes and relationships, never deletes)."""
    from mamakg.inspect.push import push_neo4j, push_sparql

    if (sparql is None) == (neo4j is None):
        raise UsageError("give exactly one target: --sparql URL or --neo4j URI")
    if graph_iri and not sparql:
        raise UsageError("--graph goes with --sparql")
    if replace and not sparql:
        raise UsageError("--replace goes with --sparql: a Neo4j database has no graph to "
                         "replace; mamakg merges into it (to start over, delete its :Entity "
                         "nodes first)")
    if replace and batch_size:
        raise UsageError("--replace sends one request: drop --batch-size")
    from mamakg.rdf.load import load_graph

    loaded = load_graph(graph)
    if sparql:
        n = push_sparql(loaded, sparql, graph_iri=graph_iri, batch_size=batch_size or 5000,
                        replace=replace)
        report = {"target": sparql, "graph": graph_iri, "n_triples": n, "replaced": replace}
        message = (f"{'replaced' if replace else 'added to'} "
                   f"{'graph ' + graph_iri if graph_iri else 'the default graph'} at {sparql}: "
                   f"{n} triples sent")
    else:
        assert neo4j is not None
        n = push_neo4j(loaded, neo4j, batch_size=batch_size or 500, database=database)
        report = {"target": neo4j, "n_statements": n, "n_facts": len(loaded.facts)}
        message = f"ran {n} statements on {neo4j} ({len(loaded.facts)} facts)"
    if as_json:
        print_json(report)
    else:
        say(message)


VIEW_EXAMPLES = """
\b
Examples:
  mamakg view graph.ttl -o graph.html
  mamakg view graph.ttl -o curie.html --entity "Marie Curie" --hops 2
  mamakg view graph-store/ -o top100.html --max-facts 100
"""


@click.command("view", cls=Command, epilog=VIEW_EXAMPLES)
@GRAPH
@click.option("-o", "--output", required=True, help="The HTML file; '-' writes to stdout.")
@click.option("--entity", default=None,
              help="Draw the neighbourhood of this entity: a Q-id, a label, or text in one.")
@click.option("--hops", type=click.IntRange(min=1), default=1, show_default=True,
              help="With --entity: how many steps out from it.")
@click.option("--max-facts", type=click.IntRange(min=1), default=60, show_default=True,
              help="Draw at most this many facts.")
@click.option("--force", is_flag=True, help="Overwrite an existing output file.")
def view_command(graph: str, output: str, entity: str | None, hops: int, max_facts: int,
                 force: bool) -> None:
    """Write GRAPH as one self-contained HTML page (no network needed) that draws its most
    informative part: the best-connected entities with their facts, or with --entity one
    entity's neighbourhood. Hover an entity to light up its facts, click it or a relation for
    details and the sentence; drag to move, scroll to zoom."""
    from mamakg.inspect.view import render_html
    from mamakg.output import atomic_output, check_output
    from mamakg.rdf.load import load_graph

    check_output(output, force=force)
    page = render_html(load_graph(graph), max_facts=max_facts, entity=entity, hops=hops)
    with atomic_output(output, force=force) as handle:
        handle.write(page.encode("utf-8"))
    if output != "-":
        say(f"wrote {output}")
