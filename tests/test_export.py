"""mamakg export: every format loads back to the same facts; files are written atomically."""

from __future__ import annotations

import csv
import dataclasses
import io
import json

import networkx as nx
import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from rdflib import Dataset, Graph, URIRef
from rdflib.compare import graph_diff, isomorphic, to_isomorphic

from mamakg.cli import cli
from mamakg.errors import MamakgError, UsageError
from mamakg.inspect.export import (
    MERGE_ENTITIES,
    MERGE_FACTS,
    entity_rows,
    export_graph,
    neo4j_csv,
    read_cypher_script,
)
from mamakg.rdf.graph import to_rdf
from mamakg.rdf.load import LoadedGraph, load_graph
from mamakg.rdf.vocab import MK, IRIs
from mamakg.types import Entity

from graph_samples import BASE, MANIFEST, nasty_fact, rounded, sample_facts

ROUND_TRIP = ["nt", "ttl", "jsonld", "trig", "jsonl", "graphml", "oxigraph"]


def loaded(facts=None):
    return LoadedGraph(sample_facts() if facts is None else facts, MANIFEST, BASE, "mem", "mem")


def out_path(tmp_path, fmt):
    return str(tmp_path / ("store" if fmt == "oxigraph" else f"g.{fmt}"))


def assert_isomorphic(a: Graph, b: Graph) -> None:
    if not isomorphic(a, b):
        _, only_a, only_b = graph_diff(to_isomorphic(a), to_isomorphic(b))
        raise AssertionError("graphs differ:\nonly in the first:\n"
                             + only_a.serialize(format="nt") + "\nonly in the second:\n"
                             + only_b.serialize(format="nt"))


@pytest.mark.parametrize("fmt", ROUND_TRIP)
def test_export_loads_back_to_the_same_facts(tmp_path, fmt):
    if fmt == "oxigraph":
        pytest.importorskip("pyoxigraph")
    path = out_path(tmp_path, fmt)
    export_graph(loaded(), fmt, path)
    back = load_graph(path)
    assert back.facts == sample_facts()
    assert back.run == (None if fmt == "jsonl" else MANIFEST)
    assert back.fmt == fmt


def test_rdf_exports_hold_the_same_graph(tmp_path):
    pytest.importorskip("pyoxigraph")
    expected = to_rdf(sample_facts(), MANIFEST, BASE)
    for fmt in ("nt", "ttl", "jsonld", "trig", "oxigraph"):
        path = out_path(tmp_path, fmt)
        export_graph(loaded(), fmt, path)
        assert_isomorphic(load_graph(path).rdf, expected)


def test_nt_is_strict_n_triples(tmp_path):
    pyoxigraph = pytest.importorskip("pyoxigraph")
    path = out_path(tmp_path, "nt")
    export_graph(loaded(), "nt", path)
    text = open(path, encoding="utf-8").read()
    assert text.endswith(" .\n") and all(line.endswith(" .") for line in text.splitlines())
    # pyoxigraph's parser is strict: a Turtle long string would be refused
    quads = list(pyoxigraph.parse(text.encode("utf-8"), format=pyoxigraph.RdfFormat.N_TRIPLES))
    assert len(quads) == len(to_rdf(sample_facts(), MANIFEST, BASE))


def test_same_facts_same_bytes(tmp_path):
    for fmt in ("nt", "trig", "cypher", "jsonl"):
        a, b = tmp_path / f"a.{fmt}", tmp_path / f"b.{fmt}"
        export_graph(loaded(), fmt, str(a))
        export_graph(loaded(list(reversed(sample_facts()))), fmt, str(b))
        if fmt in ("nt", "trig"):  # sorted; the others keep fact order
            assert a.read_bytes() == b.read_bytes()


def test_trig_puts_provenance_in_one_named_graph_per_fact(tmp_path):
    path = out_path(tmp_path, "trig")
    export_graph(loaded(), "trig", path)
    ds = Dataset()
    ds.parse(path, format="trig")
    iris = IRIs(BASE)
    names = {str(g.identifier) for g in ds.graphs() if len(g)}
    fact_iris = {str(iris.fact(f)) for f in sample_facts()}
    assert fact_iris <= names
    mk = MK
    for fact in sample_facts():
        named = ds.graph(iris.fact(fact))
        assert (iris.fact(fact), mk.score, None) in named
        assert len(list(named.objects(iris.fact(fact), mk.mention))) == len(fact.mentions)
        default = ds.default_graph
        h, r, t = iris.entity(fact.head), iris.relation(fact.relation), iris.entity(fact.tail)
        assert (h, r, t) in default
        assert (iris.fact(fact), None, None) not in default


def test_graphml(tmp_path):
    path = out_path(tmp_path, "graphml")
    export_graph(loaded(), "graphml", path)
    g = nx.read_graphml(path)
    assert g.number_of_nodes() == 5 and g.number_of_edges() == 3
    assert g.graph["model"] == "tiny"


