"""Piece-to-token alignment, head reduction, causal filling, chunk collapse: by hand."""

import numpy as np

from mamakg.align import causal_fill, group_mean, pieces_to_tokens


def test_pieces_to_tokens_by_offsets():
    # "songwriter is": pieces [CLS] song ##writer is [SEP]
    pieces = [(0, 0), (0, 4), (4, 10), (11, 13), (0, 0)]
    assert pieces_to_tokens(pieces, [(0, 10), (11, 13)]) == [[1, 2], [3]]


def test_piece_spanning_two_tokens_belongs_to_both():
    assert pieces_to_tokens([(0, 5)], [(0, 2), (2, 5)]) == [[0], [0]]


def test_byte_level_piece_with_leading_space():
    # GPT-2 style offsets include the space before the word
    assert pieces_to_tokens([(0, 3), (3, 8)], [(0, 3), (4, 8)]) == [[0], [1]]


def test_truncated_token_gets_no_piece():
    assert pieces_to_tokens([(0, 3)], [(0, 3), (4, 8)]) == [[0], []]


def test_group_mean_rows_then_columns():
    a = np.arange(16, dtype=float).reshape(4, 4)
    merged = group_mean(a, [[0], [1, 2], [3]])
    assert merged[1, 1] == (5 + 6 + 9 + 10) / 4
    assert merged[0, 1] == (1 + 2) / 2
    assert merged[1, 0] == (4 + 8) / 2
    assert merged.shape == (3, 3)


def test_empty_group_is_zero():
    assert group_mean(np.ones((2, 2)), [[0], []]).tolist() == [[1.0, 0.0], [0.0, 0.0]]



def test_causal_fill_reads_forward_links_from_backward_attention():
    lower = np.array([[1.0, 0.0, 0.0], [0.4, 0.6, 0.0], [0.1, 0.7, 0.2]])
    full = causal_fill(lower)
    assert full[0, 1] == 0.4 and full[1, 2] == 0.7 and full[0, 2] == 0.1
    assert np.array_equal(np.tril(full), lower)


def test_group_mean_is_the_mean_over_each_groups_rows_then_columns():
    rng = np.random.default_rng(0)
    for _ in range(50):
        n = int(rng.integers(1, 40))
        att = rng.random((n, n)).astype(np.float32)
        cuts = sorted({0, n, *rng.integers(0, n, size=int(rng.integers(0, n))).tolist()})
        groups = [list(range(a, b)) for a, b in zip(cuts, cuts[1:])]
        groups += [[], rng.integers(0, n, size=3).tolist()]  # empty; any members, repeated
        weights = np.zeros((len(groups), n))
        for g, members in enumerate(groups):
            if members:
                weights[g, members] = 1.0 / len(members)
        expected = weights @ att.astype(np.float64) @ weights.T
        assert np.array_equal(group_mean(att, groups), expected)
        assert np.allclose(group_mean(att, groups)[0, 0], att[:cuts[1], :cuts[1]].mean())
