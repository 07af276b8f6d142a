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
from typing import Any

import click

from mamakg.cli.common import Command, json_option, print_json, print_table, rich_console, say
from mamakg.errors import UsageError
from mamakg.inspect.browse import (
    FACT_STATUSES,
    explain,
    find_fact,
    marked_sentence,
    run_query,
    select_facts,
    summarize,
)
from mamakg.rdf.load import LoadedGraph, load_graph
from mamakg.rdf.vocab import IRIs
from mamakg.types import Fact

__all__ = ["explain_command", "export_command", "facts_command", "push_command",
           "query_command", "show_command", "view_command"]

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
    data = summarize(load_graph(graph), top=top)
    if as_json:
        print_json(data)
        return
    status = data["status"]
    counts = [["entities", data["n_entities"]], ["relations", data["n_relations"]],
              ["facts", data["n_facts"]], ["mentions", data["n_mentions"]],
              ["mapped", status["mapped"]], ["partial", status["partial"]],
              ["unmapped", status["unmapped"]], ["open relations", data["n_open_relations"]]]
    run = [[k, json.dumps(v, sort_keys=True) if isinstance(v, dict) else v]
           for k, v in data["run"].items()]
    print_table(["count", "n"], counts, title=f"{data['source']} ({data['format']})")
    for title, rows in (("top relations", data["top_relations"]),
                        ("top entities", data["top_entities"])):
        click.echo()
        print_table(["support", "label", "iri"],
                    [[r["support"], r["label"], r["iri"]] for r in rows],
                    title=title + " by support")
    if run:
        click.echo()
        print_table(["field", "value"], run, title="how it was made")


