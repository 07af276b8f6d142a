"""Re-DocRED scorer (SCORING.md section 4.2) on a made-up two-document gold and a hand-made
graph; every expected figure is worked out by hand in the comments."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from mamakg.cli import cli
from mamakg.errors import MamakgError
from mamakg.evaluate import docred
from mamakg.result import Result, Summary
from mamakg.types import Entity, Fact, Mention, Relation, RunInfo, TextSpan


def m(name: str, sent: int, pos: tuple[int, int], kind: str = "PER") -> dict:
    return {"name": name, "sent_id": sent, "pos": list(pos), "type": kind}


GOLD = [
    {"title": "Lena Berg",
     "sents": [["Lena", "Berg", "was", "born", "in", "Tromsø", "."],
               ["Berg", "joined", "the", "Arctic", "Choir", ",", "founded", "in", "2001", "."]],
     "vertexSet": [[m("Lena Berg", 0, (0, 2)), m("Berg", 1, (0, 1))],  # 0
                   [m("Tromsø", 0, (5, 6), "LOC")],  # 1
                   [m("Arctic Choir", 1, (3, 5), "ORG")],  # 2
                   [m("2001", 1, (8, 9), "TIME")]],  # 3
     "labels": [{"h": 0, "t": 1, "r": "P19", "evidence": [0]},
                {"h": 0, "t": 2, "r": "P463", "evidence": [1]},
                {"h": 2, "t": 0, "r": "P527", "evidence": [1]},
                {"h": 2, "t": 3, "r": "P571", "evidence": [1]}]},
    {"title": "Oslo Quartet",
     "sents": [["The", "Oslo", "Quartet", "is", "a", "band", "from", "Oslo", "."]],
     "vertexSet": [[m("Oslo Quartet", 0, (1, 3), "ORG")], [m("Oslo", 0, (7, 8), "LOC")]],
     "labels": [{"h": 0, "t": 1, "r": "P740", "evidence": [0]},
                {"h": 0, "t": 1, "r": "P740", "evidence": [0]}]},  # a duplicate: one triple
]

A, B = "Lena Berg", "Oslo Quartet"


def mention(doc: str, sentence: str, head: str, rel: str, tail: str) -> Mention:
    h, r, t = sentence.index(head), sentence.index(rel), sentence.index(tail)
    return Mention(doc, 0, sentence, 0, TextSpan(head, h, h + len(head)),
                   TextSpan(rel, r, r + len(rel)), TextSpan(tail, t, t + len(tail)),
                   head.lower(), rel.lower(), tail.lower(), 1.0)


def node(label: str, key: str | None = None) -> Entity:
    return Entity(key or label.lower(), label)


def fact(head: Entity, pid: str | None, tail: Entity, *mentions: Mention) -> Fact:
    relation = Relation(f"r {pid}", f"rel {pid}", pid=pid, map_score=0.9 if pid else 0.0,
                        map_method="label" if pid else "none")
    return Fact(head, relation, tail, 1.0, len(mentions), mentions)


S_A = "Lena Berg was born in Tromsø. Berg joined the Arctic Choir in 2001."
S_B = "The Oslo Quartet is a band from Oslo, Norway."
LENA, BERG, TROMSO = node("Lena Berg"), node("Berg"), node("Tromsø")
CHOIR = node("the Arctic Choir", "arctic choir")
QUARTET, OSLO = node("The Oslo Quartet", "oslo quartet"), node("Oslo")
YEAR = Entity("2001", "2001", datatype="gYear", value="2001")

FACTS = [
    # f1: (0, P19, 1), a gold triple; a second mention in a document the gold lacks
    fact(LENA, "P19", TROMSO, mention(A, S_A, "Lena Berg", "born in", "Tromsø"),
         mention("Nowhere", S_A, "Lena Berg", "born in", "Tromsø")),
    # f2: "Berg" -> entity 0: (0, P463, 2), gold
    fact(BERG, "P463", CHOIR, mention(A, S_A, "Berg", "joined", "the Arctic Choir")),
    # f3: part of, read as its inverse (2, P527, 0): gold
    fact(BERG, "P361", CHOIR, mention(A, S_A, "Berg", "joined", "the Arctic Choir")),
    # f4: open fact; its tail "choir members" names no entity
    fact(LENA, None, node("choir members"),
         mention(A, "Lena Berg met choir members.", "Lena Berg", "met", "choir members")),
    # f5: tail only overlaps a gold name: unresolved
    fact(LENA, "P108", node("Tromsø Museum"),
         mention(A, "Lena Berg led the Tromsø Museum.", "Lena Berg", "led", "Tromsø Museum")),
    # f6: a property outside the schema: only counted
    fact(LENA, "P9999", TROMSO, mention(A, S_A, "Lena Berg", "born in", "Tromsø")),
    # f7: a literal tail (no node) resolving to entity 3: (0, P569, 3), not gold
    fact(LENA, "P569", YEAR, mention(A, S_A, "Lena Berg", "joined", "2001")),
    # f8: in both documents: gold in B; in A neither end is an entity (unresolved)
    fact(QUARTET, "P740", OSLO, mention(B, S_B, "The Oslo Quartet", "band from", "Oslo"),
         mention(A, S_B, "Oslo Quartet", "band from", "Oslo")),
    # f9: the same prediction in B from another node ("The Oslo Quartet" as its own key)
    fact(node("The Oslo Quartet", "the oslo quartet"), "P740", OSLO,
         mention(B, S_B, "The Oslo Quartet", "band from", "Oslo, Norway")),
]


@pytest.fixture
def gold() -> list[docred.GoldDocument]:
    return docred.parse_gold(json.dumps(GOLD))


def test_gold_parsed(gold):
    assert [d.doc_id for d in gold] == [A, B]
    assert gold[0].entities[0] == {"lena berg", "berg"}
    assert gold[1].triples == {(0, "P740", 1)}  # deduplicated
    assert gold[0].text == ("Lena Berg was born in Tromsø. Berg joined the Arctic Choir, "
                            "founded in 2001.")


def test_nodes_by_hand(gold):
    s = docred.score(gold, FACTS)
    # A: lena berg, tromsø, berg, arctic choir exact; tromsø museum overlap; choir members,
    # oslo quartet and oslo unmatched (not names of A); the literal 2001 is no node.
    # B: oslo quartet, the oslo quartet, oslo exact.
    assert (s.nodes.n_exact, s.nodes.n_overlap, s.nodes.n_unmatched) == (7, 1, 3)
    # name-like: all but "choir members"
    assert (s.name_like.n_exact, s.name_like.n_overlap, s.name_like.n_unmatched) == (7, 1, 2)
    # matched entities: A 0 (2 nodes), 1, 2; B 0 (2 nodes), 1 -> 2 of 5 split
    assert (s.n_entities_matched, s.n_entities_split) == (5, 2)
    assert s.split_share == pytest.approx(0.4)
    kinds = {(r.doc_id, r.node): r.kind for r in s.node_records}
    assert kinds[(A, "oslo")] == "unmatched" and kinds[(B, "oslo")] == "exact"
    assert kinds[(A, "tromsø museum")] == "overlap"
    assert (A, "2001") not in kinds


def test_facts_by_hand(gold):
    s = docred.score(gold, FACTS)
    # (document, fact): A f1 f2 f3 f5 f7 f8, B f8 f9 in the schema; A f6 outside
    assert (s.n_facts_in_schema, s.n_facts_other) == (8, 1)
    # distinct resolved: A f1 f2 f3 f7, B f8 (f9 a duplicate); unresolved: A f5, A f8
    assert (s.n_predictions, s.n_unresolved, s.n_true_positives) == (5, 2, 4)
    assert s.precision_all == pytest.approx(4 / 7)
    assert s.precision_restricted == pytest.approx(4 / 5)
    # gold: 4 in A, 1 in B; found all but (2, P571, 3)
    assert (s.n_gold, s.n_gold_found) == (5, 4)
    assert s.recall == pytest.approx(0.8)
    assert s.n_unknown_mentions == 1 and s.n_documents_with_facts == 2
    by_pid = {p.pid: p for p in s.per_property}
    assert (by_pid["P361"].n_true_positives, by_pid["P527"].n_gold_found) == (1, 1)
    assert by_pid["P571"].n_gold == 1 and by_pid["P571"].n_gold_found == 0
    dup = [r for r in s.fact_records if r.duplicate]
    assert [(r.doc_id, r.head) for r in dup] == [(B, "The Oslo Quartet")]


def test_without_inverses_part_of_misses(gold):
    """The inverse rewrite is what makes f3 right: without the gold's (2, P527, 0) it is
    wrong."""
    doc = gold[0]
    stripped = docred.GoldDocument(doc.doc_id, doc.index, doc.sentences, doc.entities,
                                   doc.triples - {(2, "P527", 0)})
    s = docred.score([stripped, gold[1]], FACTS)
    assert s.n_true_positives == 3


def test_document_ids_by_position_and_line(gold):
    f = fact(LENA, "P19", TROMSO, mention("docs.txt:1", S_A, "Lena Berg", "born in", "Tromsø"))
    g = fact(LENA, "P19", TROMSO, mention("0", S_A, "Lena Berg", "born in", "Tromsø"))
    for facts in ([f], [g]):
        s = docred.score(gold, facts)
        assert (s.n_true_positives, s.n_unknown_mentions) == (1, 0)


def test_match_kind_whole_words(gold):
    doc = gold[0]
    assert docred.match_kind(["The Arctic Choir"], doc) == "exact"
    assert docred.match_kind(["Arctic Choir in 2001"], doc) == "overlap"
    assert docred.match_kind(["Arctic"], doc) == "overlap"  # inside a gold name
    assert docred.match_kind(["Bergen"], doc) == "unmatched"
    assert docred.match_kind(["--"], doc) == "unmatched"


def test_detokenize():
    assert docred.detokenize(["He", "said", '"', "yes", '"', "(", "twice", ")", ";",
                              "co", "-", "wrote", "it", "in", "1920", "–", "21", "."]) == \
        'He said "yes" (twice); co-wrote it in 1920 – 21.'


def test_bad_gold():
    with pytest.raises(MamakgError, match="not JSON"):
        docred.parse_gold("{", "g.json")
    with pytest.raises(MamakgError, match="document 0"):
        docred.parse_gold('[{"title": "x"}]', "g.json")
    with pytest.raises(MamakgError, match="lacks"):
        docred.parse_gold('[{"title": "x", "sents": [], "vertexSet": [], '
                          '"labels": [{"h": 0, "t": 1, "r": "P17"}]}]', "g.json")


@pytest.fixture
def files(tmp_path: Path) -> tuple[Path, Path, Path]:
    gold = tmp_path / "gold.json"
    gold.write_text(json.dumps(GOLD), encoding="utf-8")
    result = Result(facts=FACTS, summary=Summary.of_facts(FACTS), run=RunInfo("0", "x"))
    jsonl, ttl = tmp_path / "g.jsonl", tmp_path / "g.ttl"
    result.write(str(jsonl))
    result.write(str(ttl))
    return gold, jsonl, ttl


def test_cli_json_same_for_jsonl_and_turtle(files, tmp_path):
    gold, jsonl, ttl = files
    runner = CliRunner()
    outs = []
    for graph in (jsonl, ttl):
        done = runner.invoke(cli, ["eval", "docred", str(gold), str(graph), "--json"])
        assert done.exit_code == 0, done.output
        outs.append(json.loads(done.stdout))
    assert outs[0] == outs[1]
    d = outs[0]
    assert (d["nodes"]["exact"], d["nodes"]["overlap"], d["nodes"]["unmatched"]) == (7, 1, 3)
    assert (d["tp"], d["predictions"], d["unresolved"], d["gold_found"]) == (4, 5, 2, 4)
    assert d["precision_restricted"] == 0.8 and d["recall"] == 0.8


def test_cli_text_and_records(files, tmp_path):
    gold, jsonl, _ = files
    records = tmp_path / "records.jsonl"
    done = CliRunner().invoke(cli, ["eval", "docred", str(gold), str(jsonl),
                                    "--records", str(records)])
    assert done.exit_code == 0, done.output
    assert "precision (restricted)  80.0%" in done.stdout
    assert "exact gold mention" in done.stdout
    rows = [json.loads(x) for x in records.read_text(encoding="utf-8").splitlines()]
    assert sum(r["record"] == "node" for r in rows) == 11
    assert sum(r["record"] == "fact" for r in rows) == 9
    again = CliRunner().invoke(cli, ["eval", "docred", str(gold), str(jsonl),
                                     "--records", str(records)])
    assert again.exit_code == 2 and "--force" in again.output


def test_cli_write_docs_and_usage(files):
    gold, _, _ = files
    runner = CliRunner()
    done = runner.invoke(cli, ["eval", "docred", str(gold), "--write-docs"])
    assert done.exit_code == 0
    docs = [json.loads(x) for x in done.stdout.splitlines()]
    assert [d["id"] for d in docs] == [A, B]
    assert docs[1]["text"] == "The Oslo Quartet is a band from Oslo."
    assert runner.invoke(cli, ["eval", "docred", str(gold)]).exit_code == 2
    bad = runner.invoke(cli, ["eval", "docred", str(files[1]), str(files[1])])
    assert bad.exit_code == 1 and "not JSON" in bad.output


DEV = Path(__file__).resolve().parents[2] / "shared" / "data" / "redocred-dev" / "dev_revised.json"


@pytest.mark.skipif(not DEV.is_file(), reason="shared Re-DocRED dev data not present")
def test_shared_dev_counts():
    """The figures its README gives: 500 documents, 9,684 entities, 17,284 triples, 4,110
    sentences; titles are unique, so they can be the documents' ids."""
    dev = docred.parse_gold(DEV.read_text(encoding="utf-8"), str(DEV))
    assert len(dev) == 500 and len({d.doc_id for d in dev}) == 500
    assert sum(len(d.entities) for d in dev) == 9684
    assert sum(len(d.triples) for d in dev) == 17284
    assert sum(len(d.sentences) for d in dev) == 4110
    assert {r for d in dev for _, r, _ in d.triples} <= docred.DOCRED_PROPERTIES
