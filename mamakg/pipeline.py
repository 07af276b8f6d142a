"""The one place that knows the order of the stages:

    read -> parse (spaCy) -> attend (LM) -> match (beam search) -> filter -> annotate
         -> resolve (per document) -> store -> map (corpus) -> facts

Two functions are the seam every build goes through (this module's `build`, a work folder's
shards, the Ray engine's actors): `attend_windows` turns sentences into `Window`s (the
language model's part) and `match_window` turns a window into mentions (Match, the
sentence-level Filter and the Map stage's annotate step, pure CPU). `build` streams the
corpus: spaCy runs in worker processes ahead of the model (`Config.parse_processes`), Match
in others where cores allow (`Config.match_processes`; on a CPU, in spaCy's workers while
they have nothing to parse), each a bounded number of tasks ahead, so only a few windows of
sentences are in memory at a time. The Map stage's
per-document half (`mamakg.mapping.resolve`) runs with Match on each window's whole
documents (`resolved_window`), and here on the documents that window edges cut, once whole;
resolved mentions wait on disk (`MentionStore`) for the corpus-level half
(`mamakg.mapping.facts`). With a relation threshold above one (``--min-relation-pairs``),
the Match stage's mentions wait instead, and the whole Map stage runs after the corpus.
"""

from __future__ import annotations

import collections
import contextlib
import dataclasses
import functools
import itertools
import logging
import math
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import CancelledError, Future
from typing import Any, TypeVar

import numpy as np

from mamakg.attention import AttentionModel, LaunchedWindow
from mamakg.config import Config
from mamakg.filters import check_candidate, to_mention
from mamakg.mapping.annotate import SentenceReadings, annotate
from mamakg.mapping.entities import EntityLinker, KBLinker, make_linker
from mamakg.mapping.facts import (
    PrepareAhead,
    collect_facts,
    load_embedder,
    make_mappers,
    map_resolved,
)
from mamakg.mapping.mapper import MapChain
from mamakg.mapping.resolve import (
    DocumentStream,
    ResolvedWindow,
    resolve_window,
    store_parts,
    streams,
)
from mamakg.match import GROUP_CELLS, match_sentences
from mamakg.parse import blas_of_build, load_nlp, parse_documents, pipeline_name
from mamakg.refine import confidence, number_entities, refine
from mamakg.result import Result, Summary
from mamakg.scale.prefetch import prefetch
from mamakg.scale.processes import Workers, long_lived_heap, release_free_memory
from mamakg.store import MentionStore, Row, encode
from mamakg.types import Document, MatchCounts, Mention, RunInfo, Sentence, Window
from mamakg.version import __version__

__all__ = ["WINDOW", "StageClock", "WorkerPlan", "add_counts", "attend_windows", "build",
           "load_models", "match_pieces", "match_window", "match_windows", "mention_rows",
           "prepares_ahead", "resolved_rows", "resolved_window", "run_info"]

log = logging.getLogger(__name__)

WINDOW = 16
"""Sentences are sorted by piece count within windows of WINDOW x batch_size before batching."""

MATCH_PIECE = 512
"""Sentences of one Match task at most, where a window holds more (an accelerator's large
batches: WINDOW x 256 sentences): `match_pieces`."""

T = TypeVar("T")


def load_models(config: Config) -> tuple[Any, AttentionModel]:
    """(spaCy pipeline, language model) for a config, loaded anew: the caller owns them (a
    `Builder` keeps its pair for every build it runs; a Ray actor for its lifetime)."""
    return load_nlp(config.spacy_model), AttentionModel(config)


def run_info(config: Config, lm: AttentionModel, spacy_model: str) -> RunInfo:
    """The run record of a build with these settings and models."""
    return RunInfo(mamakg_version=__version__, model=lm.info.name,
                   model_revision=lm.info.revision, model_causal=lm.info.causal,
                   spacy_model=spacy_model, config=config.to_dict())


