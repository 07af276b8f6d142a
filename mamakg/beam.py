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
