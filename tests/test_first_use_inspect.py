"""First use of the commands that read a graph: facts, show, explain, view, the build summary's
words, and mention IRIs (one node per reading; every export keeps every triple)."""

from __future__ import annotations

import dataclasses

import pytest
from click.testing import CliRunner
from rdflib import Graph
from rdflib.compare import graph_diff, isomorphic, to_isomorphic

from mamakg.cli import cli
from mamakg.mapping.facts import one_per_reading
from mamakg.rdf.graph import nt_term, to_rdf
from mamakg.rdf.load import read_rdf
from mamakg.rdf.vocab import MK, IRIs
from mamakg.types import Entity, Relation, TextSpan

from conftest import DEMO
from graph_samples import BASE, MANIFEST, fact, mention


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


def facts_only(g: Graph, run) -> Graph:
    """The graph without its run record."""
    return Graph().parse(data="".join(f"{nt_term(s)} {nt_term(p)} {nt_term(o)} .\n"
                                      for s, p, o in g if s != run and o != run), format="nt")


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
            if fmt == "graphml":
                assert_isomorphic(exported, turtle)
            else:
                run = IRIs(demo_default.base).run
                assert_isomorphic(facts_only(exported, run), facts_only(turtle, run))


# --- facts: a header, the entities the graph holds, one "no match" --------------------------

def meitner_graph(tmp_path):
    """'She' resolved to Lise Meitner; a year written as a literal; a derived reading."""
    from mamakg.config import OutputFormat
    from mamakg.rdf.writers import render

    lise = Entity("lise meitner", "Lise Meitner", kind="PERSON")
    vienna = Entity("vienna", "Vienna", kind="GPE")
    year = Entity("1878", "1878", datatype="gYear", value="1878", kind="DATE")
    born = Relation("bear in", "was born in", pid="P19", map_score=0.9, map_method="alias",
                    pid_label="place of birth")
    born_on = Relation("bear on", "was born on", pid="P569", map_score=0.9, map_method="alias",
                       pid_label="date of birth")
    said = "She was born in Vienna."
    she = dataclasses.replace(mention(lise, born, vienna, said, "She", "was born in", "Vienna"),
                              head_type="PRON", tail_type="GPE")
    reading = dataclasses.replace(
        mention(lise, born_on, year, "Lise Meitner was born on 1878.", "Lise Meitner",
                "was born on", "1878", index=1), derived=True)
    facts = [fact(lise, born, vienna, [she]), fact(lise, born_on, year, [reading])]
    path = tmp_path / "meitner.ttl"
    path.write_bytes(render(facts, MANIFEST, OutputFormat.TTL, BASE))
    return path


def test_facts_has_a_header_and_the_resolved_entities(tmp_path):
    path = meitner_graph(tmp_path)
    runner = CliRunner()
    done = runner.invoke(cli, ["facts", str(path)])
    assert done.exit_code == 0, done.output
    lines = done.stdout.splitlines()
    assert lines[0].split() == ["id", "score", "support", "status", "head", "relation", "P-id",
                                "tail", "document"]
    assert len(lines) == 3
    row = next(x for x in lines[1:] if "Vienna" in x)
    assert "Lise Meitner" in row and "She" not in row  # whom "She" was taken to be
    assert "place of birth" in row and "P19" in row
    # the words as written are explain's
    fact_id = row.split()[0]
    explained = runner.invoke(cli, ["explain", str(path), fact_id])
    assert "[She] {was born in} [Vienna]" in explained.stdout


def test_facts_and_view_say_the_same_when_no_entity_matches(tmp_path):
    path = meitner_graph(tmp_path)
    runner = CliRunner()
    facts = runner.invoke(cli, ["facts", str(path), "--entity", "Otto Robert Frisch"])
    view = runner.invoke(cli, ["view", str(path), "-o", str(tmp_path / "v.html"),
                               "--entity", "Otto Robert Frisch"])
    assert facts.exit_code == view.exit_code == 1
    assert facts.stdout == "" and view.stdout == ""
    assert facts.stderr == view.stderr == (
        f"mamakg: error: no entity matches 'Otto Robert Frisch' in {path}: try part of a "
        "label, or a Q-id (see 'mamakg show' for the top entities)\n")
    assert not (tmp_path / "v.html").exists()
    # an entity that is there, with filters that leave nothing: said too, exit 1
    none = runner.invoke(cli, ["facts", str(path), "--entity", "Meitner", "--status",
                               "unmapped"])
    assert none.exit_code == 1 and none.stdout == ""
    assert none.stderr == (f"mamakg: error: no fact matches --entity 'Meitner' --status "
                           f"'unmapped' in {path}\n")
    as_json = runner.invoke(cli, ["facts", str(path), "--entity", "Zzyzx", "--json"])
    assert as_json.exit_code == 1 and as_json.stdout == ""
    # 'mapped' asks for linked entities: a graph built without --kb has none, and says so
    mapped = runner.invoke(cli, ["facts", str(path), "--status", "mapped"])
    assert mapped.exit_code == 1 and mapped.stdout == ""
    assert mapped.stderr == (f"mamakg: error: no fact matches --status 'mapped' in {path}; no "
                             "entity of it is linked to a Wikidata item, which 'mapped' needs "
                             "(build with --kb to link them)\n")