def attend_windows(sentences: Iterable[Sentence], lm: AttentionModel,
                   config: Config, ahead: bool | None = None) -> Iterator[Window]:
    """The Attend stage: the sentences in windows of WINDOW x batch_size, each with its
    token-level attention (`AttentionModel.attend_window`) and whether its first and last
    documents go on beyond it (`Window.continues_before`, `Window.continues_after`). With
    `ahead` (default: where the model runs on an accelerator, `AttentionModel.runs_ahead`)
    the next window is launched before a window is handed on, so the device computes it
    while the build works on this one; on a CPU that would only hold two windows at once."""
    if ahead is None:
        ahead = lm.runs_ahead
    iterator = iter(sentences)
    size = WINDOW * config.batch_size
    batch = list(itertools.islice(iterator, size))
    before: str | None = None  # the previous window's last document
    waiting: tuple[LaunchedWindow, bool, bool] | None = None  # launched, not handed on
    while batch:
        after = next(iterator, None)  # a look at the next sentence: is the last document whole?
        launched = lm.launch_window(batch)
        if waiting is not None:
            yield _finished(lm, *waiting)
        waiting = (launched, batch[0].doc_id == before,
                   after is not None and after.doc_id == batch[-1].doc_id)
        if not ahead:
            yield _finished(lm, *waiting)
            waiting = None
        before = batch[-1].doc_id
        batch = [after, *itertools.islice(iterator, size - 1)] if after is not None else []
    if waiting is not None:
        yield _finished(lm, *waiting)


def _finished(lm: AttentionModel, launched: LaunchedWindow, continues_before: bool,
              continues_after: bool) -> Window:
    return dataclasses.replace(lm.finish_window(launched), continues_before=continues_before,
                               continues_after=continues_after)


def match_window(window: Window, config: Config, *,
                 group_cells: int = GROUP_CELLS) -> tuple[list[Mention], MatchCounts]:
    """The Match stage and the sentence-level Filter on one window, then the Map stage's
    annotate step (`mamakg.mapping.annotate`, while the parse is at hand): the mentions that
    pass, in sentence order, and what was counted on the way. `group_cells`: see
    `match.match_sentences`."""
    sentences: Iterable[Sentence] = window.sentences
    attentions: Iterable[np.ndarray] = window.attentions
    if config.constant_attention:  # ablation: the same weight on every link
        attentions = [np.full_like(a, 1.0 / max(len(a), 1)) for a in window.attentions]
    if config.number_entities:
        sentences = [number_entities(sentence) for sentence in window.sentences]
    sentences = list(sentences)
    kept: list[Mention] = []
    dropped: Counter[str] = Counter()
    n_candidates = 0
    for candidates in match_sentences(sentences, list(attentions), config, group_cells):
        read = SentenceReadings()  # the sentence's own readings, read once
        for candidate in candidates:
            n_candidates += 1
            candidate = refine(candidate, config)
            reason = check_candidate(candidate, config)
            if reason is None:
                mention = to_mention(candidate, config.store_path,
                                     confidence(candidate, config.confidence))
                kept.append(annotate(mention, candidate, clause=config.clause_readings,
                                     boundaries=config.entity_boundaries,
                                     chunk_facts=config.chunk_facts, read=read))
            else:
                dropped[reason.value] += 1
    n_truncated = window.n_truncated + sum(s.truncated for s in window.sentences)
    return kept, MatchCounts(n_sentences=len(sentences), n_truncated=n_truncated,
                             n_candidates=n_candidates, dropped=tuple(sorted(dropped.items())))


def resolved_window(window: Window, config: Config, *,
                    group_cells: int = GROUP_CELLS) -> tuple[ResolvedWindow, MatchCounts]:
    """`match_window`, then the Map stage's per-document half on the documents that lie whole
    in the window (`mamakg.mapping.resolve.resolve_window`)."""
    mentions, counts = match_window(window, config, group_cells=group_cells)
    return _resolved(window, mentions, config), counts


