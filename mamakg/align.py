"""Pure array helpers between the model's piece-level attention and the Match stage.

No torch, no spaCy: numpy arrays in, numpy arrays out, so every step can be tested on a
matrix worked out by hand. Rows are queries, columns are keys: ``att[i, j]`` is how much unit
``i`` attends to unit ``j``.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

__all__ = ["MergePlan", "causal_fill", "group_mean", "joined_plan", "merge_plan",
           "pieces_to_tokens", "row_merges"]


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
    sizes = np.fromiter(map(len, groups), dtype=np.int64, count=len(groups))
    weights = np.zeros((len(groups), n), dtype=np.float64)
    members = np.fromiter(itertools.chain.from_iterable(groups), dtype=np.int64,
                          count=int(sizes.sum()))
    weights[np.repeat(np.arange(len(groups)), sizes), members] = \
        np.repeat(1.0 / np.maximum(sizes, 1), sizes)  # each member 1 / its group's size
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


@dataclass(frozen=True)
class MergePlan:
    """How a batch's (B, P, P) piece attention becomes (B, T, T) token attention: the nonzero
    entries of the batch's averaging matrix M (B, T, P), so that ``M @ att @ M^T`` is
    `group_mean` of each row's pieces into its tokens (the batched form of `pieces_to_tokens`
    + `group_mean`)."""

    row: np.ndarray
    """(K,) batch row of each entry."""
    token: np.ndarray
    """(K,) token index of each entry, within its row."""
    piece: np.ndarray
    """(K,) piece position of each entry, within its row (special and padding pieces never
    appear)."""
    weight: np.ndarray
    """(K,) float64: 1 / the number of pieces of the entry's token."""
    n_tokens: tuple[int, ...]
    """Tokens of each row."""
    truncated: tuple[bool, ...]
    """Per row: the pieces stop before the text ends and some token got no piece."""


def merge_plan(
    piece_offsets: Sequence[Sequence[tuple[int, int]] | np.ndarray],
    token_offsets: Sequence[Sequence[tuple[int, int]]],
    text_lengths: Sequence[int],
) -> MergePlan:
    """The `MergePlan` of a batch: per row, the (start, end) offsets of the pieces at their
    positions in the padded row (pairs, or a (P, 2) array; special and padding pieces as
    empty spans), the token
    offsets, and the text's length. Matches pieces to tokens as `pieces_to_tokens` does, for
    all rows at once: each row's offsets are shifted into their own stretch of one number
    line, so one sorted search serves the whole batch.

    >>> plan = merge_plan([[(0, 0), (0, 3), (4, 8), (8, 9), (0, 0)]], [[(0, 3), (4, 9)]], [9])
    >>> plan.token.tolist(), plan.piece.tolist(), plan.weight.tolist()
    ([0, 1, 1], [1, 2, 3], [1.0, 0.5, 0.5])
    """
    n_rows = len(token_offsets)
    n_tokens = np.array([len(t) for t in token_offsets], dtype=np.int64)
    width = max((len(p) for p in piece_offsets), default=0)
    stretch = int(max(text_lengths, default=0)) + 2  # one row's stretch of the number line
    shift = np.arange(n_rows, dtype=np.int64) * stretch
    tokens = np.concatenate([np.asarray(t, dtype=np.int64).reshape(-1, 2) for t in token_offsets]
                            ) if n_rows else np.zeros((0, 2), dtype=np.int64)
    token_row = np.repeat(np.arange(n_rows), n_tokens)
    tokens = tokens + shift[token_row, None]  # (sum T, 2), sorted: rows in order
    pieces = np.zeros((n_rows, width, 2), dtype=np.int64)
    for b, row in enumerate(piece_offsets):
        if len(row):
            pieces[b, : len(row)] = row
    nonempty = pieces[:, :, 1] > pieces[:, :, 0]  # (B, P)
    shifted = pieces + shift[:, None, None]  # (B, P, 2)
    first = np.searchsorted(tokens[:, 1], shifted[:, :, 0], side="right")  # (B, P) global
    last = np.searchsorted(tokens[:, 0], shifted[:, :, 1], side="left") - 1
    hit = nonempty & (first <= last)
    rows, cols = np.nonzero(hit)  # pieces that cover at least one token
    first, span = first[hit], (last - first + 1)[hit]
    # one entry per (piece, token it covers): almost always one token per piece
    entry_row, entry_piece = np.repeat(rows, span), np.repeat(cols, span)
    starts = np.repeat(np.cumsum(span) - span, span)
    global_token = np.repeat(first, span) + np.arange(int(span.sum())) - starts
    counts = np.bincount(global_token, minlength=len(tokens))  # pieces per token
    token_base = np.concatenate([[0], np.cumsum(n_tokens)[:-1]]) if n_rows else n_tokens
    # truncated: the last real piece ends before the text does, and a token has no piece
    last_end = np.where(nonempty, pieces[:, :, 1], -1).max(axis=1, initial=-1)  # (B,)
    cut = (last_end >= 0) & (last_end < np.asarray(text_lengths, dtype=np.int64))
    empty_token = np.zeros(n_rows, dtype=bool)
    np.logical_or.at(empty_token, token_row, counts == 0)
    return MergePlan(
        row=entry_row,
        token=global_token - token_base[entry_row],
        piece=entry_piece,
        weight=1.0 / counts[global_token],
        n_tokens=tuple(int(n) for n in n_tokens),
        truncated=tuple(bool(x) for x in cut & empty_token),
    )


