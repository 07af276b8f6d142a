"""Real databases, started here on 127.0.0.1 and stopped afterwards: the Oxigraph server
(SPARQL Graph Store Protocol push), LadybugDB (embedded Cypher: the cypher and neo4j-csv
exports). Neo4j has no server here: only what the driver does without one is tested."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
import uuid

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from rdflib import Graph
from rdflib.compare import graph_diff, isomorphic, to_isomorphic

from mamakg.cli import cli
from mamakg.errors import MamakgError, UsageError
from mamakg.inspect.export import export_graph, read_cypher_script
from mamakg.inspect.push import push_neo4j, push_sparql
from mamakg.rdf.graph import to_rdf
from mamakg.rdf.load import LoadedGraph
from mamakg.rdf.vocab import IRIs
from mamakg.types import RunInfo

from graph_samples import BASE, MANIFEST, nasty_fact, rounded, sample_facts


def loaded(facts=None):
    return LoadedGraph(sample_facts() if facts is None else facts, MANIFEST, BASE, "mem", "mem")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def assert_isomorphic(a: Graph, b: Graph) -> None:
    if not isomorphic(a, b):
        _, only_a, only_b = graph_diff(to_isomorphic(a), to_isomorphic(b))
        raise AssertionError("graphs differ:\nonly pushed:\n" + only_a.serialize(format="nt")
                             + "\nonly expected:\n" + only_b.serialize(format="nt"))


# -- Oxigraph server ----------------------------------------------------------------------------

@pytest.fixture(scope="module")
def oxigraph_server(tmp_path_factory):
    # the PyPI package `oxigraph` installs only the server command, next to python
    exe = os.path.join(os.path.dirname(sys.executable), "oxigraph")
    exe = exe if os.path.exists(exe) else shutil.which("oxigraph")
    if exe is None:
        pytest.skip("the oxigraph server command is not installed (pip install oxigraph)")
    port = free_port()
    location = tmp_path_factory.mktemp("oxigraph")
    proc = subprocess.Popen([exe, "serve", "--location", str(location),
                             "--bind", f"127.0.0.1:{port}"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(url + "/query?query=ASK%7B%7D", timeout=1):
                    break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError("oxigraph did not start: "
                                       + proc.stderr.read().decode(errors="replace")) from None
                time.sleep(0.1)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def construct(url: str, graph_iri: str | None) -> Graph:
    where = f"GRAPH <{graph_iri}> {{ ?s ?p ?o }}" if graph_iri else "?s ?p ?o"
    query = urllib.parse.urlencode({"query": f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ {where} }}"})
    request = urllib.request.Request(f"{url}/query?{query}",
                                     headers={"Accept": "application/n-triples"})
    with urllib.request.urlopen(request, timeout=10) as response:
        return Graph().parse(data=response.read().decode("utf-8"), format="nt")


def test_push_to_a_named_graph_in_batches(oxigraph_server):
    expected = to_rdf(sample_facts(), MANIFEST, BASE)
    graph_iri = "https://example.org/graphs/one"
    n = push_sparql(loaded(), oxigraph_server + "/store", graph_iri=graph_iri, batch_size=7)
    assert n == len(expected)
    assert_isomorphic(construct(oxigraph_server, graph_iri), expected)
    # pushing again merges: the same triples, no duplicates
    push_sparql(loaded(), oxigraph_server + "/store", graph_iri=graph_iri)
    assert len(construct(oxigraph_server, graph_iri)) == len(expected)


def test_push_replace_replaces_a_named_graph_and_leaves_the_others(oxigraph_server, tmp_path):
    store = oxigraph_server + "/store"
    one, two = "https://example.org/graphs/r1", "https://example.org/graphs/r2"
    push_sparql(loaded(), store, graph_iri=one, batch_size=5)
    push_sparql(loaded(), store, graph_iri=two)
    smaller = sample_facts()[:1]
    source = str(tmp_path / "small.ttl")
    export_graph(loaded(smaller), "ttl", source)
    result = CliRunner().invoke(cli, ["push", source, "--sparql", store, "--graph", one,
                                      "--replace"])
    assert result.exit_code == 0, result.output
    assert f"replaced graph {one} at {store}" in result.stderr
    assert_isomorphic(construct(oxigraph_server, one), to_rdf(smaller, MANIFEST, BASE))
    assert_isomorphic(construct(oxigraph_server, two), to_rdf(sample_facts(), MANIFEST, BASE))
    # without --replace the same push adds: the named graph now holds both
    push_sparql(loaded(sample_facts()[1:]), store, graph_iri=one)
    assert_isomorphic(construct(oxigraph_server, one), to_rdf(sample_facts(), MANIFEST, BASE))


def test_replace_is_refused_where_it_means_nothing(tmp_path):
    source = str(tmp_path / "g.jsonl")
    export_graph(loaded(), "jsonl", source)
    neo = CliRunner().invoke(cli, ["push", source, "--neo4j", "bolt://127.0.0.1:1",
                                   "--replace"])
    assert neo.exit_code == 2 and "--replace goes with --sparql" in neo.stderr
    assert neo.stderr.count("\n") == 1
    batched = CliRunner().invoke(cli, ["push", source, "--sparql", "http://127.0.0.1:1/store",
                                       "--replace", "--batch-size", "10"])
    assert batched.exit_code == 2 and "one request" in batched.stderr


def test_push_command_to_the_default_graph(oxigraph_server, tmp_path):
    source = str(tmp_path / "g.jsonld")
    export_graph(loaded(), "jsonld", source)
    result = CliRunner().invoke(cli, ["push", source, "--sparql", oxigraph_server + "/store",
                                      "--json"])
    assert result.exit_code == 0, result.output
    assert '"n_triples"' in result.output
    pushed = construct(oxigraph_server, None)
    assert_isomorphic(pushed, to_rdf(sample_facts(), MANIFEST, BASE))
    # --replace on the default graph: only the new graph's triples are left there
    small = str(tmp_path / "small.jsonl")
    export_graph(loaded(sample_facts()[2:]), "jsonl", small)
    replaced = CliRunner().invoke(cli, ["push", small, "--sparql", oxigraph_server + "/store",
                                        "--replace", "--json"])
    assert replaced.exit_code == 0, replaced.output
    assert json.loads(replaced.stdout)["replaced"] is True
    assert_isomorphic(construct(oxigraph_server, None),
                      to_rdf(sample_facts()[2:], RunInfo.unknown(), BASE))


@settings(max_examples=15, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(fact=nasty_fact())
def test_any_text_survives_a_push(oxigraph_server, fact):
    graph_iri = f"https://example.org/graphs/{uuid.uuid4()}"
    push_sparql(loaded([fact]), oxigraph_server + "/store", graph_iri=graph_iri)
    assert_isomorphic(construct(oxigraph_server, graph_iri), to_rdf([fact], MANIFEST, BASE))


def test_push_errors_are_one_line(oxigraph_server):
    with pytest.raises(MamakgError, match="HTTP 404") as err:
        push_sparql(loaded(), oxigraph_server + "/no-such-endpoint")
    assert "\n" not in str(err.value)
    with pytest.raises(MamakgError, match="cannot reach the SPARQL endpoint"):
        push_sparql(loaded(), f"http://127.0.0.1:{free_port()}/store", timeout=5)
    with pytest.raises(UsageError, match="http"):
        push_sparql(loaded(), "ftp://example.org/store")


# -- LadybugDB ----------------------------------------------------------------------------------

@pytest.fixture
def ladybug_db(tmp_path):
    ladybug = pytest.importorskip("ladybug")
    db = ladybug.Database(str(tmp_path / "lb"))
    conn = ladybug.Connection(db)
    yield conn
    conn.close()
    db.close()


def rows(conn, query, params=None):
    result = conn.execute(query, params or {})
    out = []
    while result.has_next():
        out.append(result.get_next())
    return out


def load_cypher(conn, path):
    for query, params in read_cypher_script(path):
        conn.execute(query, params)


def run_export(conn, path, fmt):
    """A cypher export as a user runs it: the script whole, the JSON lines through a driver."""
    if fmt == "cypher":
        with open(path, encoding="utf-8") as handle:
            conn.execute(handle.read())
    else:
        load_cypher(conn, path)


@pytest.mark.parametrize("fmt", ["cypher", "cypher-json"])
def test_ladybug_runs_the_cypher_export(ladybug_db, tmp_path, fmt):
    path = str(tmp_path / "g.cypher")
    export_graph(loaded(), fmt, path, dialect="ladybug", batch_size=2)
    run_export(ladybug_db, path, fmt)
    run_export(ladybug_db, path, fmt)  # MERGE: loading twice changes nothing
    assert rows(ladybug_db, "MATCH (e:Entity) RETURN count(e)") == [[5]]
    assert rows(ladybug_db, "MATCH ()-[f:FACT]->() RETURN count(f), sum(f.support)") == [[3, 4]]
    iris = IRIs(BASE)
    odd = next(f for f in sample_facts() if f.head.qid is None)
    assert rows(ladybug_db, "MATCH (h:Entity)-[f:FACT]->(t:Entity) WHERE h.iri = $iri "
                "RETURN h.label, f.phrase, f.sentence, t.label",
                {"iri": str(iris.entity(odd.head))}) == [
        [odd.head.label, odd.relation.label, odd.mentions[0].sentence, odd.tail.label]]
    assert rows(ladybug_db, "MATCH (e:Entity {qid: 'Q392'}) RETURN e.link_score") == [[0.875]]
    assert rows(ladybug_db, "MATCH (e:Entity {qid: 'Q485708'}) RETURN e.aliases") == [
        ["Twin Ports | Zenith City"]]


def test_ladybug_loads_the_neo4j_csv_export(ladybug_db, tmp_path):
    folder = tmp_path / "neo"
    export_graph(loaded(), "neo4j-csv", str(folder))
    for query, _ in list(read_cypher_script_of_schema(tmp_path)):
        ladybug_db.execute(query)
    nodes, edges = (str(folder / n) for n in ("nodes.csv", "relationships.csv"))
    # LadybugDB reads the typed 'link_score:double' header as a DOUBLE column 'link_score'
    ladybug_db.execute(
        f"COPY Entity FROM (LOAD FROM '{nodes}' (header=true, parallel=false) "
        "RETURN `iri:ID(Entity)`, label, key, qid, link_score, kind, value, datatype, aliases)")
    ladybug_db.execute(
        f"COPY FACT FROM (LOAD FROM '{edges}' (header=true, parallel=false) "
        "RETURN `:START_ID(Entity)`, `:END_ID(Entity)`, id, relation, label, phrase, key, pid, "
        "status, score, CAST(`support:long` AS INT64), sentence, document)")
    assert rows(ladybug_db, "MATCH (e:Entity) RETURN count(e)") == [[5]]
    assert rows(ladybug_db, "MATCH ()-[f:FACT]->() RETURN count(f), sum(f.support)") == [[3, 4]]
    assert rows(ladybug_db, "MATCH (e:Entity) WHERE e.label = 'Duluth' RETURN e.aliases") == [
        ["Twin Ports | Zenith City"]]
    odd = next(f for f in sample_facts() if f.head.qid is None)
    assert rows(ladybug_db, "MATCH (h:Entity)-[f:FACT]->() WHERE f.phrase = $p "
                "RETURN h.label, f.sentence", {"p": odd.relation.label}) == [
        [odd.head.label, odd.mentions[0].sentence]]


def read_cypher_script_of_schema(tmp_path):
    path = str(tmp_path / "schema.cypher")
    export_graph(loaded([]), "cypher-json", path, dialect="ladybug")
    return read_cypher_script(path)


@pytest.mark.parametrize("fmt", ["cypher", "cypher-json"])
@settings(max_examples=15, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(fact=nasty_fact())
def test_ladybug_keeps_any_text(tmp_path_factory, fmt, fact):
    ladybug = pytest.importorskip("ladybug")
    folder = tmp_path_factory.mktemp("lbh")
    db = ladybug.Database(str(folder / "db"))
    conn = ladybug.Connection(db)
    try:
        path = str(folder / "g.cypher")
        export_graph(loaded([fact]), fmt, path, dialect="ladybug")
        run_export(conn, path, fmt)
        got = rows(conn, "MATCH (h:Entity)-[f:FACT]->(t:Entity) RETURN h.key, h.label, "
                   "f.key, f.phrase, f.sentence, f.document, f.score, t.key, t.label")
        m = fact.mentions[0]
        assert rounded(got) == rounded([[fact.head.key, fact.head.label, fact.relation.key,
                                         fact.relation.label, m.sentence, m.doc_id, fact.score,
                                         fact.tail.key, fact.tail.label]])
    finally:
        conn.close()
        db.close()


# -- Neo4j: no server here ----------------------------------------------------------------------

def test_neo4j_push_without_a_server_fails_in_one_line(monkeypatch):
    pytest.importorskip("neo4j")
    monkeypatch.setenv("NEO4J_USER", "neo4j")
    monkeypatch.setenv("NEO4J_PASSWORD", "secret")
    uri = f"bolt://127.0.0.1:{free_port()}"
    with pytest.raises(MamakgError, match="cannot reach Neo4j at bolt://127.0.0.1") as err:
        push_neo4j(loaded(), uri)
    assert "\n" not in str(err.value)
    result = CliRunner().invoke(cli, ["push", "nothing-here.ttl", "--neo4j", uri])
    assert result.exit_code == 2 and "no such file" in result.output


def test_neo4j_push_command_fails_in_one_line(tmp_path):
    pytest.importorskip("neo4j")
    source = str(tmp_path / "g.jsonl")
    export_graph(loaded(), "jsonl", source)
    uri = f"bolt://127.0.0.1:{free_port()}"
    result = CliRunner().invoke(cli, ["push", source, "--neo4j", uri])
    assert result.exit_code == 1
    assert result.output.startswith("mamakg: error: cannot reach Neo4j")
    assert result.output.count("\n") == 1
    bad = CliRunner().invoke(cli, ["push", source, "--neo4j", "http://127.0.0.1:1"])
    assert bad.exit_code == 2, bad.output
    neither = CliRunner().invoke(cli, ["push", source])
    assert neither.exit_code == 2 and "exactly one target" in neither.output
