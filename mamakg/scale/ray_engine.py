"""The Ray engine of `mamakg build --workdir DIR --engine ray`: shards run on Ray actors.

Two layouts, both giving the same shard files as the local engine:

- **fused** (default without GPUs): one actor per CPU, each with one replica of the models,
  processes whole shards (`shards.run_shard`): parse, attend, match, filter.
- **split** (default with ``num_gpus`` N > 0): the CPU-bound stages get their own actors so
  that a GPU is never waiting on spaCy or on the beam search. Per shard: a `ParseWorker`
  (spaCy, CPU) -> an `AttendWorker` (the language model, one GPU each) -> a `MatchWorker`
  (beam search + filters, CPU). The CPUs of the cluster left after the attenders are shared
  between parsers and matchers (2 : 3, from benchmarks/stages.py). Sentences and attention
  windows (`types.Window`: sentences with their attention) travel through Ray's object store;
  the actors run the same seam as a local build (`pipeline.attend_windows`,
  `pipeline.match_window`), so the numbers are those of a local run.

Workers hand the shard file's bytes back to the driver, which alone writes the work folder,
so the cluster needs no shared file system. A bounded number of shards is in flight, so the
driver holds few documents and a crash redoes at most those shards.

`ray` is an optional dependency: ``pip install 'mamakg[ray]'``.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from mamakg.config import Config
from mamakg.errors import MamakgError, UsageError
from mamakg.scale.processes import long_lived_heap, steady_heap
from mamakg.scale.shards import Shard, ShardResult, run_shard, shard_result
from mamakg.types import Sentence, Window

__all__ = ["RayEngine", "run_ray"]

IN_FLIGHT_PER_ACTOR = 2
"""Shards queued on each actor: one running, one waiting, so an actor never idles."""


class ShardWorker:
    """Fused layout: one model replica that processes whole shards."""

    def __init__(self, config: Config) -> None:
        from mamakg.parse import one_blas_thread
        from mamakg.pipeline import load_models

        # one actor is one CPU: every stage runs in the actor's own process, spaCy's matrix
        # products on one thread, its freed arrays kept for the next batch as in a build's
        # worker processes
        one_blas_thread()
        steady_heap()
        self.config = config.replace(parse_processes=0, match_processes=0)
        self.nlp, self.lm = load_models(config)  # the actor's own, for its lifetime

    def run(self, shard: Shard) -> ShardResult:
        with long_lived_heap():  # the actor's models: out of the collector's passes
            return run_shard(shard, self.nlp, self.lm, self.config)


class ParseWorker:
    """Split layout, CPU: a shard's sentences and noun chunks (spaCy)."""

    def __init__(self, config: Config) -> None:
        from mamakg.parse import load_nlp, one_blas_thread

        one_blas_thread()  # one actor is one CPU
        steady_heap()  # its memory is its own: freed arrays kept for the next batch
        self.config = config
        self.nlp = load_nlp(config.spacy_model)

    def parse(self, shard: Shard) -> tuple[list[Sentence], str]:
        """(the shard's sentences, the spaCy pipeline's name)."""
        from mamakg.parse import parse_documents, pipeline_name

        with long_lived_heap():
            sentences = list(parse_documents(shard.documents, self.nlp,
                                             max_tokens=self.config.max_tokens))
        return sentences, pipeline_name(self.nlp)


class AttendWorker:
    """Split layout, GPU: the Attend stage (`pipeline.attend_windows`) of a shard."""

    def __init__(self, config: Config) -> None:
        from mamakg.attention import AttentionModel

        self.config = config
        self.lm = AttentionModel(config)

    def attend(self, parsed: tuple[list[Sentence], str]) -> tuple[list[Window], dict[str, Any]]:
        """(the shard's windows, the run record's model part)."""
        from mamakg.pipeline import attend_windows, run_info

        sentences, spacy_model = parsed
        with long_lived_heap():
            windows = list(attend_windows(sentences, self.lm, self.config))
        return windows, run_info(self.config, self.lm, spacy_model).models()


class MatchWorker:
    """Split layout, CPU: Match and the sentence-level Filter (`pipeline.match_window`) of a
    parsed and attended shard, and its shard file."""

    def __init__(self, config: Config) -> None:
        # one actor is one CPU: Match runs in the actor's own process
        self.config = config.replace(match_processes=0)

    def match(self, shard: Shard, attended: tuple[list[Window], dict[str, Any]]) -> ShardResult:
        windows, models = attended
        with long_lived_heap():
            return shard_result(shard, windows, self.config, models)


def _import_ray() -> Any:
    try:
        import ray
    except ImportError as err:
        raise UsageError("--engine ray needs Ray: pip install 'mamakg[ray]' "
                         "(or pip install 'ray>=2.9')") from err
    return ray


def _cluster(ray: Any, num_gpus: int) -> int:
    """The CPUs of the cluster, after checking it has the GPUs asked for."""
    resources = ray.cluster_resources()
    if num_gpus > int(resources.get("GPU", 0)):
        raise MamakgError(f"--num-gpus {num_gpus}: the Ray cluster has "
                          f"{int(resources.get('GPU', 0))} GPUs")
    return max(1, int(resources.get("CPU", 1)))


