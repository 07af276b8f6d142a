"""Match and Filter on hand-built sentences and attention matrices."""

import numpy as np
import pytest

from mamakg.config import Config, PairMode
from mamakg.filters import Drop, check_candidate, to_mention
from mamakg.match import chunk_units, match_sentence
from mamakg.normalize import entity_key, relation_key

from helpers import dylan, sentence


def test_match_dylan_worked_example():
    s = dylan()
    # tokens: Bob Dylan is a songwriter; chunks [Bob Dylan] -> unit 0, is -> 1, [a songwriter] -> 2
    att = np.zeros((5, 5))
    att[0:2, 2] = 0.3  # Bob, Dylan -> is: chunk row mean 0.3
    att[2, 3] = 0.2
    att[2, 4] = 0.6  # is -> a songwriter: column mean (0.2 + 0.6) / 2 = 0.4
    att[0:2, 3:5] = 0.05
    (cand,) = match_sentence(s, att, Config())
    assert cand.head == (0, 2) and cand.tail == (3, 5) and cand.relation == (2,)
    assert cand.score == pytest.approx(0.3 + 0.4)
    assert [step.text for step in cand.path] == ["Bob Dylan", "is", "a songwriter"]


def test_pairs_all_vs_consecutive():
    s = sentence(["A", "x", "B", "y", "C"], ["PROPN", "VERB", "PROPN", "VERB", "PROPN"],
                 chunks=[(0, 1), (2, 3), (4, 5)])
    att = np.full((5, 5), 0.2)
    all_pairs = {(c.head, c.tail) for c in match_sentence(s, att, Config())}
    assert all_pairs == {((0, 1), (2, 3)), ((0, 1), (4, 5)), ((2, 3), (4, 5))}
    consecutive = {(c.head, c.tail) for c in match_sentence(s, att, Config(pairs=PairMode.CONSECUTIVE))}
    assert consecutive == {((0, 1), (2, 3)), ((2, 3), (4, 5))}
    # the path from A to C may not pass through the chunk B
    long = [c for c in match_sentence(s, att, Config()) if c.tail == (4, 5) and c.head == (0, 1)]
    assert long and all(2 not in c.relation for c in long)


def test_chunk_units():
    assert chunk_units(dylan()) == ([[0, 1], [2], [3, 4]], [0, 2])
    # adjacent chunks, words before the first and after the last
    s = sentence(["so", "A", "B", "C", "D", "x", "y"], ["ADV", "PROPN", "PROPN", "PROPN", "NOUN",
                                                         "VERB", "ADV"],
                 chunks=[(1, 3), (3, 5)])
    assert chunk_units(s) == ([[0], [1, 2], [3, 4], [5], [6]], [1, 2])
    assert chunk_units(sentence(["x", "y"], ["VERB", "ADV"], chunks=[])) == ([[0], [1]], [])


def test_filters_score_contiguity_content():
    s = sentence(["He", "was", "born", "in", "Paris", "of", "the", "X"],
                 ["PRON", "AUX", "VERB", "ADP", "PROPN", "ADP", "DET", "PROPN"],
                 deps=["nsubjpass", "auxpass", "ROOT", "prep", "pobj", "prep", "det", "pobj"],
                 lemmas=["he", "be", "bear", "in", "paris", "of", "the", "x"],
                 chunks=[(0, 1), (4, 5), (7, 8)])
    from mamakg.types import Candidate

    def cand(rel, score=0.5, tail=(4, 5), head=(0, 1)):
        return Candidate(s, head, tail, rel, score, ())

    config = Config(min_score=0.1)
    assert check_candidate(cand((1, 2, 3)), config) is None
    assert check_candidate(cand((1, 2, 3), score=0.05), config) is Drop.LOW_SCORE
    assert check_candidate(cand((1, 3)), config) is Drop.NOT_CONTIGUOUS
    assert check_candidate(cand((5, 6), head=(4, 5), tail=(7, 8)), config) is Drop.NO_CONTENT
    m = to_mention(cand((1, 2, 3)))
    assert (m.head.text, m.relation.text, m.tail.text) == ("He", "was born in", "Paris")
    assert m.relation_key == "bear in"  # lemmas, auxiliary removed
    assert s.text[m.relation.start:m.relation.end] == "was born in"


def test_relation_key_drops_adjectives_adverbs_keeps_negation():
    s = sentence(["later", "not", "famous", "born"], ["ADV", "PART", "ADJ", "VERB"],
                 deps=["advmod", "neg", "amod", "ROOT"])
    assert relation_key(s, [0, 1, 2, 3]) == "not born"


def test_entity_key_drops_leading_determiner():
    s = dylan()
    assert entity_key(s, 3, 5) == "songwriter"
    assert entity_key(s, 0, 2) == "bob dylan"
