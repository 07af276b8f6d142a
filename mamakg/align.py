"""Pure array helpers between the model's piece-level attention and the Match stage.

No torch, no spaCy: numpy arrays in, numpy arrays out, so every step can be tested on a
matrix worked out by hand. Rows are queries, columns are keys: ``att[i, j]`` is how much unit
``i`` attends to unit ``j``.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

__all__ = ["causal_fill", "group_mean", "pieces_to_tokens", "reduce_heads"]


def reduce_heads(att: np.ndarray, how: str = "mean") -> np.ndarray:
    """(H, T, T) -> (T, T): mean (the paper) or max over the heads of one layer."""
    if att.ndim != 3:
        raise ValueError(f"expected (heads, T, T) attention, got shape {att.shape}")
    return att.max(axis=0) if how == "max" else att.mean(axis=0)


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
    text_length: int,
) -> list[list[int]]:
    """For each token, the pieces that cover it, matched by character offsets.

    Pieces with an empty span (special tokens, padding) belong to no token; a piece that
    overlaps several tokens (e.g. a byte-level piece spanning "n't") belongs to each of them.

    >>> pieces_to_tokens([(0, 0), (0, 3), (4, 8), (8, 9), (0, 0)], [(0, 3), (4, 9)], 9)
    [[1], [2, 3]]
    """
    owner = np.full(text_length + 1, -1, dtype=np.int64)
    for t, (start, end) in enumerate(token_offsets):
        owner[start:end] = t
    groups: list[list[int]] = [[] for _ in token_offsets]
    for p, (start, end) in enumerate(piece_offsets):
        if end <= start:
            continue
        seen = -1
        for t in owner[start : min(end, text_length)]:
            if t >= 0 and t != seen:
                if not groups[t] or groups[t][-1] != p:
                    groups[t].append(p)
                seen = t
    return groups