class _Pool:
    """Actors of one kind, each given the next task when it has the fewest queued."""

    def __init__(self, ray: Any, body: type, config: Config, n: int, num_cpus: float,
                 num_gpus: int = 0) -> None:
        cls = ray.remote(body).options(num_cpus=num_cpus, num_gpus=num_gpus)
        self.actors = [cls.remote(config) for _ in range(n)]
        self.load = [0] * n

    def pick(self) -> int:
        i = min(range(len(self.actors)), key=self.load.__getitem__)
        self.load[i] += 1
        return i


def run_ray(
    shards: Iterable[Shard],
    started: Callable[[Shard], None],
    record: Callable[[ShardResult, Shard], None],
    config: Config,
    *,
    address: str | None = None,
    num_gpus: int = 0,
    split: bool | None = None,
    on_sentences: Callable[[int], None] | None = None,
) -> None:
    """Process the shards on Ray actors; `record` each result on the driver as it arrives.

    Connects to the cluster at `address` (``auto``: the one this machine belongs to), else
    uses the Ray instance this process already started, else starts a local one. `split`
    picks the layout (see the module doc); None = split when there are GPUs.
    """
    if num_gpus < 0:
        raise UsageError("--num-gpus must not be negative")
    ray = _import_ray()
    own = not ray.is_initialized()
    if own:
        try:
            ray.init(address=address, include_dashboard=False, logging_level=logging.WARNING)
        except (ConnectionError, RuntimeError, ValueError) as err:
            raise MamakgError(f"cannot start or reach Ray at {address or 'a local instance'}: "
                              f"{err}") from err
    pools: list[_Pool] = []
    in_flight: dict[Any, tuple[Shard, list[tuple[_Pool, int]]]] = {}

    def harvest() -> None:
        done, _ = ray.wait(list(in_flight), num_returns=1)
        shard, used = in_flight.pop(done[0])
        for pool, i in used:
            pool.load[i] -= 1
        try:
            result = ray.get(done[0])
        except ray.exceptions.RayError as err:
            cause = getattr(err, "cause", None)
            if isinstance(cause, MamakgError):
                raise cause from err
            raise MamakgError(f"shard {shard.name} failed on a Ray worker: {err}") from err
        record(result, shard)
        if on_sentences is not None:
            on_sentences(result.counts.match.n_sentences)

    try:
        n_cpus = _cluster(ray, num_gpus)
        if split if split is not None else num_gpus > 0:
            n_attend = max(1, num_gpus)
            n_rest = max(2, n_cpus - n_attend)
            n_parse = max(1, round(n_rest * 2 / 5))
            n_match = max(1, n_rest - n_parse)
            per_actor = min(1.0, n_cpus / (n_attend + n_parse + n_match))
            parsers = _Pool(ray, ParseWorker, config, n_parse, per_actor)
            attenders = _Pool(ray, AttendWorker, config, n_attend, per_actor,
                              1 if num_gpus else 0)
            matchers = _Pool(ray, MatchWorker, config, n_match, per_actor)
            pools += [parsers, attenders, matchers]

            def submit(shard_ref: Any) -> tuple[Any, list[tuple[_Pool, int]]]:
                p, a, m = parsers.pick(), attenders.pick(), matchers.pick()
                parsed = parsers.actors[p].parse.remote(shard_ref)
                attended = attenders.actors[a].attend.remote(parsed)
                result = matchers.actors[m].match.remote(shard_ref, attended)
                return result, [(parsers, p), (attenders, a), (matchers, m)]

            capacity = IN_FLIGHT_PER_ACTOR * max(n_parse, n_attend, n_match)
        else:
            fused = _Pool(ray, ShardWorker, config, n_cpus, 1.0)
            pools.append(fused)

            def submit(shard_ref: Any) -> tuple[Any, list[tuple[_Pool, int]]]:
                i = fused.pick()
                return fused.actors[i].run.remote(shard_ref), [(fused, i)]

            capacity = IN_FLIGHT_PER_ACTOR * n_cpus
        for shard in shards:
            while len(in_flight) >= capacity:
                harvest()
            started(shard)
            ref, used = submit(ray.put(shard))
            in_flight[ref] = (shard, used)
        while in_flight:
            harvest()
    finally:
        for pool in pools:
            for actor in pool.actors:
                ray.kill(actor)
        if own:
            ray.shutdown()


@dataclass(frozen=True)
class RayEngine:
    """The Ray engine as a work folder's `shards.Engine`: `run_ray` with these options."""

    address: str | None = None
    """The cluster (``auto``: the one this machine belongs to); None: a local instance."""
    num_gpus: int = 0
    """Language-model actors with one GPU each (the split layout)."""
    split: bool | None = None
    """The layout: None = split when there are GPUs."""

    def __call__(self, shards: Iterable[Shard], config: Config, *,
                 started: Callable[[Shard], None],
                 record: Callable[[ShardResult, Shard], None],
                 on_sentences: Callable[[int], None] | None = None) -> None:
        run_ray(shards, started, record, config, address=self.address,
                num_gpus=self.num_gpus, split=self.split, on_sentences=on_sentences)