def _resolved(window: Window, mentions: list[Mention], config: Config) -> ResolvedWindow:
    first = window.sentences[0].doc_id if window.sentences and window.continues_before else None
    last = window.sentences[-1].doc_id if window.sentences and window.continues_after else None
    return resolve_window(mentions, first, last, config)


_MATCH_CONFIG: list[tuple[Config, int, bool]] = []
"""A Match worker's settings, group size and whether it resolves (set once per worker)."""


def _init_match_worker(config: Config, group_cells: int, resolve: bool) -> None:
    _MATCH_CONFIG[:] = [(config, group_cells, resolve)]


def _match_task(window: Window) -> tuple[list[Row] | ResolvedWindow, MatchCounts, float]:
    """A Match worker's task: the window's mentions, encoded for the store and shard files
    (compact to send back), or resolved (`resolved_window`); its counts and the seconds it
    took."""
    started = time.perf_counter()
    config, group_cells, resolve = _MATCH_CONFIG[0]
    found: list[Row] | ResolvedWindow
    if resolve:
        found, counts = resolved_window(window, config, group_cells=group_cells)
    else:
        mentions, counts = match_window(window, config, group_cells=group_cells)
        found = encode(mentions)
    return found, counts, time.perf_counter() - started


class StageClock:
    """Seconds the build's own process spends in each stage, into `timings`. Stages nest: a
    stage that pulls from another (Attend pulling sentences from the parser) is paused while
    the inner one runs, so each second is counted once."""

    def __init__(self, timings: dict[str, float]) -> None:
        self.timings = timings
        self._stack: list[str] = []
        self._mark = time.perf_counter()

    def _switch(self) -> None:
        now = time.perf_counter()
        if self._stack:
            self.timings[self._stack[-1]] = (self.timings.get(self._stack[-1], 0.0)
                                             + now - self._mark)
        self._mark = now

    @contextlib.contextmanager
    def stage(self, name: str) -> Iterator[None]:
        self._switch()
        self._stack.append(name)
        try:
            yield
        finally:
            self._switch()
            self._stack.pop()

    def timed(self, items: Iterable[T], name: str) -> Iterator[T]:
        """The items, the time spent making each counted to stage `name`."""
        iterator = iter(items)
        while True:
            with self.stage(name):
                item = next(iterator, _END)
            if item is _END:
                return
            yield item  # type: ignore[misc]

    def add(self, name: str, seconds: float) -> None:
        """Seconds spent elsewhere (a worker process, the accelerator)."""
        self.timings[name] = self.timings.get(name, 0.0) + seconds


_END = object()


def match_windows(windows: Iterable[Window], config: Config, clock: StageClock,
                  workers: int | None = None, *, group_cells: int = GROUP_CELLS,
                  ) -> Iterator[tuple[list[Row], MatchCounts]]:
    """`match_window` of each window, in order, mentions encoded (`store.encode`): in this
    process, or in `workers` (default: `config.match_processes`, None = 0) worker processes a
    bounded number of windows ahead, this process matching the next window itself whenever
    no result is ready. Worker seconds go to ``match_workers``; the model's
    (`Window.device_seconds`) to ``device``."""
    for found, counts in _matched(windows, config, clock, workers, group_cells, resolve=False):
        assert isinstance(found, list)
        yield found, counts


def match_pieces(window: Window, size: int | None = None) -> Iterator[Window]:
    """The window in pieces of about `size` sentences (default `MATCH_PIECE`), cut where a
    document begins, for Match tasks: a window of an accelerator's large batches is shared by
    the workers, and its first results come back sooner. The pieces hold the window's
    sentences in order (a document longer than `size` stays whole), so Match and the
    per-document half of the Map stage find in them what they find in the window; the
    window's edges stay on its first and last piece, its device seconds and truncation count
    on the first."""
    size = MATCH_PIECE if size is None else size
    sentences = window.sentences
    starts = [0]
    for i in range(1, len(sentences)):
        if i - starts[-1] >= size and sentences[i].doc_id != sentences[i - 1].doc_id:
            starts.append(i)
    if len(starts) == 1:
        yield window
        return
    ends = [*starts[1:], len(sentences)]
    for n, (begin, end) in enumerate(zip(starts, ends)):
        first, last = n == 0, end == len(sentences)
        yield Window(sentences[begin:end], window.attentions[begin:end],
                     window.n_truncated if first else 0,
                     window.device_seconds if first else 0.0,
                     continues_before=window.continues_before if first else False,
                     continues_after=window.continues_after if last else False)


