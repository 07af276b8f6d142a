"""The beam search on hand-made attention matrices, with scores worked out by hand."""

import numpy as np
import pytest

from mamakg.beam import beam_search


def test_dylan_is_songwriter_follows_the_highest_attention():
    # units: 0 Dylan, 1 is, 2 songwriter
    att = np.array([[0.0, 0.3, 0.1],
                    [0.0, 0.0, 0.4],
                    [0.0, 0.0, 0.0]])
    beams = beam_search(att, 0, 2, beam_size=6)
    # the only path with a relation word: Dylan -> is (0.3) -> songwriter (0.4)
    assert [b.units for b in beams] == [(0, 1, 2)]
    assert beams[0].score == pytest.approx(0.7)
    assert beams[0].weights == pytest.approx((0.0, 0.3, 0.4))


def test_beam_keeps_finished_paths_competing_with_longer_ones():
    # 0 head, 1 r1, 2 r2, 3 tail
    att = np.array([[0, .3, .1, .1],
                    [0, 0, .2, .4],
                    [0, 0, 0, .5],
                    [0, 0, 0, 0]], dtype=float)
    # step 1: (0,1)=.3 (0,2)=.1; step 2: (0,1,3)=.7 (0,2,3)=.6 (0,1,2)=.5
    assert [(b.units, round(b.score, 3)) for b in beam_search(att, 0, 3, beam_size=2)] == [
        ((0, 1, 3), 0.7), ((0, 2, 3), 0.6)]
    # a third beam lets (0,1,2) grow into the best path: .3 + .2 + .5
    best = beam_search(att, 0, 3, beam_size=3)[0]
    assert best.units == (0, 1, 2, 3) and best.score == pytest.approx(1.0)
    # beam size 1 is greedy: 0 -> 1 (.3), then 1 -> 3 (.4) beats 1 -> 2 (.2)
    assert beam_search(att, 0, 3, beam_size=1)[0].units == (0, 1, 3)


def test_adjacent_head_and_tail_have_no_path():
    att = np.ones((3, 3))
    assert beam_search(att, 0, 1) == []


def test_max_relation_len_and_blocked_units():
    att = np.full((5, 5), 0.1)
    att[0, 1] = att[1, 2] = att[2, 3] = 0.9
    assert beam_search(att, 0, 4, beam_size=6)[0].units == (0, 1, 2, 3, 4)
    assert all(len(b.units) - 2 <= 1 for b in beam_search(att, 0, 4, max_relation_len=1))
    assert all(2 not in b.units for b in beam_search(att, 0, 4, blocked=frozenset({2})))


def test_ties_break_towards_the_leftmost_path():
    att = np.zeros((4, 4))
    # every step ties at 0: the nearest unit wins each time
    assert beam_search(att, 0, 3, beam_size=1)[0].units == (0, 1, 2, 3)


def test_bad_head_tail():
    with pytest.raises(ValueError):
        beam_search(np.zeros((3, 3)), 2, 1)
