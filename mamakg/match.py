"""Match stage (paper section 2.1): candidate facts from one sentence and its attention.

Noun chunks are collapsed to one unit each (mean over the chunk's rows, then its columns);
for each ordered pair of chunks (head before tail) the beam search finds the best paths; each
path becomes a `Candidate`. `match_sentences` searches the pairs of many sentences at once.
Pure: numpy only.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass

import numpy as np

from mamakg.align import group_mean
from mamakg.beam import beam_search_batch
from mamakg.config import Config, PairMode
from mamakg.types import Candidate, PathStep, Sentence

__all__ = ["GROUP_CELLS", "chunk_units", "match_sentence", "match_sentences"]


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
    i = 0
    for start, end in sentence.chunks:  # in order, apart (`Sentence` checks)
        units.extend([t] for t in range(i, start))
        chunk_unit.append(len(units))
        units.append(list(range(start, end)))
        i = end
    units.extend([t] for t in range(i, len(sentence)))
    return units, chunk_unit


def _pairs(n_chunks: int, mode: PairMode) -> Iterator[tuple[int, int]]:
    if mode is PairMode.CONSECUTIVE:
        yield from ((i, i + 1) for i in range(n_chunks - 1))
    else:
        yield from ((i, j) for i in range(n_chunks) for j in range(i + 1, n_chunks))


GROUP_CELLS = 8_000
"""The default `group_cells` of `match_sentences`: sentences are searched together while their
pairs x units stay under this: the search's (pairs, beams, units) arrays then stay small
enough for the CPU's caches (larger groups were slower on this machine: docs/performance.md)."""


def match_sentence(sentence: Sentence, attention: np.ndarray, config: Config) -> list[Candidate]:
    """Every candidate fact of a sentence, given its token-level attention (T, T)."""
    return match_sentences([sentence], [attention], config)[0]


@dataclass(frozen=True)
class _Prepared:
    """A sentence's units and chunk pairs, ready for the search."""

    sentence: Sentence
    units: list[list[int]]
    unit_att: np.ndarray
    chunk_unit: list[int]
    pairs: list[tuple[int, int]]


def _prepare(sentence: Sentence, attention: np.ndarray, config: Config) -> _Prepared | None:
    n = len(sentence)
    if attention.shape != (n, n):
        raise ValueError(f"attention {attention.shape} does not fit a {n}-token sentence")
    if len(sentence.chunks) < 2:
        return None
    units, chunk_unit = chunk_units(sentence)
    return _Prepared(sentence, units, group_mean(attention, units),  # (T, T) -> (U, U)
                     chunk_unit, list(_pairs(len(chunk_unit), config.pairs)))


def match_sentences(
    sentences: Sequence[Sentence], attentions: Sequence[np.ndarray], config: Config,
    group_cells: int = GROUP_CELLS,
) -> list[list[Candidate]]:
    """The candidates of each sentence, given its token-level attention (T, T).

    The beam search runs for the chunk pairs of many sentences at once (sentences of similar
    size together, their unit matrices zero-padded to one size), as long as a group's pairs x
    units stay under `group_cells` (0: each sentence alone). The candidates do not depend on
    it."""
    prepared = [_prepare(s, a, config) for s, a in zip(sentences, attentions, strict=True)]
    ready = sorted(((i, p) for i, p in enumerate(prepared) if p is not None),
                   key=lambda item: len(item[1].units))
    out: list[list[Candidate]] = [[] for _ in sentences]
    group: list[tuple[int, _Prepared]] = []
    cells = 0
    for i, p in ready:
        size = len(p.pairs) * len(p.units)
        if group and cells + size > group_cells:
            _search(group, out, config)
            group, cells = [], 0
        group.append((i, p))
        cells += size
    if group:
        _search(group, out, config)
    return out


def _search(group: list[tuple[int, _Prepared]], out: list[list[Candidate]],
            config: Config) -> None:
    """One beam search over the pairs of the sentences in `group` (index in `out`, prepared
    sentence); their candidates go to `out`."""
    size = max(len(p.units) for _, p in group)
    att = np.zeros((len(group), size, size))
    blocked = np.zeros((len(group), size), dtype=bool)
    sentence, heads, tails = [], [], []
    for s, (_, p) in enumerate(group):
        n = len(p.units)
        att[s, :n, :n] = p.unit_att
        blocked[s, p.chunk_unit] = True  # a path never runs through another noun chunk
        sentence += [s] * len(p.pairs)
        heads += [p.chunk_unit[a] for a, _ in p.pairs]
        tails += [p.chunk_unit[b] for _, b in p.pairs]
    found = iter(beam_search_batch(att, np.array(sentence, dtype=np.int64), np.array(heads),
                                   np.array(tails), config.beam_size, config.max_relation_len,
                                   blocked, keep=config.beams_per_pair))
    for i, p in group:
        labels = [" ".join(p.sentence.words[t] for t in unit) for unit in p.units]
        for a, b in p.pairs:
            for beam in next(found):
                relation = tuple(t for u in beam.units[1:-1] for t in p.units[u])
                path = tuple(map(PathStep, map(labels.__getitem__, beam.units), beam.weights))
                out[i].append(Candidate(
                    sentence=p.sentence,
                    head=p.sentence.chunks[a],
                    tail=p.sentence.chunks[b],
                    relation=relation,
                    score=beam.score,
                    path=path,
                ))