def _matched(windows: Iterable[Window], config: Config, clock: StageClock,
             workers: int | None, group_cells: int, resolve: bool,
             on_workers: Callable[[Workers], None] | None = None,
             lender: Callable[[], Workers | None] | None = None,
             ) -> Iterator[tuple[list[Row] | ResolvedWindow, MatchCounts]]:
    """`match_windows`, or `resolved_window` of each window with `resolve`. With no Match
    workers, a window goes to the pool `lender` gives when it gives one (`WorkerPlan.lender`:
    a spaCy worker with nothing to parse; this process sets the Match settings those
    workers inherit, `_lent_settings`) while this process goes on with the next window; its
    result is waited for one window later, or the window is matched here if the pool closed
    before a worker took it."""
    if workers is None:
        workers = config.match_processes or 0

    def seen(items: Iterable[Window]) -> Iterator[Window]:
        for window in items:
            clock.add("device", window.device_seconds)
            yield from match_pieces(window)

    def here(window: Window) -> tuple[list[Row] | ResolvedWindow, MatchCounts, float]:
        began = time.perf_counter()
        mentions, counts = match_window(window, config, group_cells=group_cells)
        clock.add("match_here", time.perf_counter() - began)  # work, where "match" may wait
        if not resolve:
            return encode(mentions), counts, 0.0
        with clock.stage("resolve"):
            return _resolved(window, mentions, config), counts, 0.0

    if workers < 1 and lender is not None:
        yield from _lent(seen(windows), here, lender, clock)
        return
    if workers < 1:
        for window in seen(windows):
            with clock.stage("match"):
                rows, counts, _ = here(window)
            yield rows, counts
        return
    with Workers(workers, _init_match_worker, (config, group_cells, resolve)) as pool:
        if on_workers is not None:
            on_workers(pool)
        results = pool.map(_match_task, seen(windows), local=here)
        for rows, counts, seconds in clock.timed(results, "match"):
            clock.add("match_workers", seconds)
            yield rows, counts


_Found = tuple[list[Row] | ResolvedWindow, MatchCounts, float]


def _lent(windows: Iterable[Window], here: Callable[[Window], _Found],
          lender: Callable[[], Workers | None], clock: StageClock,
          ) -> Iterator[tuple[list[Row] | ResolvedWindow, MatchCounts]]:
    """`_matched` with windows lent to idle workers of another pool, in order."""
    pending: collections.deque[tuple[Future[_Found] | None, Window | None, _Found | None]] = \
        collections.deque()

    def result(future: Future[_Found] | None, window: Window | None,
               found: _Found | None) -> tuple[list[Row] | ResolvedWindow, MatchCounts]:
        if future is not None:
            with clock.stage("match"):  # waiting for the worker
                try:
                    found = future.result()
                    clock.add("match_workers", found[2])
                except CancelledError:  # its pool closed first: match it here
                    assert window is not None
                    found = here(window)
        assert found is not None
        return found[0], found[1]

    for window in windows:
        pool = lender()
        if pool is not None:
            pending.append((pool.submit(_match_task, window), window, None))
        else:
            with clock.stage("match"):
                pending.append((None, None, here(window)))
        while pending and (len(pending) > 1 or pending[0][0] is None):
            yield result(*pending.popleft())
    while pending:
        yield result(*pending.popleft())


