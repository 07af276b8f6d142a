"""KnowledgeNet scorer (SCORING.md section 4.1) on hand-made passages, plus the shared folds."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from mamakg.cli import cli
from mamakg.errors import MamakgError
from mamakg.evaluate.knowledgenet import (
    Mode,
    Prediction,
    norm,
    parse_date,
    parse_gold,
    predictions_from_facts,
    read_gold,
    score,
)

SHARED = Path(__file__).resolve().parents[2] / "shared" / "data"
FOLDS = SHARED / "knowledgenet-dev" / "knowledgenet_folds123.jsonl"

TEXT = "Ann Lee married Bob Kay in Paris; she was born on March 7, 1961 in Paris."
START = 100  # the passage's document offset


def fact(prop: str, subject: str, obj: str, *, s_at: int = 0, o_at: int = 0,
         s_uri: str = "", o_uri: str = "", canonical: str | None = None) -> dict:
    s, o = TEXT.index(subject, s_at), TEXT.index(obj, o_at)
    return {"property": prop, "subjectStart": START + s, "subjectEnd": START + s + len(subject),
            "subjectText": subject, "subjectUri": s_uri, "subjectCanonical": canonical or subject,
            "objectStart": START + o, "objectEnd": START + o + len(obj), "objectText": obj,
            "objectUri": o_uri, "objectCanonical": obj}


PASSAGE = {
    "passageId": "d1:100:173", "passageStart": START, "passageText": TEXT,
    "exhaustivelyAnnotatedProperties": ["SPOUSE", "PLACE_OF_BIRTH", "DATE_OF_BIRTH"],
    "facts": [
        fact("SPOUSE", "Ann Lee", "Bob Kay", s_uri="http://www.wikidata.org/entity/Q1",
             o_uri="http://www.wikidata.org/entity/Q2"),
        fact("PLACE_OF_BIRTH", "she", "Paris", o_at=40, canonical="Ann Lee"),
        fact("DATE_OF_BIRTH", "she", "March 7, 1961", canonical="Ann Lee"),
    ],
}
EMPTY = {"passageId": "d2:0:10", "passageStart": 0, "passageText": "Nothing here.",
         "exhaustivelyAnnotatedProperties": ["CEO"], "facts": []}


@pytest.fixture
def gold():
    return parse_gold([json.dumps(PASSAGE), json.dumps(EMPTY)])


def p(prop: str, subject: str, obj: str, passage: str = "d1:100:173", **kw) -> Prediction:
    return Prediction(passage, prop, subject, obj, **kw)


def test_norm_and_dates():
    assert norm("The  Paris-Region ") == "paris region"
    assert norm("Ｔhe Café") == "café"
    assert parse_date("born on 7 March 1961") == (1961, 3, 7)
    assert parse_date("1961") == (1961, None, None)


def test_label_mode_matches_canonical_names_and_symmetric_spouse(gold):
    preds = [p("SPOUSE", "Bob Kay", "Ann Lee"),  # symmetric
             p("PLACE_OF_BIRTH", "Ann Lee", "Paris"),  # canonical subject of "she"
             p("DATE_OF_BIRTH", "Ann Lee", "1961")]  # strict date: month and day missing
    result = score(gold, preds, Mode.LABEL)
    assert (result.n_true_positives, result.n_false_positives, result.n_false_negatives) == (
        2, 1, 1)
    lenient = score(gold, preds, Mode.LABEL, dates="lenient")
    assert (lenient.n_true_positives, lenient.n_false_positives) == (3, 0)
    assert {r.name: r.recall for r in result.per_property} == {
        "DATE_OF_BIRTH": 0.0, "PLACE_OF_BIRTH": 1.0, "SPOUSE": 1.0}
    assert result.macro_f1 == pytest.approx((0 + 1 + 1) / 3)


def test_only_annotated_properties_give_false_positives(gold):
    preds = [p("CEO", "Ann Lee", "Bob Kay"), p("CEO", "Ann", "Bob", passage="d2:0:10"),
             p("SPOUSE", "Ann Lee", "Paris"), p("SPOUSE", "Ann Lee", "Paris"),  # deduplicated
             p("SPOUSE", "Ann Lee", "Bob Kay", passage="unknown")]
    result = score(gold, preds, Mode.LABEL)
    assert (result.n_false_positives, result.n_unannotated, result.n_unknown_passage) == (2, 1, 1)
    assert result.n_predictions == 3


def test_span_overlap_finds_every_occurrence_of_a_string(gold):
    # "Paris" occurs twice; the gold object is the second one
    preds = [p("PLACE_OF_BIRTH", "she", "Paris"), p("SPOUSE", "Lee", "Bob Kay Jr")]
    result = score(gold, preds, Mode.SPAN_OVERLAP)
    assert result.n_true_positives == 1  # "Bob Kay Jr" is not in the text: no span
    assert result.n_false_positives == 1
    assert score(gold, [p("SPOUSE", "Lee", "Bob")], Mode.SPAN_OVERLAP).n_true_positives == 1
    assert score(gold, [p("SPOUSE", "Lee", "Bob")], Mode.SPAN_EXACT).n_true_positives == 0


def test_span_mode_uses_offsets_when_known(gold):
    first_paris = TEXT.index("Paris")
    wrong = p("PLACE_OF_BIRTH", "she", "Paris", object_span=(first_paris, first_paris + 5))
    assert score(gold, [wrong], Mode.SPAN_OVERLAP).n_true_positives == 0


def test_recall_without_pronoun_subjects(gold):
    result = score(gold, [p("SPOUSE", "Ann Lee", "Bob Kay")], Mode.LABEL)
    assert result.recall == pytest.approx(1 / 3)
    assert (result.recall_no_pronoun, result.n_gold_no_pronoun) == (1.0, 1)


def test_uri_mode_keeps_linked_non_date_facts(gold):
    result = score(gold, [p("SPOUSE", "x", "y", subject_qid="Q2", object_qid="Q1")], Mode.URI)
    assert (result.n_true_positives, result.n_false_negatives, result.precision) == (1, 0, 1.0)


def record(pid: str | None, head: str, tail: str, doc_id: str = "d1:100:173",
           sent_start: int = 0) -> dict:
    def span(text: str) -> dict:
        at = TEXT.index(text) - sent_start
        return {"text": text, "start": at, "end": at + len(text)}

    return {"relation": {"pid": pid}, "head": {"qid": None}, "tail": {"qid": None},
            "mentions": [{"doc_id": doc_id, "sent_start": sent_start, "head": span(head),
                          "relation": {"text": "r"}, "tail": span(tail)}]}


def test_mamakg_facts_are_mapped_and_inverted():
    lines = [json.dumps(r) for r in (
        record("P26", "Ann Lee", "Bob Kay"),
        record("P40", "Bob Kay", "Ann Lee", sent_start=4),  # parent, child -> child CHILD_OF
        record("P31", "Ann Lee", "Paris"),
        record(None, "Ann Lee", "Paris"),
    )]
    preds, counts = predictions_from_facts(lines)
    assert counts.to_dict() == {"mentions": 4, "open": 1, "other_property": 1, "in_schema": 2}
    spouse, child = preds
    assert (spouse.property, spouse.subject, spouse.subject_span) == ("SPOUSE", "Ann Lee", (0, 7))
    assert (child.property, child.subject, child.object) == ("CHILD_OF", "Ann Lee", "Bob Kay")
    assert child.object_span == (TEXT.index("Bob Kay"), TEXT.index("Bob Kay") + 7)
    with pytest.raises(MamakgError, match="facts.jsonl:1"):
        predictions_from_facts(['{"relation": 3}'], "facts.jsonl")


def test_a_mentions_nodes_are_its_arguments():
    # with --entity-boundaries a mention keeps its chunks and names the entities inside them
    rec = record("P26", "Ann Lee", "Bob Kay")
    m = rec["mentions"][0]
    chunk = {"text": "Ann Lee married", "start": m["head"]["start"],
             "end": m["head"]["start"] + len("Ann Lee married")}
    node = m["head"]
    m["head"], m["head_node"] = chunk, node
    (pred,), _ = predictions_from_facts([json.dumps(rec)])
    assert (pred.subject, pred.subject_span) == ("Ann Lee", (0, 7))
    del m["head_node"]
    (pred,), _ = predictions_from_facts([json.dumps(rec)])
    assert pred.subject == "Ann Lee married"


def test_bad_gold_is_a_clear_error():
    with pytest.raises(MamakgError, match="g.jsonl:1: not a KnowledgeNet passage"):
        parse_gold(['{"text": "x"}'], "g.jsonl")


@pytest.mark.skipif(not FOLDS.is_file(), reason="shared/data/knowledgenet-dev is not beside "
                                                "the repository")
def test_gold_as_predictions_scores_perfectly_on_the_shared_folds():
    gold = read_gold(FOLDS)
    assert (len(gold), sum(len(x.facts) for x in gold)) == (4288, 8180)
    preds = [p(f.property, f.subject_text, f.object_text, passage=x.passage_id)
             for x in gold for f in x.facts]
    for mode in (Mode.LABEL, Mode.SPAN_OVERLAP, Mode.SPAN_EXACT):
        result = score(gold, preds, mode)
        assert (result.precision, result.recall) == (1.0, 1.0), mode
    # 42% of the subjects are pronouns (SCORING.md)
    assert score(gold, preds, Mode.LABEL).n_gold_no_pronoun / 8180 == pytest.approx(0.58,
                                                                                  abs=0.01)


def test_cli(tmp_path):
    gold = tmp_path / "gold.jsonl"
    gold.write_text(json.dumps(PASSAGE) + "\n", encoding="utf-8")
    facts = tmp_path / "facts.jsonl"
    facts.write_text(json.dumps(record("P26", "Ann Lee", "Bob Kay")) + "\n", encoding="utf-8")
    runner = CliRunner()
    result = runner.invoke(cli, ["eval", "knowledgenet", "--gold", str(gold), str(facts),
                                 "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert set(data) == {"predictions", "label", "span_overlap"}
    assert data["span_overlap"]["tp"] == 1 and data["label"]["recall"] == pytest.approx(0.3333)
    table = runner.invoke(cli, ["eval", "knowledgenet", "--gold", str(gold), str(facts),
                                "--mode", "span_exact"])
    assert "mode span_exact" in table.output and "SPOUSE" in table.output