def test_neo4j_csv_headers_and_rows(tmp_path):
    folder = tmp_path / "neo"
    export_graph(loaded(), "neo4j-csv", str(folder))
    nodes = list(csv.reader(io.StringIO((folder / "nodes.csv").read_text("utf-8"))))
    edges = list(csv.reader(io.StringIO((folder / "relationships.csv").read_text("utf-8"))))
    assert nodes[0] == ["iri:ID(Entity)", "label", "key", "qid", "link_score:double", "kind",
                        "value", "datatype", "aliases", ":LABEL"]
    aliases = {row[1]: row[8] for row in nodes[1:]}  # other names, joined as in GraphML
    assert aliases["Duluth"] == "Twin Ports | Zenith City" and aliases["Bob Dylan"] == ""
    assert aliases["Café ; DROP"] == 'Café "Drop" ; x'
    assert edges[0][:3] == [":START_ID(Entity)", ":END_ID(Entity)", ":TYPE"]
    assert "score:double" in edges[0] and "support:long" in edges[0]
    assert len(nodes) == 1 + 5 and len(edges) == 1 + 3
    sentences = {row[edges[0].index("sentence")] for row in edges[1:]}
    assert 'He said "hi" \\ <x> {y} $rows ]->( ?x Café ; DROP\nend' in sentences
    command = (folder / "import.txt").read_text("utf-8")
    assert "neo4j-admin database import full" in command
    assert "--nodes=nodes.csv" in command and "--multiline-fields=true" in command


def test_a_literal_value_is_a_node_with_its_value_and_datatype():
    fact = sample_facts()[0]
    year = Entity("1925", "1925", datatype="gYear", value="1925", kind="DATE")
    rows = {r["key"]: r for r in entity_rows([dataclasses.replace(fact, tail=year)], BASE)}
    assert (rows["1925"]["value"], rows["1925"]["datatype"], rows["1925"]["kind"]) == (
        "1925", "gYear", "DATE")
    assert (rows[fact.head.key]["value"], rows[fact.head.key]["datatype"]) == ("", "")


def test_cypher_json_passes_every_value_as_a_parameter(tmp_path):
    path = out_path(tmp_path, "cypher-json")
    export_graph(loaded(), "cypher-json", path, batch_size=2)
    statements = list(read_cypher_script(path))
    queries = {q for q, _ in statements}
    assert queries == {MERGE_ENTITIES, MERGE_FACTS, statements[0][0]}
    assert "CONSTRAINT" in statements[0][0]
    for fact in sample_facts():
        for text in (fact.head.label, fact.tail.label, fact.relation.label):
            assert not any(text in q for q in queries)
    rows = [r for q, p in statements if q == MERGE_ENTITIES for r in p["rows"]]
    assert len(rows) == 5 and max(len(p.get("rows", [])) for _, p in statements) == 2
    ladybug = tmp_path / "l.cypher"
    export_graph(loaded(), "cypher-json", str(ladybug), dialect="ladybug")
    first = [q for q, _ in read_cypher_script(str(ladybug))][:2]
    assert first[0].startswith("CREATE NODE TABLE") and first[1].startswith("CREATE REL TABLE")


def test_cypher_is_a_script_of_one_statement_a_line(tmp_path):
    path = out_path(tmp_path, "cypher")
    export_graph(loaded(), "cypher", path, batch_size=2)
    lines = open(path, encoding="utf-8").read().splitlines()
    assert lines[0].startswith("// mamakg graph: 5 entities, 3 facts; neo4j dialect. Run: "
                               "cypher-shell -f FILE")
    statements = lines[1:]
    assert all(line.endswith(";") for line in statements)
    assert statements[0].startswith("CREATE CONSTRAINT mamakg_entity_iri")
    assert sum(s.startswith("UNWIND [{iri: ") for s in statements) == 3  # 5 entities by 2
    assert sum(s.startswith("UNWIND [{head: ") for s in statements) == 2  # 3 facts by 2
    assert "$rows" not in "".join(s[:20] for s in statements)  # no parameter left to bind
    # the sentence with a line break stays on its line, escaped
    assert any("Café ; DROP\\nend'" in s for s in statements)


@pytest.mark.parametrize("value,literal", [
    ("plain", "'plain'"), ("O'Neil", "'O\\'Neil'"), ('say "hi"', "'say \"hi\"'"),
    ("back\\slash", "'back\\\\slash'"), ("a\nb\rc\td", "'a\\nb\\rc\\td'"),
    ("bell\x07", "'bell\\u0007'"), ("café 中 🙂", "'café 中 🙂'"), (None, "null"),
    (True, "true"), (3, "3"), (0.875, "0.875"), (1e-05, "1e-05"),
    ([1, "x"], "[1, 'x']"), ({"a": None}, "{a: null}"),
])
def test_cypher_literals(value, literal):
    from mamakg.inspect.export import cypher_literal

    assert cypher_literal(value) == literal