@contextlib.contextmanager
def _lent_settings(config: Config, group_cells: int, resolve: bool) -> Iterator[None]:
    """Match settings in this process for the block (`_match_task` reads them), so that
    worker processes forked in it have them (`WorkerPlan.lender`)."""
    before = list(_MATCH_CONFIG)
    _init_match_worker(config, group_cells, resolve)
    try:
        yield
    finally:
        _MATCH_CONFIG[:] = before


def add_counts(summary: Summary, counts: MatchCounts) -> None:
    """Add a window's counts to the run's summary."""
    summary.n_sentences += counts.n_sentences
    summary.n_truncated += counts.n_truncated
    summary.n_candidates += counts.n_candidates
    summary.dropped.update(dict(counts.dropped))


class WorkerPlan:
    """How many worker processes a build uses, where `Config` leaves it to the build (None),
    and, on a CPU, how many threads the forward pass gets while they run.

    With the model on an accelerator this process only feeds it: spaCy and Match get the
    other cores (`config.default_workers`). With the model on the CPU, spaCy's workers and
    torch's threads share the cores: before each batch the forward pass gets every core no
    worker is parsing on (`forward_threads`), one at least. One spaCy worker starts at once
    (`ahead_of_decision`; on more than one core, for a corpus of more than one task of
    parsing) and the first window is timed: parse at the rate of the tasks parsed so far,
    here and by that worker; attend as if on every thread (scaled by the threads the
    forward pass got); match. Then spaCy goes on in k worker processes, as many as keep pace
    with this process (parse / k <= attend + match) and at most C - 1 on C cores, if the
    estimate says it pays, else in this process once the worker has parsed the tasks it was
    given (this process also parses whenever its next sentences are not ready):

        one process:  parse + attend + match                     (per window, as timed)
        workers:      max(forward + match, (parse + attend + match) / C)
        forward:      min(attend x C / (C - k), attend + parse / C)

    where forward is the forward pass while the workers' parse (parse / k on k cores) takes k
    of its C threads, counted as if its speed were proportional to its threads (it is less:
    the estimate leans towards one process). Match has no workers of its own on a CPU: it
    runs in this process, and in spaCy's workers whenever one has nothing to parse (`lender`:
    a worker ahead of the model matches the next window while this process runs the model on
    the one after). The plan only decides: its owner hands the forward pass's threads to the model
    (`AttentionModel.threads_per_batch`) and gives them back (`mention_rows`)."""

    def __init__(self, config: Config, on_cpu: bool, threads: int | None = None) -> None:
        """`threads`: the most torch threads the forward pass takes on a CPU (default: the
        cores; a build passes torch's setting when it begins)."""
        from mamakg.config import available_cores, default_workers

        self.cores = available_cores()
        self.on_cpu = on_cpu
        self.threads = threads or self.cores
        parse, match = (None, 0) if on_cpu else default_workers(self.cores)
        self.parse = config.parse_processes if config.parse_processes is not None else parse
        """spaCy workers; None until the first window is timed."""
        self.match = config.match_processes if config.match_processes is not None else match
        self.ahead_of_decision = 1 if self.parse is None and self.cores > 1 else 0
        """spaCy workers started before the decision (`parse.parse_documents`)."""
        self.lends = on_cpu and self.match == 0 and config.match_processes is None
        """Whether spaCy's workers match windows while they have nothing to parse
        (`lender`)."""
        self._pools: list[Workers] = []
        self._parsed_sentences, self._parse_seconds = 0, 0.0  # tasks parsed so far
        self._given: list[int] = []  # the forward pass's threads, batch by batch, until decided

    def parse_workers(self) -> int | Callable[[], int | None]:
        """For `parse.parse_documents`: a number, or a question asked until it is decided."""
        if self.parse is not None:
            return self.parse
        return lambda: self.parse

    def parsed(self, sentences: int, seconds: float) -> None:
        """A task parsed (`parse.parse_documents`' `on_parsed`): its sentences and seconds."""
        self._parsed_sentences += sentences
        self._parse_seconds += seconds

    def started(self, pool: Workers) -> None:
        """A pool of worker processes has started: spaCy's (`parse.parse_documents`'
        `on_workers`) or Match's (`match_windows`)."""
        self._pools.append(pool)

    def lender(self) -> Workers | None:
        """On a CPU, once the build has decided on spaCy workers (and where Match has none of
        its own): their pool, when one of them has nothing to do now (every task given to it
        ended: it is ahead of the model), to match the next window while this process runs
        the model on the one after (`_matched`); else None. The workers are forked, so
        they hold the Match settings this process had when they started."""
        if not self.lends or not self.parse:
            return None
        for pool in reversed(self._pools):
            if not pool.closed and pool.forks and pool.busy() < pool.n:
                return pool
        return None

    def forward_threads(self) -> int:
        """torch's threads for the next batch's forward pass on a CPU: every core that no
        worker is busy on now (`Workers.busy`: parsing, or matching where Match has
        workers), one at least, `threads` at most."""
        busy = sum(pool.busy() for pool in self._pools)
        threads = max(1, min(self.threads, self.cores - busy))
        if self.parse is None:
            self._given.append(threads)
        return threads

    def observe(self, timings: dict[str, float], sentences: int) -> None:
        """Decide what was left open from the first window (of `sentences` sentences): the
        seconds of its attend and match in this process, and what parsing it took at the
        rate of the tasks parsed so far, here or by the worker started ahead. The forward
        pass's seconds on the threads it got count as on `threads` (proportionally)."""
        if self.parse is not None:
            return
        parse = (self._parse_seconds / self._parsed_sentences * sentences
                 if self._parsed_sentences else timings.get("parse", 0.0))
        attend, match = timings.get("attend", 0.0), timings.get("match", 0.0)
        if self._given:
            attend *= sum(self._given) / len(self._given) / self.threads
        self.parse = self.decide(parse, attend, match, self.cores)
        log.info("first window: parse %.2f s, attend %.2f s, match %.2f s: spaCy %s", parse,
                 attend, match, f"in {self.parse} worker process" + "es" * (self.parse > 1)
                 if self.parse else "in the build's own process")

    @staticmethod
    def decide(parse: float, attend: float, match: float, cores: int) -> int:
        """spaCy's workers on a CPU from one window's seconds in one process (the estimate of
        the class docstring): those that keep pace if that is at least a tenth faster, else 0.

        >>> WorkerPlan.decide(parse=1.4, attend=0.05, match=0.3, cores=2)  # a tiny model
        1
        >>> WorkerPlan.decide(parse=1.4, attend=2.7, match=0.2, cores=2)  # a small one
        1
        >>> WorkerPlan.decide(parse=1.4, attend=50.0, match=0.2, cores=2)  # a large one
        0
        >>> WorkerPlan.decide(parse=1.4, attend=0.05, match=0.3, cores=16)
        4
        >>> WorkerPlan.decide(parse=1.4, attend=2.7, match=0.2, cores=16)
        1
        >>> WorkerPlan.decide(parse=1.4, attend=0.05, match=0.3, cores=1)
        0
        """
        if cores < 2:
            return 0
        keep_pace = math.ceil(parse / max(attend + match, 1e-9))
        workers = max(1, min(cores - 1, keep_pace))
        one = parse + attend + match
        forward = min(attend * cores / (cores - workers), attend + parse / cores)
        shared = max(forward + match, one / cores)
        return workers if shared < 0.9 * one else 0


