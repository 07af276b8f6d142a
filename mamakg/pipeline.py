"""The one place that knows the order of the stages:

    read -> parse (spaCy) -> attend (LM) -> match (beam search) -> filter -> store
         -> corpus filter -> map -> facts

`build` streams the corpus: only a window of sentences is in memory at a time, and candidate
mentions wait on disk (`MentionStore`) for the corpus-level relation filter.
"""

from __future__ import annotations

import itertools
import time
from collections.abc import Callable, Iterable, Iterator
from typing import Any

import numpy as np

from mamakg import __version__
from mamakg.attention import AttentionModel
from mamakg.config import Config
from mamakg.filters import check_candidate, to_mention
from mamakg.mapping.entities import make_linker
from mamakg.mapping.facts import collect_facts
from mamakg.match import match_sentences
from mamakg.parse import load_nlp, parse_documents, pipeline_name
from mamakg.refine import confidence, number_entities, refine
from mamakg.result import Result, Summary
from mamakg.scale.prefetch import prefetch
from mamakg.store import MentionStore
from mamakg.types import (
    Document,
    Mention,
    RunInfo,
    Sentence,
)

__all__ = ["WINDOW", "build", "load_models", "mentions_of", "run_info"]

WINDOW = 16
"""Sentences are sorted by piece count within windows of WINDOW x batch_size before batching."""


_MODEL_FIELDS = ("model", "spacy_model", "device", "dtype", "layer", "head_reduce",
                 "batch_size")
"""The settings the loaded models depend on."""
_LOADED: dict[tuple[Any, ...], tuple[Any, AttentionModel]] = {}


def load_models(config: Config) -> tuple[Any, AttentionModel]:
    """(spaCy pipeline, language model) for a config. The last pair loaded is kept for the
    process: builds with the same models (a `Builder` reused, tests, a notebook that makes a
    new `Builder`) do not load them again."""
    key = tuple(getattr(config, name) for name in _MODEL_FIELDS)
    if key not in _LOADED:
        _LOADED.clear()  # one pair at a time: models are large
        _LOADED[key] = load_nlp(config.spacy_model), AttentionModel(config)
    return _LOADED[key]


def run_info(config: Config, lm: AttentionModel, spacy_model: str) -> RunInfo:
    """The run record of a build with these settings and models."""
    return RunInfo(mamakg_version=__version__, model=lm.info.name,
                   model_revision=lm.info.revision, model_causal=lm.info.causal,
                   spacy_model=spacy_model, config=config.to_dict())


def _counted(documents: Iterable[Document], summary: Summary) -> Iterator[Document]:
    for doc in documents:
        summary.n_documents += 1
        summary.n_replaced += doc.n_replaced
        yield doc


def mentions_of(
    sentences: Iterable[Sentence], lm: AttentionModel, config: Config, summary: Summary,
    on_sentences: Callable[[int], None] | None = None,
    overlap: bool | None = None,
) -> Iterator[list[Mention]]:
    """Match and filter: the mentions of each window of sentences.

    With `overlap`, spaCy parses the next window in a background thread while the model runs
    on this one (None: only when the model runs on an accelerator; on a CPU the two would
    compete for the same cores, which measured no faster: docs/performance.md)."""
    window = WINDOW * config.batch_size
    if overlap is None:
        overlap = getattr(getattr(lm, "device", None), "type", "cpu") != "cpu"
    iterator = prefetch(sentences, ahead=window) if overlap else iter(sentences)
    clock = time.perf_counter
    while True:
        t0 = clock()
        batch = list(itertools.islice(iterator, window))  # spaCy runs lazily here
        t1 = clock()
        summary.timings["parse"] += t1 - t0
        if not batch:
            break
        truncated_before = lm.n_truncated  # the model counts across calls: take this window's
        attentions = lm.attend(batch)
        summary.n_truncated += lm.n_truncated - truncated_before
        t2 = clock()
        summary.timings["attend"] += t2 - t1
        if config.constant_attention:  # ablation: the same weight on every link
            attentions = [np.full_like(a, 1.0 / max(len(a), 1)) for a in attentions]
        if config.number_entities:
            batch = [number_entities(sentence) for sentence in batch]
        for sentence, candidates in zip(batch, match_sentences(batch, attentions, config)):
            summary.n_sentences += 1
            summary.n_truncated += sentence.truncated
            kept = []
            for candidate in candidates:
                summary.n_candidates += 1
                candidate = refine(candidate, config)
                reason = check_candidate(candidate, config)
                if reason is None:
                    kept.append(to_mention(candidate, config.store_path,
                                           confidence(candidate, config.confidence)))
                else:
                    summary.dropped[reason.value] += 1
            yield kept
        summary.timings["match"] += clock() - t2
        if on_sentences is not None:
            on_sentences(len(batch))


def build(
    documents: Iterable[Document],
    config: Config,
    *,
    nlp: Any = None,
    lm: AttentionModel | None = None,
    on_sentences: Callable[[int], None] | None = None,
    overlap: bool | None = None,
) -> Result:
    """Build the facts of a corpus. Models are loaded from `config` unless given; `overlap`:
    see `mentions_of`."""
    started = time.perf_counter()
    if nlp is None:
        nlp = load_nlp(config.spacy_model)
    if lm is None:
        lm = AttentionModel(config)
    linker = make_linker(config)
    summary = Summary()
    sentences = parse_documents(_counted(documents, summary), nlp, max_tokens=config.max_tokens,
                                n_process=config.parse_processes)
    with MentionStore() as store:
        for mentions in mentions_of(sentences, lm, config, summary, on_sentences, overlap):
            store.add(mentions)
        t0 = time.perf_counter()
        left_out: list[Mention] = []
        facts = collect_facts(store, config, summary, linker, dropped=left_out)
        summary.timings["collect"] += time.perf_counter() - t0
    summary.seconds = time.perf_counter() - started
    return Result(facts=facts, summary=summary, run=run_info(config, lm, pipeline_name(nlp)),
                  base=config.base_iri, left_out=tuple(left_out))
