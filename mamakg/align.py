"""Pure array helpers between the model's piece-level attention and the Match stage.

No torch, no spaCy: numpy arrays in, numpy arrays out, so every step can be tested on a
matrix worked out by hand. Rows are queries, columns are keys: ``att[i, j]`` is how much unit
``i`` attends to unit ``j``.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

__all__ = ["causal_fill", "group_mean", "pieces_to_tokens"]


def causal_fill(att: np.ndarray) -> np.ndarray:
    """Make a causal (lower-triangular) attention matrix readable forwards.

    A decoder only lets token i attend to j <= i, so the forward link i -> j (j > i) is read
    from the backward one: ``out[i, j] = att[j, i]`` above the diagonal, as in the authors'
    later DeepEx code.

    >>> causal_fill(np.array([[1., 0.], [.3, .7]])).tolist()
    [[1.0, 0.3], [0.3, 0.7]]
    """
    return np.tril(att) + np.triu(att.T, 1)


def group_mean(att: np.ndarray, groups: Sequence[Sequence[int]]) -> np.ndarray:
    """Merge rows and columns of a (N, N) matrix into (G, G): the mean over each group's rows,
    then over its columns. A group with no members gives a zero row and column.

    >>> a = np.array([[0., 1., 2.], [3., 4., 5.], [6., 7., 8.]])
    >>> group_mean(a, [[0], [1, 2]]).tolist()
    [[0.0, 1.5], [4.5, 6.0]]
    """
    n = att.shape[0]
    weights = np.zeros((len(groups), n), dtype=np.float64)
    for g, members in enumerate(groups):
        if len(members):
            weights[g, list(members)] = 1.0 / len(members)
    return weights @ att.astype(np.float64) @ weights.T  # (G, N) @ (N, N) @ (N, G) -> (G, G)


def pieces_to_tokens(
    piece_offsets: Sequence[tuple[int, int]],
    token_offsets: Sequence[tuple[int, int]],
) -> list[list[int]]:
    """For each token, the pieces that cover it, matched by character offsets.

    Pieces with an empty span (special tokens, padding) belong to no token; a piece that
    overlaps several tokens (e.g. a byte-level piece spanning "n't") belongs to each of them.

    >>> pieces_to_tokens([(0, 0), (0, 3), (4, 8), (8, 9), (0, 0)], [(0, 3), (4, 9)])
    [[1], [2, 3]]
    """
    groups: list[list[int]] = [[] for _ in token_offsets]
    if not token_offsets or not piece_offsets:
        return groups
    tokens = np.asarray(token_offsets, dtype=np.int64).reshape(-1, 2)  # (T, 2), in text order
    pieces = np.asarray(piece_offsets, dtype=np.int64).reshape(-1, 2)  # (P, 2)
    # tokens overlapping piece [s, e) form a range: first token ending after s .. last starting
    # before e
    first = np.searchsorted(tokens[:, 1], pieces[:, 0], side="right")
    last = np.searchsorted(tokens[:, 0], pieces[:, 1], side="left") - 1
    nonempty = pieces[:, 1] > pieces[:, 0]
    for p in np.flatnonzero(nonempty & (first <= last)).tolist():
        for t in range(int(first[p]), int(last[p]) + 1):
            groups[t].append(p)
    return groups
