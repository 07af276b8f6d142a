"""BenchIE scorer: the reference figures of benchie-dev/README.md and hand-made edge cases."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from mamakg.cli import cli
from mamakg.errors import MamakgError
from mamakg.evaluate.benchie import (
    Triple,
    expand,
    parse_gold,
    parse_predictions_any,
    read_gold,
    read_predictions,
    score,
)

SHARED = Path(__file__).resolve().parents[2] / "shared" / "data"
BENCHIE = SHARED / "benchie-dev"
needs_data = pytest.mark.skipif(not (BENCHIE / "benchie_gold_dev.txt").is_file(),
                                reason="shared/data/benchie-dev is not beside the repository")

REFERENCE = {  # benchie-dev/README.md: P, R, F1 on the 157 dev sentences
    "clausie": (0.5569, 0.2585, 0.3530),
    "minie": (0.4621, 0.2801, 0.3488),
    "openie6": (0.3268, 0.2246, 0.2662),
    "m2oie_en": (0.3980, 0.1583, 0.2265),
    "stanford": (0.0926, 0.1394, 0.1113),
    "roi_t": (0.3916, 0.0758, 0.1270),
    "roi_n": (0.2147, 0.0947, 0.1315),
    "graphene": (0.0963, 0.0460, 0.0623),
    "naive_oie": (0.0331, 0.0217, 0.0262),
}

GOLD = """sent_id:1\tHe served as the first Prime Minister of Australia .
1--> Cluster 1:
He --> served as --> [the] [first] Prime Minister [of Australia]
He --> served --> as [the] [first] Prime Minister [of Australia]
1--> Cluster 2:
He --> served as [the] [first] Prime Minister of --> Australia

sent_id:7\tGraner handcuffed him .
7-->Cluster 1:
Graner --> handcuffed --> him
""".splitlines()


@pytest.fixture(scope="module")
def dev_gold():
    if not (BENCHIE / "benchie_gold_dev.txt").is_file():
        pytest.skip("shared/data/benchie-dev is not beside the repository")
    return read_gold(BENCHIE / "benchie_gold_dev.txt")


@needs_data
@pytest.mark.parametrize("system", sorted(REFERENCE))
def test_shipped_system_outputs_reproduce_the_reference_figures(dev_gold, system):
    triples = read_predictions(BENCHIE / "system_extractions" / f"{system}_dev.txt", dev_gold)
    result = score(dev_gold, triples)
    assert (round(result.precision, 4), round(result.recall, 4),
            round(result.f1, 4)) == REFERENCE[system]
    assert result.n_clusters == 739


def test_expand_keeps_or_drops_each_group_and_collapses_spaces():
    assert expand("as [the] [first] Prime Minister [of Australia]") >= {
        "as Prime Minister", "as the first Prime Minister of Australia",
        "as first Prime Minister of Australia"}
    assert len(expand("as [the] [first] Prime Minister [of Australia]")) == 8
    assert expand("plain") == frozenset({"plain"})


def test_gold_parser_tolerates_a_header_without_space():
    gold = parse_gold(GOLD)
    assert [(g.sent_id, len(g.clusters)) for g in gold] == [("1", 2), ("7", 1)]
    assert gold[1].sentence == "Graner handcuffed him ."


def test_gold_parser_rejects_other_files():
    with pytest.raises(MamakgError, match="not a BenchIE gold file"):
        parse_gold([])
    with pytest.raises(MamakgError, match="gold.txt:2"):
        parse_gold(["sent_id:1\tA b .", "A --> b"], "gold.txt")


def test_clusters_are_hit_once_and_misses_are_false_positives():
    gold = parse_gold(GOLD)
    triples = [
        Triple("1", "He", "served as", "the first Prime Minister"),  # cluster 1
        Triple("1", "He", "served", "as Prime Minister of Australia"),  # cluster 1 again
        Triple("1", "He", "served as", "The first Prime Minister"),  # case differs: FP
        Triple("7", "Graner", "handcuffed", "him"),
        Triple("99", "x", "y", "z"),  # unknown sentence: ignored
    ]
    result = score(gold, triples)
    assert (result.n_true_positives, result.n_false_positives, result.n_ignored) == (2, 1, 1)
    assert (result.precision, result.recall) == (pytest.approx(2 / 3), pytest.approx(2 / 3))


def test_a_prediction_credits_only_the_first_matching_cluster():
    gold = parse_gold(["sent_id:1\tA b c .", "1--> Cluster 1:", "A --> b --> c",
                       "1--> Cluster 2:", "A --> b --> [c]"])
    result = score(gold, [Triple("1", "A", "b", "c"), Triple("1", "A", "b", "c")])
    assert (result.n_true_positives, result.n_false_positives) == (1, 0)
    assert result.recall == 0.5


def test_carb_and_jsonl_predictions_are_mapped_to_sentence_ids():
    gold = parse_gold(GOLD)
    carb = ["Graner handcuffed him .\t0.5\thandcuffed\tGraner\thim",
            "He served as the first Prime Minister of Australia .\t0.1\tserved\tHe\tas\tPM"]
    assert parse_predictions_any(carb, gold) == [Triple("7", "Graner", "handcuffed", "him"),
                                                 Triple("1", "He", "served", "as PM")]
    record = {"mentions": [{"doc_id": "7", "head": {"text": "Graner"},
                            "relation": {"text": "handcuffed"}, "tail": {"text": "him"}}]}
    assert parse_predictions_any([json.dumps(record)], gold) == [
        Triple("7", "Graner", "handcuffed", "him")]
    with pytest.raises(MamakgError, match="4 fields|expected"):
        parse_predictions_any(["1\tHe\tserved"], gold, fmt="benchie")


def test_cli(tmp_path):
    gold = tmp_path / "gold.txt"
    gold.write_text("\n".join(GOLD) + "\n", encoding="utf-8")
    pred = tmp_path / "pred.txt"
    pred.write_text("7\tGraner\thandcuffed\thim\n1\tHe\tdied\tyoung\n", encoding="utf-8")
    runner = CliRunner()
    result = runner.invoke(cli, ["eval", "benchie", "--gold", str(gold), str(pred), "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output) == {
        "precision": 0.5, "recall": 0.3333, "f1": 0.4, "n_true_positives": 1,
        "n_false_positives": 1, "n_clusters": 3, "n_predictions": 2, "n_ignored": 0}
    table = runner.invoke(cli, ["eval", "benchie", "--gold", str(gold), str(pred)])
    assert "clusters hit     1 of 3" in table.output
    bad = runner.invoke(cli, ["eval", "benchie", "--gold", str(pred), str(pred)])
    assert bad.exit_code == 1
