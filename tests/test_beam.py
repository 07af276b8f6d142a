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


def test_vectorized_search_equals_the_reference_on_random_matrices():
    from mamakg.beam import beam_search_pairs

    rng = np.random.default_rng(0)
    for _ in range(200):
        n = int(rng.integers(3, 20))
        att = rng.random((n, n)).astype(np.float32)
        blocked = rng.random(n) < 0.3
        pairs = [(h, t) for h in range(n) for t in range(h + 1, n) if rng.random() < 0.4]
        if not pairs:
            continue
        k, limit = int(rng.integers(1, 7)), int(rng.integers(1, 9))
        found = beam_search_pairs(att, np.array([h for h, _ in pairs]),
                                  np.array([t for _, t in pairs]), k, limit, blocked)
        for (h, t), beams in zip(pairs, found):
            ref = beam_search(att, h, t, k, limit, frozenset(np.flatnonzero(blocked).tolist()) - {t})
            assert [b.units for b in beams] == [b.units for b in ref]
            assert [b.score for b in beams] == pytest.approx([b.score for b in ref])
            for b, r in zip(beams, ref):
                assert b.weights == pytest.approx(r.weights)


@pytest.mark.real_model
def test_vectorized_match_gives_the_same_candidates_as_per_pair_search(nlp, real_lm):
    """On real sentences and real attention, the fast path finds what the plain one finds."""
    from mamakg.align import group_mean
    from mamakg.config import Config
    from mamakg.match import _pairs, chunk_units, match_sentence
    from mamakg.parse import parse_documents
    from mamakg.reader import read_documents

    from conftest import DEMO

    config = Config(device="cpu")
    docs = list(read_documents([str(DEMO)]))[:4]
    sents = list(parse_documents(docs, nlp))
    for sent, att in zip(sents, real_lm.attend(sents)):
        fast = [(c.head, c.tail, c.relation, round(c.score, 9)) for c in match_sentence(sent, att, config)]
        units, chunk_unit = chunk_units(sent)
        unit_att = group_mean(att, units)
        plain = []
        for a, b in _pairs(len(chunk_unit), config.pairs):
            beams = beam_search(unit_att, chunk_unit[a], chunk_unit[b], config.beam_size,
                                config.max_relation_len, frozenset(chunk_unit))
            for beam in beams[:1]:
                rel = tuple(t for u in beam.units[1:-1] for t in units[u])
                plain.append((sent.chunks[a], sent.chunks[b], rel, round(beam.score, 9)))
        assert fast == plain


def test_search_over_many_sentences_equals_the_search_of_each():
    """Stacked, zero-padded matrices of unequal sizes: each pair finds what its own sentence's
    search finds, whatever else shares the stack."""
    from mamakg.beam import beam_search_batch, beam_search_pairs

    rng = np.random.default_rng(1)
    for _ in range(30):
        sizes = rng.integers(3, 15, size=int(rng.integers(1, 6)))
        k, limit, keep = int(rng.integers(1, 7)), int(rng.integers(1, 9)), int(rng.integers(1, 4))
        stack = np.zeros((len(sizes), sizes.max(), sizes.max()))
        blocked = np.zeros((len(sizes), sizes.max()), dtype=bool)
        sentence, heads, tails, alone = [], [], [], []
        for s, n in enumerate(sizes.tolist()):
            stack[s, :n, :n] = rng.random((n, n))
            blocked[s, :n] = rng.random(n) < 0.3
            pairs = [(h, t) for h in range(n) for t in range(h + 1, n) if rng.random() < 0.4]
            sentence += [s] * len(pairs)
            heads += [h for h, _ in pairs]
            tails += [t for _, t in pairs]
            if pairs:
                alone += beam_search_pairs(stack[s, :n, :n], np.array(heads[-len(pairs):]),
                                           np.array(tails[-len(pairs):]), k, limit,
                                           blocked[s, :n], keep=keep)
        together = beam_search_batch(stack, np.array(sentence, dtype=np.int64), np.array(heads),
                                     np.array(tails), k, limit, blocked, keep=keep)
        assert len(together) == len(alone) == len(heads)
        for a, b in zip(together, alone):
            assert [x.units for x in a] == [x.units for x in b] and len(a) <= keep
            assert [x.score for x in a] == pytest.approx([x.score for x in b], abs=1e-12)
            assert [x.weights for x in a] == [pytest.approx(x.weights) for x in b]


def test_batch_search_rejects_a_tail_outside_the_matrix():
    from mamakg.beam import beam_search_batch

    with pytest.raises(ValueError):
        beam_search_batch(np.zeros((1, 3, 3)), np.array([0]), np.array([0]), np.array([3]))


@pytest.mark.parametrize("cells", [0, 50, 8_000, 10**9])
def test_matching_many_sentences_at_once_equals_one_at_a_time(cells):
    """Whatever the group size of the batched search (0: each sentence alone), every sentence
    gets the candidates a search of that sentence alone gives, in the same order."""
    from mamakg import match
    from mamakg.config import Config, PairMode

    from helpers import sentence

    rng = np.random.default_rng(2)
    sents, atts = [], []
    for i in range(40):
        n = int(rng.integers(2, 16))
        cuts = sorted(rng.choice(np.arange(n + 1), size=min(n + 1, 2 * int(rng.integers(0, 5))),
                                 replace=False).tolist())
        chunks = [(a, b) for a, b in zip(cuts[::2], cuts[1::2]) if b > a]
        sents.append(sentence([f"w{t}" for t in range(n)], ["NOUN"] * n, chunks=chunks, index=i))
        atts.append(rng.random((n, n)).astype(np.float32))
    for pairs in PairMode:
        config = Config(pairs=pairs, beams_per_pair=2)
        alone = [match.match_sentence(s, a, config) for s, a in zip(sents, atts)]
        together = match.match_sentences(sents, atts, config, group_cells=cells)
        assert together == alone
        assert sum(map(len, alone)) > 20