@contextlib.contextmanager
def _threads_kept(lm: AttentionModel) -> Iterator[None]:
    """torch's threads as they were before the block, whatever the block set, and no
    `AttentionModel.threads_per_batch` after it."""
    before = lm.threads
    try:
        yield
    finally:
        lm.threads_per_batch = None
        if lm.threads != before:
            lm.threads = before


def mention_rows(
    documents: Iterable[Document], nlp: Any, lm: AttentionModel, config: Config,
    summary: Summary, clock: StageClock, *,
    on_sentences: Callable[[int], None] | None = None, overlap: bool | None = None,
    group_cells: int = GROUP_CELLS,
) -> Iterator[list[Row]]:
    """Parse, attend, match and filter: the encoded mentions of each window of sentences, its
    counts added to `summary`. Worker processes as `WorkerPlan` says.

    With `overlap` (None: when the model runs on an accelerator and spaCy in this process),
    spaCy parses the next window in a background thread while the model runs on this one."""
    for found in _window_outputs(documents, nlp, lm, config, summary, clock, on_sentences,
                                 overlap, group_cells, resolve=False):
        assert isinstance(found, list)
        yield found


def resolved_rows(
    documents: Iterable[Document], nlp: Any, lm: AttentionModel, config: Config,
    summary: Summary, clock: StageClock, *,
    on_sentences: Callable[[int], None] | None = None, overlap: bool | None = None,
    group_cells: int = GROUP_CELLS,
) -> Iterator[ResolvedWindow]:
    """`mention_rows`, each window's documents resolved where they lie whole in it
    (`resolved_window`), in the Match workers when there are some."""
    for found in _window_outputs(documents, nlp, lm, config, summary, clock, on_sentences,
                                 overlap, group_cells, resolve=True):
        assert isinstance(found, ResolvedWindow)
        yield found


