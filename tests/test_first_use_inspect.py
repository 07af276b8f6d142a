"""First use of the commands that read a graph: facts, show, explain, view, the build summary's
words, and mention IRIs (one node per reading; every export keeps every triple)."""

from __future__ import annotations

import dataclasses

import pytest
from click.testing import CliRunner
from conftest import DEMO
from graph_samples import BASE, MANIFEST, fact, mention
from rdflib import Graph
from rdflib.compare import graph_diff, isomorphic, to_isomorphic

from mamakg.cli import cli
from mamakg.mapping.facts import one_per_reading
from mamakg.rdf.graph import nt_term, to_rdf
from mamakg.rdf.load import read_rdf
from mamakg.rdf.vocab import MK, IRIs
from mamakg.types import Entity, Relation, TextSpan


def assert_isomorphic(a: Graph, b: Graph) -> None:
    if not isomorphic(a, b):
        _, only_a, only_b = graph_diff(to_isomorphic(a), to_isomorphic(b))
        raise AssertionError(f"graphs differ ({len(a)} against {len(b)} triples):\nonly in "
                             "the first:\n" + only_a.serialize(format="nt")[:3000]
                             + "\nonly in the second:\n" + only_b.serialize(format="nt")[:3000])


# --- mention IRIs: one mention, one IRI -------------------------------------------------------

def served_as():
    """'he | served as | Syndikus' read twice in one sentence: by the Match stage (its own
    path and matching degree) and as a reading derived from a wider chunk (another degree)."""
    h, t = Entity("friedrich bunge", "Friedrich Bunge", kind="PERSON"), Entity("syndikus",
                                                                               "Syndikus")
    r = Relation("serve as", "served as", pid="P5096", pid_label="member of the crew of",
                 map_score=0.7, map_method="semantic")
    read = dataclasses.replace(
        mention(h, r, t, "In 1842 he served as Syndikus.", "he", "served as", "Syndikus"),
        score=1.0, degree=0.051941)
    derived = dataclasses.replace(read, degree=0.094406, derived=True, path=())
    return h, r, t, read, derived


def test_one_reading_is_one_mention():
    h, r, t, read, derived = served_as()
    assert one_per_reading([derived, read]) == [read]  # the Match stage's own mention stays
    assert one_per_reading([read, derived]) == [read]
    narrower = dataclasses.replace(derived, tail=TextSpan("Syndik", 21, 27))
    assert one_per_reading([read, narrower]) == [read, narrower]  # other spans: two readings


def test_a_mention_iri_names_one_reading_and_the_graph_keeps_each_once():
    h, r, t, read, derived = served_as()
    iris = IRIs(BASE)
    whole = fact(h, r, t, [read])
    shorter = dataclasses.replace(read, tail=TextSpan("Syndik", 21, 27))
    assert iris.mention(whole, read) != iris.mention(whole, shorter)  # the ends count too
    # a hand-made fact holding the same reading twice: one mention node, with one degree
    twice = dataclasses.replace(whole, mentions=(read, derived))
    g = to_rdf([twice], MANIFEST, BASE)
    nodes = list(g.objects(iris.fact(twice), MK.mention))
    assert nodes == [iris.mention(twice, read)]
    assert [float(x) for x in g.objects(nodes[0], MK.degree)] == [0.051941]
    # ... so N-Triples written from its Turtle hold every triple
    back = Graph().parse(data=g.serialize(format="nt"), format="nt")
    assert_isomorphic(back, Graph().parse(data=g.serialize(format="turtle"), format="turtle"))


@pytest.fixture(scope="module")
def demo_default(nlp, real_lm):
    """The first 6 demo documents built with the shipped preset: the fourth one reads
    'he | served as | Syndikus' both as a mention and as a reading of a wider chunk."""
    from mamakg.config import Config
    from mamakg.pipeline import build
    from mamakg.reader import read_documents

    docs = list(read_documents([str(DEMO)]))[:6]
    return build(docs, Config.preset("default", device="cpu"), nlp=nlp, lm=real_lm)


@pytest.mark.real_model
def test_export_to_nt_of_every_written_format_keeps_every_triple(demo_default, tmp_path):
    facts = demo_default.facts
    assert any(len({(m.doc_id, m.sent_index) for m in f.mentions}) < len(f.mentions)
               or any(m.derived for m in f.mentions) for f in facts)  # readings are there
    for f in facts:  # no reading twice in a fact
        where = [(m.doc_id, m.sent_index, m.head, m.relation, m.tail) for m in f.mentions]
        assert len(set(where)) == len(where), f
    runner = CliRunner()
    turtle = None
    for fmt in ("ttl", "nt", "jsonld", "graphml", "jsonl"):
        source = tmp_path / f"demo.{fmt}"
        demo_default.write(str(source))
        out = tmp_path / f"from-{fmt}.nt"
        done = runner.invoke(cli, ["export", str(source), "--to", "nt", "-o", str(out)])
        assert done.exit_code == 0, done.output
        exported = read_rdf(str(out))
        if fmt in ("ttl", "nt", "jsonld"):
            assert_isomorphic(exported, read_rdf(str(source)))
            if fmt == "ttl":
                turtle = exported
                for node in exported.subjects(MK.degree, None):  # one value per mention
                    assert len(list(exported.objects(node, MK.degree))) == 1, node
        else:  # the same facts as the Turtle (a jsonl file keeps no run record)
            assert turtle is not None
            run = IRIs(demo_default.base).run

            def facts_only(g: Graph) -> Graph:
                return Graph().parse(data="".join(
                    f"{nt_term(s)} {nt_term(p)} {nt_term(o)} .\n" for s, p, o in g
                    if s != run and o != run), format="nt")

            if fmt == "graphml":
                assert_isomorphic(exported, turtle)
            else:
                assert_isomorphic(facts_only(exported), facts_only(turtle))
