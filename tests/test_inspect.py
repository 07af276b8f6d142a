"""Reading graphs back (mamakg.rdf.load) and looking inside them (show, facts, explain, query)."""

from __future__ import annotations

import csv
import io
import json

import pytest
from click.testing import CliRunner

from mamakg.cli import cli
from mamakg.config import OutputFormat
from mamakg.errors import MamakgError, UsageError
from mamakg.inspect.browse import find_fact, marked_sentence, run_query, select_facts, summarize
from mamakg.rdf.load import LoadedGraph, facts_from_rdf, load_graph, source_format
from mamakg.rdf.writers import render
from mamakg.types import Entity, Relation

from graph_samples import BASE, MANIFEST, rounded, sample_facts

FORMATS = ["ttl", "nt", "jsonld", "jsonl"]


def write_build(tmp_path, facts, fmt, manifest=MANIFEST, base=BASE):
    """What `mamakg build` writes for these facts, in `fmt`."""
    path = tmp_path / f"g.{fmt}"
    path.write_bytes(render(facts, manifest, OutputFormat(fmt), base))
    return path


@pytest.fixture(scope="module")
def runner():
    return CliRunner()


@pytest.fixture
def graph_path(tmp_path):
    return write_build(tmp_path, sample_facts(), "jsonld")


def invoke(runner, *args):
    return runner.invoke(cli, [str(a) for a in args])


# -- load ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("fmt", ["ttl", "nt", "jsonld", "jsonl", "graphml"])
def test_build_output_loads_back_to_the_same_facts(tmp_path, fmt):
    facts = sample_facts()
    loaded = load_graph(str(write_build(tmp_path, facts, fmt)))
    assert loaded.facts == facts
    assert loaded.base == BASE
    assert loaded.run == (None if fmt == "jsonl" else MANIFEST)


def test_nt_build_output_without_line_breaks_loads_back(tmp_path):
    facts = [f for f in sample_facts() if "\n" not in f.mentions[0].sentence]
    assert load_graph(str(write_build(tmp_path, facts, "nt"))).facts == facts


def test_turtle_key_ending_in_a_dot(tmp_path):
    facts = sample_facts()
    first = facts[0]
    odd = type(first)(Entity("ph.d.", "Ph.D."), first.relation, first.tail, first.score,
                      first.support, first.mentions)
    assert load_graph(str(write_build(tmp_path, [odd], "ttl"))).facts[0].head.key == "ph.d."


@pytest.mark.real_model
def test_a_real_build_loads_back_from_every_format(tmp_path, demo_result):
    facts = demo_result.facts
    assert facts
    for fmt in ("ttl", "jsonld", "jsonl", "nt", "graphml"):
        loaded = load_graph(str(write_build(tmp_path, facts, fmt, demo_result.run)))
        assert rounded(loaded.facts) == rounded(facts), fmt


def test_shared_qid_keeps_each_keys_label_and_the_highest_link_score(tmp_path):
    facts = sample_facts()
    bob, dylan = facts[0], facts[1]
    assert bob.head.qid == dylan.head.qid
    changed = [type(dylan)(Entity("dylan", "Dylan", "Q392", 0.25), dylan.relation, dylan.tail,
                           dylan.score, dylan.support, dylan.mentions), bob]
    loaded = load_graph(str(write_build(tmp_path, changed, "jsonld")))
    heads = {f.head.key: f.head for f in loaded.facts}
    assert heads["dylan"].label == "Dylan" and heads["bob dylan"].label == "Bob Dylan"
    assert heads["dylan"].link_score == 0.875


def test_mentions_come_back_in_natural_document_order(tmp_path):
    loaded = load_graph(str(write_build(tmp_path, sample_facts(), "ttl")))
    bob = next(f for f in loaded.facts if f.head.key == "bob dylan")
    assert [m.doc_id for m in bob.mentions] == ["t.txt:2", "t.txt:10"]


