"""CaRB scorer: the reference figures of SCORING.md section 3 and hand-made edge cases."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from mamakg.cli import cli
from mamakg.errors import MamakgError
from mamakg.evaluate.carb import (
    Extraction,
    match_pair,
    parse_gold,
    parse_predictions,
    read_gold,
    read_predictions,
    score,
    sentence_key,
)

SHARED = Path(__file__).resolve().parents[2] / "shared" / "data"
CARB = SHARED / "carb-dev"
needs_data = pytest.mark.skipif(not (CARB / "dev_gold.tsv").is_file(),
                                reason="shared/data/carb-dev is not beside the repository")

S = "John Smith , the mayor , said the city was safe ."


def ex(relation: str, *args: str, confidence: float = 1.0, sentence: str = S) -> Extraction:
    return Extraction(sentence, relation, tuple(args), confidence)


@needs_data
def test_reference_openie5_output_reproduces_the_official_figures():
    result = score(read_gold(CARB / "dev_gold.tsv"),
                   read_predictions(CARB / "reference_openie5_dev_output.tsv"))
    assert (round(result.auc, 3), round(result.precision, 3), round(result.recall, 3),
            round(result.f1, 3)) == (0.240, 0.526, 0.406, 0.458)
    assert result.threshold == pytest.approx(0.17609, abs=1e-5)
    assert (result.n_gold_sentences, result.n_gold, result.n_predictions) == (638, 2548, 1579)


def test_sentence_key_ignores_spaces_punctuation_and_ptb_brackets():
    assert sentence_key("He left -LRB- again -RRB- .") == sentence_key("He left (again).")
    assert sentence_key("`` Hi , '' she said .") == "Hishesaid"


def test_gold_reader_strips_fields_and_drops_context_arguments():
    (gold,) = parse_gold([f"{S} \tsaid \t John Smith\tC: the mayor said\tthe city was safe\t\t"])
    assert gold == ex("said", "John Smith", "the city was safe")


def test_prediction_reader_skips_blank_lines_and_rejects_bad_confidence():
    assert parse_predictions(["", f"{S}\t0.5\tsaid\tJohn Smith\tthe city", "  "]) == [
        ex("said", "John Smith", "the city", confidence=0.5)]
    with pytest.raises(MamakgError, match="not a number"):
        parse_predictions([f"{S}\thigh\tsaid\tJohn Smith"], "p.tsv")
    with pytest.raises(MamakgError, match="p.tsv:1"):
        parse_predictions([f"{S}\t0.5"], "p.tsv")


def test_match_needs_a_shared_relation_token():
    gold = ex("was", "the city", "safe")
    assert match_pair(gold, ex("is", "the city", "safe")) == (0.0, 0.0)


def test_match_counts_tokens_case_sensitively_with_multiset_overlap():
    gold = ex("was", "the city", "safe")
    # "The" is not "the": relation 1 + subject 1 + object 1 of 4 tokens on each side
    assert match_pair(gold, ex("was", "The city", "safe")) == (0.75, 0.75)
    # a repeated predicted token matches one gold token only: 4 of 5 predicted tokens
    assert match_pair(gold, ex("was", "the the city", "safe")) == (0.8, 1.0)


def test_be_in_prediction_matches_a_form_of_be_in_gold():
    assert match_pair(ex("was", "the city", "safe"), ex("be", "the city", "safe")) == (1.0, 1.0)


def test_missing_subject_or_object_scores_zero_but_extra_arguments_are_free():
    gold = ex("was", "the city", "safe")
    assert match_pair(gold, ex("was", "the city")) == (0.0, 0.0)
    assert match_pair(ex("was", "the city"), ex("was", "the city", "very safe")) == (1.0, 1.0)


def test_nary_tuples_are_binarised():
    gold = ex("was", "the city", "safe", "today")
    assert match_pair(gold, ex("was", "the city", "safe today")) == (1.0, 1.0)
    assert match_pair(gold, ex("was", "the city", "safe", "today")) == (1.0, 1.0)


def test_said_relations_also_score_the_swapped_arguments():
    gold = ex("said", "John Smith", "the city was safe")
    swapped = ex("said", "the city was safe", "John Smith")
    assert match_pair(gold, swapped) == (1.0, 1.0)
    assert match_pair(ex("stated", "John Smith", "the city was safe"),
                      ex("stated", "the city was safe", "John Smith")) == (pytest.approx(1 / 7),
                                                                           pytest.approx(1 / 7))


def test_one_constant_confidence_gives_one_point_and_its_auc():
    gold = [ex("was", "the city", "safe"), ex("is", "John Smith", "the mayor")]
    result = score(gold, [ex("was", "the city", "safe", confidence=0.3)])
    assert (result.precision, result.recall, result.threshold) == (1.0, 0.5, 0.3)
    assert result.auc == pytest.approx(0.5 * (1.0 + 1.0) / 2)


def test_precision_is_one_to_one_and_recall_takes_the_best_prediction():
    gold = [ex("was", "the city", "safe")]
    preds = [ex("was", "the city", "safe", confidence=0.9),
             ex("was", "the city", "safe", confidence=0.9)]
    result = score(gold, preds)
    assert (result.precision, result.recall) == (0.5, 1.0)


def test_thresholds_trace_the_curve_and_pick_the_best_f1():
    gold = [ex("was", "the city", "safe"), ex("is", "John Smith", "the mayor")]
    preds = [ex("was", "the city", "safe", confidence=0.9),
             ex("is", "John Smith", "the mayor", confidence=0.5),
             ex("said", "the mayor", "nothing", confidence=0.1)]
    result = score(gold, preds)
    assert result.curve == ((0.1, pytest.approx(2 / 3), 1.0), (0.5, 1.0, 1.0), (0.9, 1.0, 0.5))
    assert (result.precision, result.recall, result.f1, result.threshold) == (1.0, 1.0, 1.0, 0.5)
    # (R, P) points 1/.667, 1/1, .5/1 then (0, 1): trapezoids 0 + .5 + .5
    assert result.auc == pytest.approx(1.0)


def test_predictions_for_unknown_sentences_only_add_thresholds():
    gold = [ex("was", "the city", "safe")]
    other = ex("was", "x", "y", confidence=0.2, sentence="Another sentence .")
    result = score(gold, [ex("was", "the city", "safe", confidence=0.9), other])
    assert result.n_scored_predictions == 1
    assert [t for t, _, _ in result.curve] == [0.2, 0.9]
    assert (result.precision, result.recall) == (1.0, 1.0)


def test_gold_sentences_without_predictions_count_for_recall():
    gold = [ex("was", "the city", "safe"), ex("was", "x", "y", sentence="Another one .")]
    result = score(gold, [ex("was", "the city", "safe", confidence=0.9)])
    assert (result.precision, result.recall) == (1.0, 0.5)


def test_no_predictions():
    result = score([ex("was", "the city", "safe")], [])
    assert (result.auc, result.recall, result.f1, result.threshold) == (0.0, 0.0, 0.0, None)


def test_cli_prints_a_table_and_json(tmp_path):
    gold = tmp_path / "gold.tsv"
    gold.write_text(f"{S}\twas\tthe city\tsafe\n", encoding="utf-8")
    pred = tmp_path / "pred.tsv"
    pred.write_text(f"{S}\t0.7\twas\tthe city\tsafe\n", encoding="utf-8")
    runner = CliRunner()
    table = runner.invoke(cli, ["eval", "carb", "--gold", str(gold), str(pred)])
    assert table.exit_code == 0, table.output
    assert "AUC             1.000" in table.output
    as_json = runner.invoke(cli, ["eval", "carb", "--gold", str(gold), str(pred), "--json"])
    assert as_json.exit_code == 0
    assert json.loads(as_json.output)["f1"] == 1.0
    stdin = runner.invoke(cli, ["eval", "carb", "--gold", str(gold), "-", "--json"],
                          input=pred.read_text(encoding="utf-8"))
    assert json.loads(stdin.output)["auc"] == 1.0


def test_cli_bad_prediction_file_is_a_one_line_error(tmp_path):
    gold = tmp_path / "gold.tsv"
    gold.write_text(f"{S}\twas\tthe city\tsafe\n", encoding="utf-8")
    pred = tmp_path / "pred.tsv"
    pred.write_text("1\tHe\tran\tfast\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["eval", "carb", "--gold", str(gold), str(pred)])
    assert result.exit_code == 1
    assert "is not a number" in result.output
    missing = CliRunner().invoke(cli, ["eval", "carb", "--gold", str(tmp_path / "no"), str(pred)])
    assert missing.exit_code == 2