def _window_outputs(
    documents: Iterable[Document], nlp: Any, lm: AttentionModel, config: Config,
    summary: Summary, clock: StageClock, on_sentences: Callable[[int], None] | None,
    overlap: bool | None, group_cells: int, resolve: bool,
) -> Iterator[list[Row] | ResolvedWindow]:
    plan = WorkerPlan(config, on_cpu=lm.device.type == "cpu", threads=lm.threads)
    lent = _lent_settings(config, group_cells, resolve) if plan.lends \
        else contextlib.nullcontext()
    with _threads_kept(lm), lent:
        if plan.on_cpu:  # each batch's threads: those no spaCy worker is parsing on
            lm.threads_per_batch = plan.forward_threads
        sentences: Iterable[Sentence] = parse_documents(
            documents, nlp, max_tokens=config.max_tokens, workers=plan.parse_workers(),
            ahead_of_decision=plan.ahead_of_decision, timings=clock.timings,
            pieces=lm.piece_maker(), on_workers=plan.started, on_parsed=plan.parsed)
        if overlap is None:
            overlap = lm.device.type != "cpu" and plan.parse == 0
        if overlap:
            sentences = prefetch(sentences, ahead=WINDOW * config.batch_size)
        sentences = clock.timed(sentences, "parse")
        windows = clock.timed(attend_windows(sentences, lm, config), "attend")
        unreleased = 0  # sentences matched since the heap's free memory was last released
        for rows, counts in _matched(windows, config, clock, plan.match, group_cells,
                                     resolve, plan.started,
                                     plan.lender if plan.lends else None):
            add_counts(summary, counts)
            plan.observe(clock.timings, counts.n_sentences)
            unreleased += counts.n_sentences
            if unreleased >= WINDOW * config.batch_size:  # once a window, not a Match piece
                release_free_memory()  # what the window's arrays held, back to the system
                unreleased = 0
            yield rows
            if on_sentences is not None:
                on_sentences(counts.n_sentences)


def prepares_ahead(mappers: MapChain) -> bool:
    """Whether a build embeds each window's new relation phrases as it comes
    (`mapping.facts.PrepareAhead`): where the embedding model runs on an accelerator. On a
    CPU the forward pass keeps the build's process busy, and a few large batches at the end,
    on every thread, embed the phrases in less time (`python benchmarks/embed_ahead.py`:
    10.4 s a window at a time against 5.3 s at the end, 3,000 abstracts)."""
    return mappers.embedder is not None and mappers.embedder.device.type != "cpu"


def _counted(documents: Iterable[Document], summary: Summary) -> Iterator[Document]:
    for doc in documents:
        summary.n_documents += 1
        summary.n_replaced += doc.n_replaced
        yield doc