def row_merges(
    piece_offsets: Sequence[Sequence[tuple[int, int]] | np.ndarray],
    token_offsets: Sequence[Sequence[tuple[int, int]]],
    text_lengths: Sequence[int],
) -> list[tuple[bytes, bool]]:
    """Each row's part of `merge_plan` (the same arguments), to be joined into any batch
    later (`joined_plan`): its (token, piece) entries as int32 pairs, packed, and whether it
    is truncated. Made where sentences are parsed, so that the process feeding the model only
    joins them.

    >>> [(np.frombuffer(m, np.int32).tolist(), cut) for m, cut in
    ...  row_merges([[(0, 0), (0, 3), (4, 8), (8, 9), (0, 0)]], [[(0, 3), (4, 9)]], [9])]
    [([0, 1, 1, 2, 1, 3], False)]
    """
    plan = merge_plan(piece_offsets, token_offsets, text_lengths)
    pairs = np.stack((plan.token, plan.piece), axis=1).astype(np.int32)  # (K, 2)
    bounds = np.searchsorted(plan.row, np.arange(len(token_offsets) + 1)).tolist()
    return [(pairs[begin:end].tobytes(), cut)
            for begin, end, cut in zip(bounds, bounds[1:], plan.truncated)]


def joined_plan(merges: Sequence[bytes], n_tokens: Sequence[int],
                truncated: Sequence[bool]) -> MergePlan:
    """The `MergePlan` of a batch whose rows' merges `row_merges` made (in any order, each
    with its number of tokens and its truncation): the plan `merge_plan` makes of the batch,
    entry for entry.

    >>> merges = row_merges([[(0, 0), (0, 3), (4, 8), (8, 9), (0, 0)], [(0, 0), (0, 2), (0, 0)]],
    ...                     [[(0, 3), (4, 9)], [(0, 2)]], [9, 2])
    >>> plan = joined_plan([merges[1][0], merges[0][0]], [1, 2], [False, False])
    >>> plan.row.tolist(), plan.token.tolist(), plan.piece.tolist(), plan.weight.tolist()
    ([0, 1, 1, 1], [0, 0, 1, 1], [1, 1, 2, 3], [1.0, 1.0, 0.5, 0.5])
    """
    sizes = np.fromiter((len(m) // 8 for m in merges), dtype=np.int64, count=len(merges))
    pairs = np.frombuffer(b"".join(merges), dtype=np.int32).reshape(-1, 2)
    row = np.repeat(np.arange(len(merges), dtype=np.int64), sizes)
    token = pairs[:, 0].astype(np.int64)
    counts_of = np.asarray(n_tokens, dtype=np.int64)
    base = np.cumsum(counts_of) - counts_of  # the first token of each row, batch-wide
    global_token = base[row] + token
    counts = np.bincount(global_token, minlength=int(counts_of.sum()))  # pieces per token
    return MergePlan(
        row=row,
        token=token,
        piece=pairs[:, 1].astype(np.int64),
        weight=1.0 / counts[global_token],
        n_tokens=tuple(int(n) for n in n_tokens),
        truncated=tuple(bool(x) for x in truncated),
    )
