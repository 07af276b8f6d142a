"""The Match stage's beam search (paper section 2.1, Algorithm 1). Pure: numpy only.

Given a unit-level attention matrix (noun chunks already collapsed to one unit each), a head
unit and a tail unit to its right, the search starts at the head; at each step every beam is
extended by each unit further right and not past the tail, scored by the attention from the
beam's last unit to the new one; the `beam_size` best beams survive. A beam that reaches the
tail is finished and keeps its place in the beam while it is among the best; the search ends
when every surviving beam is finished or none can grow. The score (the paper's *matching
degree*) is the sum of the attention weights along the path.

One deviation, on purpose: the head may not step straight onto the tail, since such a path has
no relation words and the Filter stage would drop it anyway.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = ["Beam", "beam_search", "beam_search_batch", "beam_search_pairs"]


@dataclass(frozen=True)
class Beam:
    """One path through the sentence."""

    units: tuple[int, ...]
    """Unit indices from the head to the last unit reached, strictly increasing."""
    weights: tuple[float, ...]
    """Attention weight of each step (the first, the head itself, is 0)."""
    score: float
    """Sum of `weights`: the matching degree."""

    def finished(self, tail: int) -> bool:
        return self.units[-1] == tail


def _rank(beam: Beam) -> tuple[float, tuple[int, ...]]:
    return (-beam.score, beam.units)


def beam_search(
    att: np.ndarray,
    head: int,
    tail: int,
    beam_size: int = 6,
    max_relation_len: int | None = None,
    blocked: frozenset[int] = frozenset(),
) -> list[Beam]:
    """The finished beams from `head` to `tail`, best first (ties: leftmost path first).

    Units in `blocked` (other noun chunks, in the Match stage) are never relation words.

    >>> att = np.array([[0, .3, .1, .1],   # Dylan  -> is, a, songwriter
    ...                 [0, 0, .2, .4],    # is     -> a, songwriter
    ...                 [0, 0, 0, .5],     # a      -> songwriter
    ...                 [0, 0, 0, 0]])
    >>> [(b.units, round(b.score, 2)) for b in beam_search(att, 0, 3, beam_size=2)]
    [((0, 1, 3), 0.7), ((0, 2, 3), 0.6)]
    >>> [(b.units, round(b.score, 2)) for b in beam_search(att, 0, 3, beam_size=3)]
    [((0, 1, 2, 3), 1.0), ((0, 1, 3), 0.7), ((0, 2, 3), 0.6)]
    """
    if not 0 <= head < tail < att.shape[0]:
        raise ValueError(f"need 0 <= head < tail < {att.shape[0]}, got head={head}, tail={tail}")
    limit = tail - head - 1 if max_relation_len is None else max_relation_len
    beams = [Beam((head,), (0.0,), 0.0)]
    while not all(b.finished(tail) for b in beams):
        grown: list[Beam] = []
        for beam in beams:
            if beam.finished(tail):
                grown.append(beam)
                continue
            grown.extend(_extend(att, beam, head, tail, beam_size, limit, blocked))
        if not grown:
            return []
        grown.sort(key=_rank)
        beams = grown[:beam_size]
    return beams


def _extend(
    att: np.ndarray, beam: Beam, head: int, tail: int, beam_size: int, limit: int,
    blocked: frozenset[int] = frozenset(),
) -> list[Beam]:
    """The best `beam_size` one-step extensions of an unfinished beam.

    Only these can survive the global cut to `beam_size`, so the rest are never built.
    """
    last = beam.units[-1]
    if len(beam.units) - 1 >= limit:
        options = np.array([tail])  # the relation is as long as allowed: go to the tail
    else:
        options = np.arange(last + 1, tail + 1)
    if blocked:
        options = options[[int(o) == tail or int(o) not in blocked for o in options]]
    if last == head:
        options = options[options != tail]  # a path needs at least one relation word
    if options.size == 0:
        return []
    weights = att[last, options].astype(np.float64)
    order = np.argsort(-weights, kind="stable")[:beam_size]  # ties: leftmost first
    return [
        Beam(beam.units + (int(options[i]),), beam.weights + (float(weights[i]),),
             beam.score + float(weights[i]))
        for i in order
    ]


def beam_search_pairs(
    att: np.ndarray,
    heads: np.ndarray,
    tails: np.ndarray,
    beam_size: int = 6,
    max_relation_len: int | None = None,
    blocked: np.ndarray | None = None,
    keep: int | None = None,
) -> list[list[Beam]]:
    """`beam_search` for many (head, tail) pairs of one sentence at once, vectorized.

    Same search, same results as calling `beam_search` per pair (up to the order of paths
    whose scores are exactly equal). `blocked` is a boolean mask over units. Returns the
    finished beams of each pair (at most `keep` of them, best first).
    """
    att = np.asarray(att)
    return beam_search_batch(
        att[None], np.zeros(len(heads), dtype=np.int64), heads, tails, beam_size,
        max_relation_len, None if blocked is None else np.asarray(blocked, bool)[None], keep)


def beam_search_batch(
    att: np.ndarray,
    sentence: np.ndarray,
    heads: np.ndarray,
    tails: np.ndarray,
    beam_size: int = 6,
    max_relation_len: int | None = None,
    blocked: np.ndarray | None = None,
    keep: int | None = None,
) -> list[list[Beam]]:
    """`beam_search` for the (head, tail) pairs of many sentences at once, vectorized.

    `att` stacks the sentences' unit matrices, zero-padded to one size: (S, U, U); pair p
    searches ``att[sentence[p]]`` from ``heads[p]`` to ``tails[p]``; `blocked` is an (S, U)
    boolean mask. numpy does the work of all pairs and beams per step, and each step works
    only on the pairs that still have a beam growing.
    """
    sentence = np.asarray(sentence, dtype=np.int64)
    heads = np.asarray(heads, dtype=np.int64)
    tails = np.asarray(tails, dtype=np.int64)
    n_pairs, k = len(heads), beam_size
    if n_pairs == 0:
        return []
    if att.ndim != 3 or att.shape[1] != att.shape[2]:
        raise ValueError(f"expected (sentences, units, units) attention, got {att.shape}")
    n_units = att.shape[1]
    if np.any(heads >= tails) or np.any(tails >= n_units) or np.any(heads < 0):
        raise ValueError("every head must come before its tail, inside the sentence")
    limit = n_units if max_relation_len is None else max_relation_len
    att64 = np.asarray(att, dtype=np.float64)
    if blocked is None:
        blocked = np.zeros(att.shape[:2], dtype=bool)
    free = ~np.asarray(blocked, dtype=bool)[sentence]  # (P, U): units a path may go through
    neg = -np.inf
    max_len = min(limit, n_units) + 2
    # state of each beam slot: (P, K)
    last = np.repeat(heads[:, None], k, axis=1)
    score = np.full((n_pairs, k), neg)
    score[:, 0] = 0.0
    alive = np.zeros((n_pairs, k), dtype=bool)
    alive[:, 0] = True
    finished = np.zeros((n_pairs, k), dtype=bool)
    length = np.ones((n_pairs, k), dtype=np.int64)  # units on the path, head included
    paths = np.zeros((n_pairs, k, max_len), dtype=np.int64)
    paths[:, :, 0] = heads[:, None]
    weights = np.zeros((n_pairs, k, max_len))
    nxt = np.arange(n_units)[None, None, :]  # (1, 1, U)
    slots = np.arange(k)[None, :]
    while True:
        # pairs with a beam still growing; the others are settled (a step leaves them as
        # they are), so each step works on these only
        active = np.flatnonzero((alive & ~finished).any(axis=1))
        if active.size == 0:
            break
        a_sent, a_head, a_tail = sentence[active], heads[active], tails[active]
        a_last, a_score, a_len = last[active], score[active], length[active]
        a_alive, a_fin = alive[active], finished[active]
        rows = np.arange(active.size)[:, None]
        t3 = a_tail[:, None, None]
        valid = (
            (a_alive & ~a_fin)[..., None]
            & (nxt > a_last[..., None])
            & (nxt <= t3)
            & (free[active][:, None, :] | (nxt == t3))
            & ~((a_last == a_head[:, None])[..., None] & (nxt == t3))
            & (((a_len - 1) < limit)[..., None] | (nxt == t3))
        )  # (A, K, U)
        step = att64[a_sent[:, None], a_last]  # (A, K, U): attention from each beam's last unit
        grown = np.where(valid, a_score[..., None] + step, neg)
        stay = np.where(a_alive & a_fin, a_score, neg)[..., None]  # finished beams compete too
        flat = np.concatenate([grown, stay], axis=2).reshape(active.size, -1)  # (A, K*(U+1))
        order = np.argsort(-flat, axis=1, kind="stable")[:, :k]  # (A, K)
        new_score = np.take_along_axis(flat, order, axis=1)
        src, unit = np.divmod(order, n_units + 1)
        moved = (unit != n_units) & np.isfinite(new_score)
        a_paths = paths[active[:, None], src]
        a_weights = weights[active[:, None], src]
        a_len = a_len[rows, src]
        prev_last = a_last[rows, src]
        unit = np.minimum(unit, n_units - 1)
        step_w = np.where(moved, att64[a_sent[:, None], prev_last, unit], 0.0)
        pos = np.minimum(a_len, max_len - 1)
        a_paths[rows, slots, pos] = np.where(moved, unit, a_paths[rows, slots, pos])
        a_weights[rows, slots, pos] = np.where(moved, step_w, a_weights[rows, slots, pos])
        paths[active], weights[active] = a_paths, a_weights
        length[active] = a_len + moved
        last[active] = a_last = np.where(moved, unit, prev_last)
        alive[active] = a_alive = np.isfinite(new_score)
        finished[active] = a_alive & (a_last == a_tail[:, None])
        score[active] = new_score
    keep = k if keep is None else keep
    done = alive & finished
    chosen = done & (np.cumsum(done, axis=1) <= keep)  # the first `keep` finished, best first
    pair, slot = np.nonzero(chosen)  # row-major: by pair, then by slot
    n = length[pair, slot]
    width = int(n.max()) if n.size else 0
    out: list[list[Beam]] = [[] for _ in range(n_pairs)]
    for p, units, steps, size, total in zip(
        pair.tolist(), paths[pair, slot, :width].tolist(), weights[pair, slot, :width].tolist(),
        n.tolist(), score[pair, slot].tolist()
    ):
        out[p].append(Beam(tuple(units[:size]), tuple(steps[:size]), total))
    return out