def test_refuses_to_overwrite_without_force(tmp_path):
    path = tmp_path / "g.nt"
    path.write_text("keep me", encoding="utf-8")
    with pytest.raises(MamakgError, match="--force"):
        export_graph(loaded(), "nt", str(path))
    assert path.read_text("utf-8") == "keep me"
    export_graph(loaded(), "nt", str(path), force=True)
    assert load_graph(str(path)).facts == sample_facts()
    folder = tmp_path / "neo"
    export_graph(loaded(), "neo4j-csv", str(folder))
    with pytest.raises(MamakgError, match="--force"):
        export_graph(loaded(), "neo4j-csv", str(folder))
    assert sorted(p.name for p in folder.iterdir()) == ["import.txt", "nodes.csv",
                                                         "relationships.csv"]


def test_oxigraph_store_is_replaced_only_with_force_and_only_if_a_store(tmp_path):
    pytest.importorskip("pyoxigraph")
    store = out_path(tmp_path, "oxigraph")
    export_graph(loaded(), "oxigraph", store)
    with pytest.raises(MamakgError, match="--force"):
        export_graph(loaded(), "oxigraph", store)
    export_graph(loaded(sample_facts()[:1]), "oxigraph", store, force=True)
    assert len(load_graph(store).facts) == 1
    other = tmp_path / "photos"
    other.mkdir()
    (other / "holiday.jpg").write_bytes(b"\xff")
    with pytest.raises(MamakgError, match="not an Oxigraph store"):
        export_graph(loaded(), "oxigraph", str(other), force=True)
    assert (other / "holiday.jpg").exists()
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]


def test_bad_export_requests():
    with pytest.raises(UsageError, match="choose one of"):
        export_graph(loaded(), "rdfxml", "x")
    with pytest.raises(UsageError, match="folder"):
        export_graph(loaded(), "neo4j-csv", "-")
    with pytest.raises(UsageError, match="dialect"):
        export_graph(loaded(), "cypher", "-", dialect="gremlin")


def test_export_command_and_reading_the_store(tmp_path):
    pytest.importorskip("pyoxigraph")
    runner = CliRunner()
    source = out_path(tmp_path, "jsonld")
    export_graph(loaded(), "jsonld", source)
    store = str(tmp_path / "kg-store")
    result = runner.invoke(cli, ["export", source, "--to", "oxigraph", store])
    assert result.exit_code == 0, result.output
    assert "wrote" in result.output
    again = runner.invoke(cli, ["export", source, "--to", "oxigraph", store])
    assert again.exit_code == 2 and "--force" in again.output
    show = json.loads(runner.invoke(cli, ["show", store, "--json"]).output)
    assert show["format"] == "oxigraph" and show["n_facts"] == 3
    facts = runner.invoke(cli, ["facts", store, "--relation", "P19"])
    assert facts.output.splitlines()[1].split()[4:] == [
        "Bob", "Dylan", "place", "of", "birth", "P19", "Duluth", "t.txt:2"]
    query = runner.invoke(cli, ["query", store, "SELECT ?t WHERE { "
                                "<http://www.wikidata.org/entity/Q392> "
                                "<http://www.wikidata.org/prop/direct/P19> ?t }", "--json"])
    assert json.loads(query.output)["rows"] == [["http://www.wikidata.org/entity/Q485708"]]
    ask = runner.invoke(cli, ["query", store, "ASK { ?s ?p ?o }", "--csv"])
    assert ask.output == "ask\ntrue\n"
    to_stdout = runner.invoke(cli, ["export", source, "--to", "nt", "-o", "-"])
    assert to_stdout.exit_code == 0
    assert len(to_stdout.output.splitlines()) == len(to_rdf(sample_facts(), MANIFEST, BASE))
    both = runner.invoke(cli, ["export", source, "--to", "nt", "a.nt", "-o", "b.nt"])
    assert both.exit_code == 2


# -- property: any text survives every format ---------------------------------------------------

@pytest.mark.parametrize("fmt", ["nt", "jsonld", "trig", "jsonl", "graphml"])
@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(fact=nasty_fact())
def test_any_text_round_trips(tmp_path, fmt, fact):
    path = str(tmp_path / f"p.{fmt}")
    export_graph(loaded([fact]), fmt, path, force=True)
    assert rounded(load_graph(path).facts) == rounded([fact])


@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(fact=nasty_fact())
def test_any_text_round_trips_through_turtle(tmp_path, fact):
    path = str(tmp_path / "p.ttl")
    export_graph(loaded([fact]), "ttl", path, force=True)
    assert rounded(load_graph(path).facts) == rounded([fact])


def test_neo4j_csv_of_nasty_text_parses_back():
    files = neo4j_csv(sample_facts(), BASE)
    rows = list(csv.DictReader(io.StringIO(files["nodes.csv"])))
    assert {r["label"] for r in rows} >= {'He said "hi" \\ <x> {y}', "Café ; DROP"}
    assert all(URIRef(r["iri:ID(Entity)"]) for r in rows)