def test_load_errors_are_one_line(tmp_path):
    with pytest.raises(MamakgError, match="no such file"):
        load_graph(str(tmp_path / "missing.ttl"))
    bad = tmp_path / "bad.ttl"
    bad.write_text("this is not turtle", encoding="utf-8")
    with pytest.raises(MamakgError, match="not valid ttl") as err:
        load_graph(str(bad))
    assert "\n" not in str(err.value)
    whole = write_build(tmp_path, sample_facts(), "ttl").read_text(encoding="utf-8")
    cut = tmp_path / "cut.ttl"  # an interrupted copy: rdflib's own message quoted the top
    cut.write_text(whole[:whole.index("<http", len(whole) // 2) + 5], encoding="utf-8")
    with pytest.raises(MamakgError, match=r"^.*cut.ttl is not valid ttl: it ends inside a "
                                          r"statement \(.*\): is the file cut short\?$"):
        load_graph(str(cut))
    lines = whole.splitlines()
    broken_at = next(i for i, line in enumerate(lines) if line.rstrip().endswith(" ."))
    lines[broken_at] = lines[broken_at].rstrip()[:-2]  # a statement without its full stop
    edited = tmp_path / "edited.ttl"
    edited.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(MamakgError) as err:
        load_graph(str(edited))
    message = str(err.value)
    assert f"edited.ttl is not valid ttl: line {broken_at + 2}: " in message, message
    assert repr(lines[broken_at + 1].strip()[:80]) in message and len(message) < 300
    other = tmp_path / "g.csv"
    other.write_text("a,b\n", encoding="utf-8")
    with pytest.raises(MamakgError, match="unknown graph format"):
        source_format(str(other))
    broken = tmp_path / "g.jsonl"
    broken.write_text('{"id": 1}\n', encoding="utf-8")
    with pytest.raises(MamakgError, match="g.jsonl:1"):
        load_graph(str(broken))


def test_an_empty_graph_loads(tmp_path):
    loaded = load_graph(str(write_build(tmp_path, [], "ttl")))
    assert loaded.facts == [] and loaded.run == MANIFEST
    assert facts_from_rdf(loaded.rdf)[0] == []


# -- browse -------------------------------------------------------------------------------------

def test_summary_counts():
    graph = LoadedGraph(sample_facts(), MANIFEST, BASE, "mem", "mem")
    data = summarize(graph, top=2)
    assert data["n_facts"] == 3 and data["n_mentions"] == 4
    # Bob Dylan and Dylan share wd:Q392: 5 entity nodes for 6 ends
    assert data["n_entities"] == 5 and data["n_relations"] == 3
    assert data["status"] == {"mapped": 1, "partial": 1, "unmapped": 1}
    assert data["n_open_relations"] == 2
    assert data["top_relations"][0] == {"iri": "http://www.wikidata.org/prop/direct/P19",
                                        "label": "place of birth", "support": 2}
    assert data["top_entities"][0]["iri"] == "http://www.wikidata.org/entity/Q392"
    assert data["top_entities"][0]["support"] == 3
    assert len(data["top_entities"]) == 2


@pytest.mark.parametrize("options,heads", [
    ({}, ["bob dylan", "dylan", 'he say "hi" \\ <x> {y}']),
    ({"entity": "Q392"}, ["bob dylan", "dylan"]),
    ({"entity": "duluth"}, ["bob dylan"]),
    ({"entity": "zenith city"}, ["bob dylan"]),  # another name the text gave Duluth
    ({"entity": "CAFÉ"}, ['he say "hi" \\ <x> {y}']),
    ({"relation": "P19"}, ["bob dylan"]),
    ({"relation": "wrote"}, ["dylan"]),
    ({"relation": "place of"}, ["bob dylan"]),
    ({"status": "mapped"}, ["bob dylan"]),
    ({"status": "partial"}, ["dylan"]),
    ({"status": "open"}, ["dylan", 'he say "hi" \\ <x> {y}']),
    ({"min_score": 0.3}, ["bob dylan"]),
    ({"limit": 1}, ["bob dylan"]),
])
def test_select_facts(options, heads):
    assert [f.head.key for f in select_facts(sample_facts(), **options)] == heads


def test_select_facts_rejects_bad_options():
    with pytest.raises(UsageError, match="unknown status"):
        select_facts(sample_facts(), status="linked")


def test_marked_sentence_brackets_head_relation_tail():
    m = sample_facts()[0].mentions[0]
    assert marked_sentence(m) == "[Bob Dylan] {was born in} [Duluth]."


def test_find_fact_by_prefix():
    graph = LoadedGraph(sample_facts(), MANIFEST, BASE, "mem", "mem")
    from mamakg.rdf.vocab import IRIs

    iri = str(IRIs(BASE).fact(graph.facts[1]))
    assert find_fact(graph, iri) is graph.facts[1]
    assert find_fact(graph, iri.rsplit("/", 1)[1][:6]) is graph.facts[1]
    with pytest.raises(MamakgError, match="no fact id"):
        find_fact(graph, "zzzz")
    with pytest.raises(UsageError, match="matches 3 facts"):
        find_fact(graph, BASE)


def test_run_query_select_ask_construct(graph_path):
    rows = run_query(str(graph_path), "SELECT ?l WHERE { ?f a <https://w3id.org/mamakg/ns#Fact> ;"
                     " <https://w3id.org/mamakg/ns#relationPhrase> ?l } ORDER BY ?l")
    assert rows.columns == ("l",)
    assert [r[0] for r in rows.rows] == ["$rows ]->( ?x", "was born in", "wrote"]
    ask = run_query(str(graph_path), "ASK { ?s ?p ?o }")
    assert ask.rows == [("true",)]
    triples = run_query(str(graph_path), "CONSTRUCT { ?s ?p ?o } WHERE { ?s "
                        "<http://www.wikidata.org/prop/direct/P19> ?o . BIND("
                        "<http://www.wikidata.org/prop/direct/P19> AS ?p) }")
    assert triples.rows == [("http://www.wikidata.org/entity/Q392",
                             "http://www.wikidata.org/prop/direct/P19",
                             "http://www.wikidata.org/entity/Q485708")]
    with pytest.raises(UsageError, match="bad SPARQL"):
        run_query(str(graph_path), "SELECT WHERE {")


CONSTRUCT = ("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o . FILTER(?p = "
             "<http://www.wikidata.org/prop/direct/P19> || ?p = "
             "<https://w3id.org/mamakg/ns#relationPhrase>) }")


@pytest.mark.parametrize("fmt,parser", [(None, "turtle"), ("ttl", "turtle"), ("nt", "nt"),
                                        ("jsonld", "json-ld")])
def test_construct_prints_rdf(runner, graph_path, fmt, parser):
    from rdflib import Graph
    from rdflib.compare import isomorphic

    result = invoke(runner, "query", graph_path, CONSTRUCT, *(["--format", fmt] if fmt else []))
    assert result.exit_code == 0, result.output
    printed = Graph().parse(data=result.stdout, format=parser)
    expected = run_query(str(graph_path), CONSTRUCT).graph
    assert len(printed) == 4 and isomorphic(printed, expected)
    if parser == "turtle":
        assert "@prefix wdt: <http://www.wikidata.org/prop/direct/>" in result.stdout
    if fmt == "nt":
        assert result.stdout.splitlines() == sorted(result.stdout.splitlines())
    table = invoke(runner, "query", graph_path, CONSTRUCT, "--csv")
    assert table.stdout.splitlines()[0] == "subject,predicate,object"


def test_describe_prints_rdf_and_format_is_refused_for_select(runner, graph_path):
    from rdflib import Graph

    described = invoke(runner, "query", graph_path,
                       "DESCRIBE <http://www.wikidata.org/entity/Q485708>")
    assert described.exit_code == 0, described.output
    assert len(Graph().parse(data=described.stdout, format="turtle")) > 0
    select = invoke(runner, "query", graph_path, "SELECT ?s WHERE { ?s ?p ?o }", "-f", "nt")
    assert select.exit_code == 2 and "--format is for CONSTRUCT and DESCRIBE" in select.stderr
    both = invoke(runner, "query", graph_path, CONSTRUCT, "--json", "--format", "nt")
    assert both.exit_code == 2 and "choose one of" in both.stderr


def test_construct_on_a_store_prints_rdf(runner, tmp_path):
    pytest.importorskip("pyoxigraph")
    from rdflib import Graph

    from mamakg.inspect.export import export_graph

    store = tmp_path / "store"
    export_graph(LoadedGraph(sample_facts(), MANIFEST, BASE, "mem", "mem"), "oxigraph",
                 str(store))
    result = invoke(runner, "query", store, CONSTRUCT, "--format", "nt")
    assert result.exit_code == 0, result.output
    assert len(Graph().parse(data=result.stdout, format="nt")) == 4


def test_run_query_on_jsonl(tmp_path):
    path = write_build(tmp_path, sample_facts(), "jsonl")
    result = run_query(str(path), "SELECT (COUNT(?f) AS ?n) WHERE "
                       "{ ?f a <https://w3id.org/mamakg/ns#Fact> }")
    assert result.rows == [("3",)]


# -- the commands -------------------------------------------------------------------------------

def test_show(runner, graph_path):
    result = invoke(runner, "show", graph_path)
    assert result.exit_code == 0, result.output
    assert "entities" in result.output and "place of birth" in result.output
    assert "model" in result.output and "tiny" in result.output
    data = json.loads(invoke(runner, "show", graph_path, "--json").output)
    assert data["n_facts"] == 3 and data["run"] == MANIFEST.to_dict()


def test_facts_plain_and_json(runner, graph_path):
    result = invoke(runner, "facts", graph_path, "--entity", "Q392")
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert len(lines) == 3  # a header row, then one row per fact
    assert lines[0].split() == ["id", "score", "support", "status", "head", "relation", "P-id",
                                "tail", "document"]
    assert lines[1].split()[3:] == ["mapped", "Bob", "Dylan", "place", "of", "birth", "P19",
                                    "Duluth", "t.txt:2"]
    data = json.loads(invoke(runner, "facts", graph_path, "--status", "open", "--json").output)
    assert [d["relation"] for d in data] == ["wrote", "$rows ]->( ?x"]
    assert data[1]["marked"].startswith('[He said "hi" \\ <x> {y}] {$rows ]->( ?x} [Café')
    limited = invoke(runner, "facts", graph_path, "--limit", "1", "--min-score", "0.1")
    assert len(limited.stdout.splitlines()) == 2
    assert limited.stderr == "mamakg: 1 of 2 facts; --limit 0 for all\n"
    everything = invoke(runner, "facts", graph_path, "--limit", "0")
    assert len(everything.stdout.splitlines()) == 4 and everything.stderr == ""
    bad = invoke(runner, "facts", graph_path, "--status", "linked")
    assert bad.exit_code == 2


def test_facts_show_the_pid_and_the_document(runner, graph_path):
    lines = invoke(runner, "facts", graph_path).stdout.splitlines()
    header = lines[0]
    at = {name: header.index(name) for name in ("P-id", "tail", "document")}
    assert [(line[at["P-id"]:at["tail"]].strip(), line[at["document"]:]) for line in lines[1:]] \
        == [("P19", "t.txt:2"), ("-", "t.txt:3"), ("-", "ü.txt:1")]
    data = json.loads(invoke(runner, "facts", graph_path, "--json").stdout)
    assert [(d["relation_pid"], d["document"]) for d in data] == [
        ("P19", "t.txt:2"), (None, "t.txt:3"), (None, "ü.txt:1")]


def test_show_facts_and_query_read_graphml(runner, tmp_path):
    path = write_build(tmp_path, sample_facts(), "graphml")
    data = json.loads(invoke(runner, "show", path, "--json").stdout)
    assert data["format"] == "graphml" and data["n_facts"] == 3 and data["n_mentions"] == 4
    assert data["run"] == MANIFEST.to_dict()
    facts = invoke(runner, "facts", path, "--relation", "P19")
    assert facts.exit_code == 0 and facts.stdout.splitlines()[1].split()[4:] == [
        "Bob", "Dylan", "place", "of", "birth", "P19", "Duluth", "t.txt:2"]
    query = invoke(runner, "query", path, "SELECT (COUNT(?f) AS ?n) WHERE "
                   "{ ?f a <https://w3id.org/mamakg/ns#Fact> }", "--csv")
    assert query.stdout == "n\n3\n"


def test_a_carb_file_is_refused_in_one_line(runner, tmp_path):
    carb = tmp_path / "g.tsv"
    carb.write_text("Bob Dylan was born in Duluth.\t0.5\twas born in\tBob Dylan\tDuluth\n")
    for command in ("show", "facts"):
        result = invoke(runner, command, carb)
        assert result.exit_code == 2 and result.stdout == ""
        assert result.stderr.count("\n") == 1
        assert "a CaRB file holds only the strings an Open IE scorer compares" in result.stderr
        assert "-o graph.jsonl" in result.stderr


def test_an_old_graphml_without_records_is_refused_in_one_line(tmp_path):
    import networkx as nx

    from mamakg.rdf.graph import to_networkx

    g = to_networkx(sample_facts(), MANIFEST, BASE)
    for *_, data in g.edges(keys=True, data=True):
        del data["record"]
    path = tmp_path / "old.graphml"
    nx.write_graphml(g, path)
    with pytest.raises(MamakgError, match="old.graphml: its facts carry no record") as err:
        load_graph(str(path))
    assert "\n" not in str(err.value)


def test_explain(runner, graph_path):
    graph = load_graph(str(graph_path))
    from mamakg.rdf.vocab import IRIs

    fact_id = str(IRIs(BASE).fact(graph.facts[0])).rsplit("/", 1)[1]
    result = invoke(runner, "explain", graph_path, fact_id[:8])
    assert result.exit_code == 0, result.output
    assert "Bob Dylan --was born in--> Duluth" in result.output
    # each number says what it is: the fact's confidence, a mention's matching degree and
    # the attention weights that sum to it
    assert "confidence  0.5000  graded from the mentions' scores" in result.output
    assert "matching degree  0.3750  MAMA's score: the sum of the attention weights along " \
        "the path" in result.output
    assert "attention weights along the path (sum 0.3750):" in result.output
    assert "was born in  0.1875" in result.output
    data = json.loads(invoke(runner, "explain", graph_path, fact_id, "--json").output)
    assert data["mentions"][1]["path"][2] == {"unit": "Duluth", "weight": 0.1875}
    no_path = invoke(runner, "explain", graph_path,
                     str(IRIs(BASE).fact(graph.facts[1])).rsplit("/", 1)[1])
    assert "no path stored" in no_path.output
    missing = invoke(runner, "explain", graph_path, "zzzz")
    assert missing.exit_code == 1
    assert missing.output.strip().startswith("mamakg: error: no fact id")


def test_query_outputs(runner, graph_path):
    sparql = ("SELECT ?h ?t WHERE { ?h <http://www.wikidata.org/prop/direct/P19> ?t }")
    plain = invoke(runner, "query", graph_path, sparql)
    assert plain.exit_code == 0, plain.output
    assert plain.output.splitlines()[0].split() == ["h", "t"]
    as_json = json.loads(invoke(runner, "query", graph_path, sparql, "--json").output)
    assert as_json == {"columns": ["h", "t"], "rows": [["http://www.wikidata.org/entity/Q392",
                                                         "http://www.wikidata.org/entity/Q485708"]]}
    as_csv = list(csv.reader(io.StringIO(invoke(runner, "query", graph_path, sparql,
                                                "--csv").output)))
    assert as_csv == [["h", "t"], as_json["rows"][0]]
    from_stdin = runner.invoke(cli, ["query", str(graph_path), "-", "--json"], input=sparql)
    assert json.loads(from_stdin.output) == as_json
    bad = invoke(runner, "query", graph_path, "SELECT nonsense")
    assert bad.exit_code == 2 and "bad SPARQL" in bad.output


def test_commands_fail_in_one_line_on_a_missing_graph(runner, tmp_path):
    for command in ("show", "facts", "query"):
        args = [command, tmp_path / "nope.ttl"] + (["ASK {}"] if command == "query" else [])
        result = invoke(runner, *args)
        assert result.exit_code == 2
        assert result.output.strip().count("\n") == 0
        assert "no such file" in result.output


def test_relation_without_pid_label_loads_as_none(tmp_path):
    facts = sample_facts()
    f = facts[0]
    rel = Relation(f.relation.key, f.relation.label, "P19", 0.75, "label", None)
    changed = [type(f)(f.head, rel, f.tail, f.score, f.support, f.mentions)]
    loaded = load_graph(str(write_build(tmp_path, changed, "nt")))
    # the node's label falls back to the phrase, which is what the RDF says
    assert loaded.facts[0].relation.pid_label == "was born in"


def test_rich_tables_print_labels_literally(monkeypatch):
    rich = pytest.importorskip("rich.console")
    from mamakg.cli import common

    console = rich.Console(record=True, width=80, force_terminal=True)
    monkeypatch.setattr(common, "rich_console", lambda: console)
    common.print_table(["label"], [["[bold]x[/] [fʁidɛl]"], [None]], title="[red]t[/]")
    text = console.export_text()
    assert "[bold]x[/] [fʁidɛl]" in text and "[red]t[/]" in text


def test_a_foreign_or_damaged_graph_fails_in_one_line(tmp_path):
    path = write_build(tmp_path, sample_facts()[:1], "nt")
    text = path.read_text("utf-8")
    # a head span whose offsets do not fit its text
    head_text = "<https://w3id.org/mamakg/ns#headText> "
    damaged = text.replace(head_text + '"Bob Dylan"', head_text + '"Bob"')
    assert damaged != text
    path.write_text(damaged, encoding="utf-8")
    with pytest.raises(MamakgError, match="not a graph mamakg wrote"):
        load_graph(str(path))
    foreign = tmp_path / "foaf.ttl"
    foreign.write_text("<http://a> <http://b> <http://c> .\n", encoding="utf-8")
    assert load_graph(str(foreign)).facts == []