# --- show: entity nodes only, counts named as the build's, settings one per line ------------

def test_show_lists_entity_nodes_and_names_its_counts(tmp_path):
    import json

    path = meitner_graph(tmp_path)
    runner = CliRunner()
    data = json.loads(runner.invoke(cli, ["show", str(path), "--json"]).stdout)
    assert [e["label"] for e in data["top_entities"]] == ["Lise Meitner", "Vienna"]  # no 1878
    assert data["n_entities"] == 2 and data["n_values"] == 1
    assert (data["n_mentions"], data["n_readings"]) == (1, 1)
    out = runner.invoke(cli, ["show", str(path)]).stdout
    assert "1878" not in out.split("top entities")[1]
    assert any(x.split()[:2] == ["mentions", "1"] for x in out.splitlines())
    assert any(x.split()[:2] == ["readings", "1"] for x in out.splitlines())
    # the settings one per line, never one long JSON line
    assert max(len(line) for line in out.splitlines()) < 120
    assert any(line.split() == ["beam_size", "6"] for line in out.splitlines())
    assert any(line.split() == ["min_score", "0.005"] for line in out.splitlines())


@pytest.mark.real_model
def test_show_counts_what_the_build_summary_counts(demo_default, tmp_path):
    from mamakg.inspect.browse import summarize
    from mamakg.rdf.load import load_graph

    path = tmp_path / "demo.ttl"
    demo_default.write(str(path))
    data = summarize(load_graph(str(path)))
    summary = demo_default.summary
    assert summary.n_readings > 0
    assert (data["n_facts"], data["n_mentions"], data["n_readings"]) == (
        summary.n_facts, summary.n_mentions, summary.n_readings)
    line = next(x for x in summary.lines() if x.startswith("facts "))
    assert line.startswith(f"facts {summary.n_facts} from {summary.n_mentions} mentions and "
                           f"{summary.n_readings} readings of them: relations mapped "
                           f"{summary.n_relations_mapped}, entities linked 0 (no --kb)")
    assert summary.n_relations_mapped == sum(1 for f in demo_default.facts if f.relation.pid)


def test_show_on_a_folder_that_is_no_store(tmp_path):
    folder = tmp_path / "exp"
    folder.mkdir()
    (folder / "notes.txt").write_text("x")
    for command in ("show", "facts", "query"):
        args = [command, str(folder)] + (["ASK { ?s ?p ?o }"] if command == "query" else [])
        done = CliRunner().invoke(cli, args)
        assert done.exit_code == 2, done.output
        assert done.stderr == (f"mamakg: error: {folder} is a folder but not an Oxigraph "
                               "store: give a graph file or a folder written by 'mamakg export "
                               "GRAPH --to oxigraph DIR'\n")


# --- summary words -------------------------------------------------------------------------

def test_the_build_summary_says_what_was_mapped_and_linked():
    from mamakg.result import Summary

    h, r, t, read, derived = served_as()
    summary = Summary.of_facts([fact(h, r, t, [read, dataclasses.replace(
        derived, sent_index=2)])])
    assert (summary.n_mentions, summary.n_readings, summary.n_relations_mapped) == (1, 1, 1)
    summary.linking = False
    assert "facts 1 from 1 mention and 1 reading of them: relations mapped 1, entities " \
           "linked 0 (no --kb)" in summary.lines()
    linked = dataclasses.replace(h, qid="Q84132")
    summary = Summary.of_facts([fact(linked, r, t, [read])])
    summary.linking = True
    assert "facts 1 from 1 mention: relations mapped 1, entities linked 1" in summary.lines()
    assert not any("mapped 0" in line for line in summary.lines())
