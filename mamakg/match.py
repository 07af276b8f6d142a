"""Match stage (paper section 2.1): candidate facts from one sentence and its attention.

Noun chunks are collapsed to one unit each (mean over the chunk's rows, then its columns);
for each ordered pair of chunks (head before tail) the beam search finds the best paths; each
path becomes a `Candidate`. Pure: numpy only.
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np

from mamakg.align import group_mean
from mamakg.beam import beam_search_pairs
from mamakg.config import Config, PairMode
from mamakg.types import Candidate, PathStep, Sentence

__all__ = ["chunk_units", "match_sentence"]


def chunk_units(sentence: Sentence) -> tuple[list[list[int]], list[int]]:
    """Units of a sentence: each noun chunk one unit, every other token its own.

    Returns (token indices of each unit, unit index of each chunk).

    >>> s = Sentence("d", 0, "Bob Dylan is a songwriter", 0,
    ...     ("Bob", "Dylan", "is", "a", "songwriter"),
    ...     ((0, 3), (4, 9), (10, 12), (13, 14), (15, 25)),
    ...     ("bob", "dylan", "be", "a", "songwriter"),
    ...     ("PROPN", "PROPN", "AUX", "DET", "NOUN"), ("compound", "nsubj", "ROOT", "det", "attr"),
    ...     (False, False, True, True, False), ((0, 2), (3, 5)))
    >>> chunk_units(s)
    ([[0, 1], [2], [3, 4]], [0, 2])
    """
    units: list[list[int]] = []
    chunk_unit: list[int] = []
    starts = {start: end for start, end in sentence.chunks}
    i = 0
    while i < len(sentence):
        if i in starts:
            chunk_unit.append(len(units))
            units.append(list(range(i, starts[i])))
            i = starts[i]
        else:
            units.append([i])
            i += 1
    return units, chunk_unit


def _pairs(n_chunks: int, mode: PairMode) -> Iterator[tuple[int, int]]:
    if mode is PairMode.CONSECUTIVE:
        yield from ((i, i + 1) for i in range(n_chunks - 1))
    else:
        yield from ((i, j) for i in range(n_chunks) for j in range(i + 1, n_chunks))


def match_sentence(sentence: Sentence, attention: np.ndarray, config: Config) -> list[Candidate]:
    """Every candidate fact of a sentence, given its token-level attention (T, T)."""
    n = len(sentence)
    if attention.shape != (n, n):
        raise ValueError(f"attention {attention.shape} does not fit a {n}-token sentence")
    if len(sentence.chunks) < 2:
        return []
    units, chunk_unit = chunk_units(sentence)
    unit_att = group_mean(attention, units)  # (T, T) -> (U, U)
    labels = [" ".join(sentence.words[t] for t in unit) for unit in units]
    blocked = np.zeros(len(units), dtype=bool)
    blocked[chunk_unit] = True  # a path never runs through another noun chunk
    pairs = list(_pairs(len(chunk_unit), config.pairs))
    found = beam_search_pairs(
        unit_att,
        np.array([chunk_unit[a] for a, _ in pairs]),
        np.array([chunk_unit[b] for _, b in pairs]),
        config.beam_size,
        config.max_relation_len,
        blocked,
        keep=config.beams_per_pair,
    )
    out: list[Candidate] = []
    for (a, b), beams in zip(pairs, found):
        for beam in beams:
            relation = tuple(t for u in beam.units[1:-1] for t in units[u])
            path = tuple(PathStep(labels[u], w) for u, w in zip(beam.units, beam.weights))
            out.append(
                Candidate(
                    sentence=sentence,
                    head=sentence.chunks[a],
                    tail=sentence.chunks[b],
                    relation=relation,
                    score=beam.score,
                    path=path,
                )
            )
    return out