def _fact_json(fact: Fact, iris: IRIs) -> dict[str, Any]:
    first = fact.mentions[0] if fact.mentions else None
    return {"id": str(iris.fact(fact)), "head": fact.head.label, "head_qid": fact.head.qid,
            "relation": fact.relation.label, "relation_pid": fact.relation.pid,
            "tail": fact.tail.label, "tail_qid": fact.tail.qid, "status": fact.status.value,
            "score": fact.score, "support": fact.support,
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
@click.option("--entity", default=None, help="Q-id, or text in the head's or tail's label.")
@click.option("--relation", default=None, help="P-id, or text in the relation's phrase.")
@click.option("--status", type=click.Choice(FACT_STATUSES), default=None,
              help="Mapping status; 'open' = the relation is no Wikidata property.")
@click.option("--min-score", type=float, default=None, help="Lowest matching degree shown.")
@click.option("--limit", type=click.IntRange(min=0), default=50, show_default=True,
              help="How many facts (best score first); 0 = all.")
@JSON
def facts_command(graph: str, entity: str | None, relation: str | None, status: str | None,
                  min_score: float | None, limit: int, as_json: bool) -> None:
    """Facts of GRAPH, best score first, with the sentence that supports each: head and tail
    in [brackets], the relation in {braces}."""
    loaded = load_graph(graph)
    chosen = select_facts(loaded.facts, entity=entity, relation=relation, status=status,
                          min_score=min_score, limit=limit or None)
    iris = IRIs(loaded.base)
    if as_json:
        print_json([_fact_json(f, iris) for f in chosen])
        return
    console = rich_console()
    if console is not None:
        from rich.table import Table

        table = Table(title=f"{len(chosen)} facts")
        for name in ("id", "score", "support", "status", "sentence"):
            table.add_column(name, overflow="fold")
        for fact in chosen:
            table.add_row(_short(str(iris.fact(fact))), f"{fact.score:.4f}", str(fact.support),
                          fact.status.value, _styled(fact.mentions[0]) if fact.mentions else "")
        console.print(table)
        return
    for fact in chosen:
        first = fact.mentions[0] if fact.mentions else None
        click.echo(f"{_short(str(iris.fact(fact)))}  {fact.score:.4f}  {fact.support}  "
                   f"{fact.status.value}  {marked_sentence(first) if first else ''}")


def _styled(mention: Any) -> Any:
    """The sentence as rich Text with head and tail in cyan, the relation in magenta."""
    from rich.text import Text

    text = Text(mention.sentence)
    for span, style in ((mention.head, "bold cyan"), (mention.relation, "bold magenta"),
                        (mention.tail, "bold cyan")):
        text.stylize(style, span.start, span.end)
    return text


@click.command("explain", cls=Command,
               epilog="\n\b\nExamples:\n  mamakg explain graph.ttl 68b512c3\n"
                               "  mamakg explain graph.ttl 68b5 --json")
@GRAPH
@click.argument("fact_id", metavar="FACT_ID_OR_PREFIX")
@JSON
def explain_command(graph: str, fact_id: str, as_json: bool) -> None:
    """Why one fact is in the graph: the property its relation maps to and why, and the
    attention path MAMA followed in each sentence that supports it."""
    loaded = load_graph(graph)
    data = explain(loaded, find_fact(loaded, fact_id))
    if as_json:
        print_json(data)
        return
    click.echo(f"fact {data['id']} ({data['status']})  confidence {data['score']:.6f}  "
               f"support {data['support']}")
    kinds = [f" [{k}]" if k else "" for k in (data["head_kind"], data["tail_kind"])]
    value = data["tail_value"]
    tail = data["tail"] + (f" = {value['value']} (xsd:{value['datatype']})"
                           if value and value["datatype"] != "string" else "")
    click.echo(f"  {data['head']}{kinds[0]} --{data['relation']}--> {tail}{kinds[1]}")
    mapping = data["mapping"]
    if mapping["pid"]:
        click.echo(f"  maps to {mapping['pid']} ({mapping['label']}) by {mapping['method']}, "
                   f"score {mapping['score']:.4f}")
        for item in mapping["evidence"]:
            click.echo(f"    {item['what']}: {item['detail']}")
    else:
        click.echo("  open relation: no property matched it well enough (--min-map-score)")
    for n, m in enumerate(data["mentions"], 1):
        kind = " (a reading between named entities)" if m["derived"] else ""
        click.echo(f"\nmention {n}: {m['document']} sentence {m['sentence_index']}  "
                   f"score {m['score']:.6f}{kind}")
        click.echo(f"  {m['marked']}")
        if not m["path"]:
            click.echo("  (no path stored: " + ("a reading has none)" if m["derived"] else
                                               "the graph was built with --no-path)"))
            continue
        rows = [[i, s["unit"], f"{s['weight']:.6f}"] for i, s in enumerate(m["path"])]
        print_table(["step", "unit", "weight"], rows)


QUERY_EXAMPLES = """
\b
Examples:
  mamakg query graph.ttl 'SELECT ?s ?o WHERE { ?s <http://www.wikidata.org/prop/direct/P19> ?o }'
  mamakg query graph-store/ 'SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }' --csv
"""


@click.command("query", cls=Command, epilog=QUERY_EXAMPLES)
@GRAPH
@click.argument("sparql")
@JSON
@click.option("--csv", "as_csv", is_flag=True, help="Print CSV with a header line.")
def query_command(graph: str, sparql: str, as_json: bool, as_csv: bool) -> None:
    """Run a SPARQL query (SELECT, ASK, CONSTRUCT) on GRAPH; '-' reads the query from stdin."""
    if as_json and as_csv:
        raise UsageError("choose one of --json and --csv")
    if sparql == "-":
        sparql = sys.stdin.read()
    result = run_query(graph, sparql)
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
  mamakg export graph.ttl --to cypher --dialect ladybug -o graph.cypher.jsonl
  mamakg export graph.jsonl --to oxigraph graph-store/
"""


@click.command("export", cls=Command, epilog=EXPORT_EXAMPLES)
@GRAPH
@click.argument("out_arg", metavar="[OUT]", required=False)
@click.option("--to", "fmt", required=True,
              type=click.Choice(["nt", "ttl", "jsonld", "trig", "graphml", "jsonl",
                                 "neo4j-csv", "cypher", "oxigraph"]),
              help="Target format.")
@click.option("-o", "--output", default=None,
              help="Output file or folder (neo4j-csv, oxigraph); '-' = stdout.")
@click.option("--force", is_flag=True, help="Overwrite an existing output.")
@click.option("--dialect", type=click.Choice(["neo4j", "ladybug"]), default="neo4j",
              show_default=True, help="Schema statements of the cypher export.")
@click.option("--batch-size", type=click.IntRange(min=1), default=500, show_default=True,
              help="Rows per UNWIND statement (cypher).")
@JSON_REPORT
def export_command(graph: str, out_arg: str | None, fmt: str,
                   output: str | None, force: bool, dialect: str, batch_size: int,
                   as_json: bool) -> None:
    """Convert GRAPH into another format or an Oxigraph store folder."""
    from mamakg.inspect.export import export_graph

    if out_arg and output and out_arg != output:
        raise UsageError("give the output once: either OUT or -o OUT")
    path = out_arg or output
    if path is None:
        raise UsageError("give an output: -o OUT ('-' for stdout)")
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
@JSON_REPORT
def push_command(graph: str, sparql: str | None, graph_iri: str | None,
                 neo4j: str | None, database: str | None, batch_size: int | None,
                 as_json: bool) -> None:
    """Send GRAPH to a running SPARQL store or Neo4j database."""
    from mamakg.inspect.push import push_neo4j, push_sparql

    if (sparql is None) == (neo4j is None):
        raise UsageError("give exactly one target: --sparql URL or --neo4j URI")
    if graph_iri and not sparql:
        raise UsageError("--graph goes with --sparql")
    loaded: LoadedGraph = load_graph(graph)
    if sparql:
        n = push_sparql(loaded, sparql, graph_iri=graph_iri, batch_size=batch_size or 5000)
        report = {"target": sparql, "graph": graph_iri, "n_triples": n}
        message = f"sent {n} triples to {sparql}"
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
  mamakg view graph-store/ -o top50.html --max-facts 50
"""


@click.command("view", cls=Command, epilog=VIEW_EXAMPLES)
@GRAPH
@click.option("-o", "--output", required=True, help="The HTML file; '-' writes to stdout.")
@click.option("--max-facts", type=click.IntRange(min=1), default=500, show_default=True,
              help="Draw the best facts by score, at most this many.")
@click.option("--force", is_flag=True, help="Overwrite an existing output file.")
def view_command(graph: str, output: str, max_facts: int,
                 force: bool) -> None:
    """Write GRAPH as one self-contained HTML page (no network needed) that draws it:
    click an entity for its facts, a fact for its sentence."""
    from mamakg.inspect.view import render_html
    from mamakg.output import atomic_output

    page = render_html(load_graph(graph), max_facts=max_facts)
    with atomic_output(output, force=force) as handle:
        handle.write(page.encode("utf-8"))
    if output != "-":
        say(f"wrote {output}")
