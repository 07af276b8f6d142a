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

__all__ = ["Beam", "beam_search"]


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
    whose scores are exactly equal); numpy does the work of all pairs and beams per step.
    `blocked` is a boolean mask over units. Returns the finished beams of each pair (at most
    `keep` of them, best first).
    """
    heads = np.asarray(heads, dtype=np.int64)
    tails = np.asarray(tails, dtype=np.int64)
    n_pairs, n_units, k = len(heads), att.shape[0], beam_size
    if n_pairs == 0:
        return []
    if np.any(heads >= tails):
        raise ValueError("every head must come before its tail")
    limit = n_units if max_relation_len is None else max_relation_len
    att64 = att.astype(np.float64)
    blocked_mask = np.zeros(n_units, dtype=bool) if blocked is None else np.asarray(blocked, bool)
    units = np.arange(n_units)
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
    rows = np.arange(n_pairs)[:, None]
    t3 = tails[:, None, None]
    while np.any(alive & ~finished):
        growing = (alive & ~finished)[..., None]  # (P, K, 1)
        nxt = units[None, None, :]  # (1, 1, U)
        valid = (
            growing
            & (nxt > last[..., None])
            & (nxt <= t3)
            & (~blocked_mask[None, None, :] | (nxt == t3))
            & ~((last == heads[:, None])[..., None] & (nxt == t3))
            & (((length - 1) < limit)[..., None] | (nxt == t3))
        )  # (P, K, U)
        step = att64[last]  # (P, K, U): attention from each beam's last unit
        grown = np.where(valid, score[..., None] + step, neg)
        stay = np.where(alive & finished, score, neg)[..., None]  # finished beams compete too
        flat = np.concatenate([grown, stay], axis=2).reshape(n_pairs, -1)  # (P, K*(U+1))
        order = np.argsort(-flat, axis=1, kind="stable")[:, :k]  # (P, K)
        new_score = np.take_along_axis(flat, order, axis=1)
        src, unit = np.divmod(order, n_units + 1)
        stayed = unit == n_units
        moved = ~stayed & np.isfinite(new_score)
        paths = paths[rows, src]
        weights = weights[rows, src]
        length = length[rows, src]
        prev_last = last[rows, src]
        step_w = np.where(moved, att64[prev_last, np.minimum(unit, n_units - 1)], 0.0)
        pos = np.minimum(length, max_len - 1)
        slots = np.arange(k)[None, :]
        paths[rows, slots, pos] = np.where(moved, unit, paths[rows, slots, pos])
        weights[rows, slots, pos] = np.where(moved, step_w, weights[rows, slots, pos])
        length = length + moved
        last = np.where(moved, unit, prev_last)
        alive = np.isfinite(new_score)
        finished = alive & (last == tails[:, None])
        score = new_score
    keep = k if keep is None else keep
    done = (alive & finished).tolist()
    lengths, all_paths, all_weights, scores = (
        length.tolist(), paths.tolist(), weights.tolist(), score.tolist())
    out: list[list[Beam]] = []
    for p in range(n_pairs):
        beams: list[Beam] = []
        for slot in range(k):
            if done[p][slot] and len(beams) < keep:
                n = lengths[p][slot]
                beams.append(Beam(tuple(all_paths[p][slot][:n]), tuple(all_weights[p][slot][:n]),
                                  scores[p][slot]))
        out.append(beams)
    return out