def build(
    documents: Iterable[Document],
    config: Config,
    *,
    nlp: Any = None,
    lm: AttentionModel | None = None,
    linker: EntityLinker | KBLinker | None = None,
    mappers: MapChain | None = None,
    on_sentences: Callable[[int], None] | None = None,
    overlap: bool | None = None,
    group_cells: int = GROUP_CELLS,
) -> Result:
    """Build the facts of a corpus. Models are loaded from `config` unless given, and so are
    the Map stage's entity `linker` (`make_linker`, closed at the end when made here) and
    relation `mappers` (`mapping.facts.make_mappers`); `overlap`: see `mention_rows`;
    `group_cells`: see `match.match_sentences`. The summary's timings are the seconds of
    this process per stage (parse: parsing or waiting for sentences, of which parse_here
    parsing in this process; attend; match: matching, or waiting for the Match workers or
    for the spaCy workers a window was lent to, of which match_here matching in this
    process; resolve: the Map stage's per-document half on the
    documents that lie whole in a window, when Match runs here; resolve_edges: on documents
    cut by window edges; store; prepare: the relation mappers readied for each window's
    new phrases (`mapping.facts.PrepareAhead`); collect: the corpus-level half; embed: the
    forward passes of the model that embeds relation phrases, timed apart), the busy seconds
    of the worker processes (``parse_workers``, ``match_workers``: summed over the workers)
    and the seconds of the language model's work (``device``: the GPU's busy seconds on
    CUDA; on a CPU, the part of attend that the forward passes and the merge into tokens
    took)."""
    started = time.perf_counter()
    if nlp is None:
        nlp = load_nlp(config.spacy_model)
    if lm is None:
        lm = AttentionModel(config)
    made = make_linker(config) if linker is None else None
    summary = Summary()
    clock = StageClock(summary.timings)
    if mappers is None:
        mappers = make_mappers(config, load_embedder(config))
    if mappers.embedder is not None:  # the phrases' forward passes: stage "embed"
        mappers.embedder.timed = functools.partial(clock.stage, "embed")
    left_out: list[Mention] = []
    with contextlib.closing(made) if made is not None else contextlib.nullcontext(), \
            long_lived_heap(), blas_of_build(), MentionStore() as store:
        documents = _counted(documents, summary)
        if streams(config):  # the per-document half of the Map stage streams with Match
            stream = DocumentStream(config)
            ahead = PrepareAhead(mappers) if prepares_ahead(mappers) else None
            for window in resolved_rows(documents, nlp, lm, config, summary, clock,
                                        on_sentences=on_sentences, overlap=overlap,
                                        group_cells=group_cells):
                with clock.stage("resolve_edges"):
                    parts = list(stream.feed(window))
                with clock.stage("store"):
                    store_parts(parts, store, summary, left_out)
                if ahead is not None:  # the window's new phrases, embedded now
                    with clock.stage("prepare"):
                        ahead.window(window.forms)
            with clock.stage("resolve_edges"):
                parts = list(stream.close())
            with clock.stage("store"):
                store_parts(parts, store, summary, left_out)
            with clock.stage("collect"):
                facts = map_resolved(store, stream.forms, config, summary, linker or made,
                                     mappers)
        else:
            for rows in mention_rows(documents, nlp, lm, config, summary, clock,
                                     on_sentences=on_sentences, overlap=overlap,
                                     group_cells=group_cells):
                with clock.stage("store"):
                    store.add_rows(rows)
            with clock.stage("collect"):
                facts = collect_facts(store, config, summary, linker or made,
                                      dropped=left_out, mappers=mappers)
    if mappers.embedder is not None:
        mappers.embedder.timed = contextlib.nullcontext
    summary.seconds = time.perf_counter() - started
    return Result(facts=facts, summary=summary, run=run_info(config, lm, pipeline_name(nlp)),
                  base=config.base_iri, left_out=tuple(left_out))
