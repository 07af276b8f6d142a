"""Values are literals, mapping decisions are provenance: a date tail on a time property is a
typed literal in RDF, GraphML and JSONL, and every format reads back the same fact."""

from __future__ import annotations

import json

import networkx as nx
import pytest
from click.testing import CliRunner
from rdflib import XSD, Literal, URIRef

from mamakg.cli import cli
from mamakg.config import OutputFormat
from mamakg.rdf.graph import to_networkx, to_rdf
from mamakg.rdf.load import load_graph
from mamakg.rdf.vocab import WDT
from mamakg.rdf.writers import render
from mamakg.types import Entity, Fact, Mention, Relation, TextSpan

from graph_samples import BASE, MANIFEST

SENTENCE = "Ann Lee (born 4 May 1961) is an American chemist."


def _mention(head: str, rel: str, tail: str, keys: tuple[str, str, str], **kw) -> Mention:
    h = SENTENCE.index(head)
    r = SENTENCE.index(rel, h + len(head))
    t = SENTENCE.index(tail, r + len(rel))
    return Mention("d.txt:1", 0, SENTENCE, 0, TextSpan(head, h, h + len(head)),
                   TextSpan(rel, r, r + len(rel)), TextSpan(tail, t, t + len(tail)), *keys,
                   score=1.0, **kw)


def literal_facts() -> list[Fact]:
    ann = Entity("ann lee", "Ann Lee", kind="PERSON")
    born = Relation("bear", "born", "P569", 0.93, "embedding", "date of birth",
                    (("phrase", "born"), ("matched", "'born on' of P569, cosine 0.802")))
    date = Entity("4 may 1961", "4 May 1961", datatype="date", value="1961-05-04", kind="DATE")
    be = Relation("be", "is")
    american = Entity("american", "American", datatype=None, kind="NORP")
    return [
        Fact(ann, born, date, 0.71, 1, (_mention("Ann Lee", "born", "4 May 1961",
                                                  ("ann lee", "bear", "4 may 1961"),
                                                  head_type="PERSON", tail_type="DATE",
                                                  degree=0.25),)),
        Fact(ann, be, american, 0.4, 1, (_mention("Ann Lee", "is", "American",
                                                   ("ann lee", "be", "american"),
                                                   head_type="PERSON", tail_type="NORP",
                                                   derived=True),)),
    ]


def test_a_date_on_a_time_property_is_a_typed_literal():
    g = to_rdf(literal_facts(), MANIFEST, BASE)
    objects = list(g.objects(None, WDT.P569))
    assert objects == [Literal("1961-05-04", datatype=XSD.date)]
    # no entity node is made for the value
    assert not list(g.triples((None, None, URIRef(BASE + "entity/4_may_1961"))))


@pytest.mark.parametrize("fmt", ["ttl", "nt", "jsonld", "jsonl"])
def test_literal_tails_kinds_and_evidence_read_back(tmp_path, fmt):
    facts = literal_facts()
    path = tmp_path / f"g.{fmt}"
    path.write_bytes(render(facts, MANIFEST, OutputFormat(fmt), BASE))
    loaded = load_graph(str(path))
    assert sorted(loaded.facts, key=lambda f: f.relation.key) == \
        sorted(facts, key=lambda f: f.relation.key)


def test_jsonl_record_holds_the_value_and_the_evidence():
    data = render(literal_facts()[:1], MANIFEST, OutputFormat.JSONL, BASE)
    record = json.loads(data)
    assert record["tail"]["datatype"] == "date" and record["tail"]["value"] == "1961-05-04"
    assert record["tail"]["iri"] is None
    assert record["relation"]["evidence"][0] == ["phrase", "born"]


def test_graphml_value_node(tmp_path):
    g = to_networkx(literal_facts(), MANIFEST, BASE)
    node = '"1961-05-04"^^<http://www.w3.org/2001/XMLSchema#date>'
    assert g.nodes[node]["literal"] is True and g.nodes[node]["value"] == "1961-05-04"
    path = tmp_path / "g.graphml"
    path.write_bytes(render(literal_facts(), MANIFEST, OutputFormat.GRAPHML, BASE))
    back = nx.read_graphml(path)
    assert back.nodes[node]["datatype"] == "date"


def test_carb_output_leaves_out_derived_readings_and_keeps_left_out_mentions():
    facts = literal_facts()
    left = _mention("Ann Lee", "born", "4 May 1961", ("x", "y", "z"))
    data = render(facts, MANIFEST, OutputFormat.CARB, BASE, {"d.txt:1": SENTENCE},
                  left_out=(left,)).decode()
    lines = data.splitlines()
    assert len(lines) == 2  # the P569 fact's mention and the left-out one, not the reading
    assert all("\tis\t" not in line for line in lines)


def test_explain_shows_the_mapping_and_its_evidence(tmp_path):
    path = tmp_path / "g.ttl"
    path.write_bytes(render(literal_facts(), MANIFEST, OutputFormat.TTL, BASE))
    from mamakg.rdf.vocab import IRIs

    fact = next(f for f in load_graph(str(path)).facts if f.relation.pid)
    short = str(IRIs(BASE).fact(fact)).rsplit("/", 1)[-1]
    runner = CliRunner()
    result = runner.invoke(cli, ["explain", str(path), short])
    assert result.exit_code == 0, result.output
    assert "maps to     P569 (date of birth) by embedding, mapping score 0.9300" in result.output
    assert "matched: 'born on' of P569" in result.output
    assert "= 1961-05-04 (xsd:date)" in result.output
    data = json.loads(runner.invoke(cli, ["explain", str(path), short, "--json"]).output)
    assert data["mapping"]["evidence"][0] == {"what": "phrase", "detail": "born"}
    assert data["tail_value"] == {"value": "1961-05-04", "datatype": "date"}
