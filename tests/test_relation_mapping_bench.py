"""The scoring of benchmarks/relation_mapping.py on hand-made records and facts."""

import json
import sys

from conftest import ROOT

sys.path.insert(0, str(ROOT / "benchmarks"))

from relation_mapping import Record, score  # noqa: E402


def _fact(pid, head, tail, doc, h_span, t_span, score_=1.0):
    return {"head": {"label": head}, "tail": {"label": tail},
            "relation": {"pid": pid}, "score": score_,
            "mentions": [{"doc_id": doc, "sent_start": 0, "score": score_,
                          "head": {"text": head, "start": h_span[0], "end": h_span[1]},
                          "tail": {"text": tail, "start": t_span[0], "end": t_span[1]}}]}


def test_recall_and_map_accuracy(tmp_path):
    text = "Willie Mosconi was born in Philadelphia ."
    records = [
        Record("a", text, "P19", ("Willie Mosconi",), ("Philadelphia",), (0, 14), (27, 39)),
        Record("b", text, "P19", ("Willie Mosconi",), ("Philadelphia",), (0, 14), (27, 39)),
        Record("c", text, "P20", ("Willie Mosconi",), ("Philadelphia",), (0, 14), (27, 39)),
        Record("d", text, "P20", ("Willie Mosconi",), ("Philadelphia",), (0, 14), (27, 39)),
    ]
    facts = [
        _fact("P19", "Willie Mosconi", "Philadelphia", "a", (0, 14), (27, 39)),  # right
        _fact(None, "Willie Mosconi", "Philadelphia", "b", (0, 14), (27, 39)),  # abstains
        _fact("P19", "Philadelphia", "Willie Mosconi", "c", (27, 39), (0, 14)),  # other P-id
        # "d": nothing extracted between subject and object
        _fact("P20", "born", "Philadelphia", "d", (19, 23), (27, 39)),
    ]
    path = tmp_path / "facts.jsonl"
    path.write_text("".join(json.dumps(f) + "\n" for f in facts), encoding="utf-8")
    r = score(records, path)
    assert r["e2e_recall"] == 0.25  # only "a": right P-id, head and tail
    assert r["e2e_macro_recall"] == (0.5 + 0.0) / 2
    assert r["map_covered"] == 3
    assert (r["map_accuracy"], r["map_other_pid"], r["map_abstain"]) == (1 / 3, 1 / 3, 1 / 3)
    # P19: predicted twice, right once (P 0.5, R 0.5); P20: never right
    assert r["map_macro_f1"] == (0.5 + 0.0) / 2


def test_the_most_confident_linked_fact_decides(tmp_path):
    text = "Willie Mosconi was born in Philadelphia ."
    records = [Record("a", text, "P19", ("Willie Mosconi",), ("Philadelphia",), (0, 14),
                      (27, 39))]
    facts = [_fact(None, "Willie Mosconi", "Philadelphia", "a", (0, 14), (27, 39), 0.4),
             _fact("P19", "Willie Mosconi", "Philadelphia", "a", (0, 14), (27, 39), 0.7)]
    path = tmp_path / "facts.jsonl"
    path.write_text("".join(json.dumps(f) + "\n" for f in facts), encoding="utf-8")
    assert score(records, path)["map_accuracy"] == 1.0


def test_a_fact_links_by_the_spans_of_its_nodes(tmp_path):
    text = "Josh Wise (born February 7, 1983 in Riverside) is a driver ."
    records = [Record("a", text, "P19", ("Josh Wise",), ("Riverside",), (0, 9), (36, 45))]
    date = _fact("P569", "Josh Wise", "February 7, 1983", "a", (0, 9), (16, 45), 0.9)
    date["mentions"][0]["tail_node"] = {"text": "February 7, 1983", "start": 16, "end": 32}
    place = _fact("P19", "Josh Wise", "Riverside", "a", (0, 9), (36, 45), 0.8)
    path = tmp_path / "facts.jsonl"
    path.write_text("".join(json.dumps(f) + "\n" for f in (date, place)), encoding="utf-8")
    # the date's chunk holds "Riverside", its node does not: the place of birth decides
    assert score(records, path)["map_accuracy"] == 1.0
