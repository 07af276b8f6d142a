"""Shards: runs of consecutive documents, each processed on its own (parse -> attend -> match
-> filter) into one complete shard file, and the engines that process them.

An engine (`Engine`) takes the shards to do and hands each result back; the work folder
(`mamakg.scale.workdir`) writes them. `LocalEngine` runs them one after the other in this
process; `mamakg.scale.ray_engine.RayEngine` on Ray actors. Both give the same shard files.

Shard file: gzip'd JSON lines: a header ``{"schema": 1, "shard": name}``, one mention per line
(`mamakg.store` encoding), and a footer with the shard's counts (`ShardCounts`), which marks
it complete.
"""

from __future__ import annotations

import gzip
import io
import itertools
import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any, Protocol

from mamakg.config import Config
from mamakg.errors import MamakgError
from mamakg.parse import pipeline_name
from mamakg.pipeline import StageClock, add_counts, match_windows, mention_rows, run_info
from mamakg.result import Summary
from mamakg.scale.processes import long_lived_heap
from mamakg.store import Row
from mamakg.types import Document, MatchCounts, Mention, Window

__all__ = [
    "SCHEMA_VERSION",
    "Engine",
    "LocalEngine",
    "Models",
    "Shard",
    "ShardCounts",
    "ShardResult",
    "read_shard",
    "run_shard",
    "shard_result",
    "split_shards",
]

SCHEMA_VERSION = 4
"""Version of the shard file and work-folder manifest layout; another version is refused
(2: mentions carry the parts of speech of their relation; 3: and the node span of their
head and tail; 4: and whether their relation cuts a name, `Mention.cuts_name`)."""

Models = tuple[Any, Any]
"""(spaCy pipeline, AttentionModel)."""


@dataclass(frozen=True)
class Shard:
    """A run of consecutive documents that is processed and stored as one unit."""

    index: int
    """Position of the shard in the folder (0-based; names the shard file)."""
    part: int
    """Which run of inputs it belongs to: 0 for the first build, 1 for the first --append..."""
    documents: tuple[Document, ...]
    """Its documents, in corpus order."""

    @property
    def name(self) -> str:
        return f"{self.index:06d}"


@dataclass(frozen=True)
class ShardCounts:
    """What processing a shard counted: its file's footer and its manifest entry hold it, and
    a build adds it to its `Summary` (`add_to`).

    >>> counts = ShardCounts(2, MatchCounts(5, 0, 9, (("no_content", 3),)), n_mentions=6)
    >>> ShardCounts.from_dict(counts.to_dict()) == counts
    True
    >>> summary = Summary()
    >>> counts.add_to(summary)
    >>> summary.n_documents, summary.n_sentences, summary.dropped["no_content"]
    (2, 5, 3)
    """

    n_documents: int
    match: MatchCounts
    """Sentences, truncations, candidates and drops, as the Match stage counts them."""
    n_replaced: int = 0
    """Undecodable input bytes replaced by U+FFFD."""
    n_mentions: int = 0
    """Mentions in the shard file."""
    timings: tuple[tuple[str, float], ...] = ()
    """(stage, seconds) of the process that built the shard, sorted by stage."""

    @classmethod
    def of(cls, summary: Summary, n_mentions: int) -> ShardCounts:
        """The counts of a shard built into `summary`."""
        match = MatchCounts(n_sentences=summary.n_sentences, n_truncated=summary.n_truncated,
                            n_candidates=summary.n_candidates,
                            dropped=tuple(sorted(summary.dropped.items())))
        return cls(summary.n_documents, match, summary.n_replaced, n_mentions,
                   tuple((k, round(v, 3)) for k, v in sorted(summary.timings.items())))

    def add_to(self, summary: Summary) -> None:
        """Add these counts to a run's summary."""
        summary.n_documents += self.n_documents
        summary.n_replaced += self.n_replaced
        add_counts(summary, self.match)

    def to_dict(self) -> dict[str, Any]:
        """The JSON of a shard file's footer and a manifest entry (`Summary.to_dict` keys)."""
        return {"documents": self.n_documents, "sentences": self.match.n_sentences,
                "truncated": self.match.n_truncated, "replaced_bytes": self.n_replaced,
                "candidates": self.match.n_candidates, "dropped": dict(self.match.dropped),
                "timings": dict(self.timings), "mentions": self.n_mentions}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ShardCounts:
        match = MatchCounts(n_sentences=int(data["sentences"]),
                            n_truncated=int(data["truncated"]),
                            n_candidates=int(data["candidates"]),
                            dropped=tuple(sorted((str(k), int(v))
                                                 for k, v in data["dropped"].items())))
        return cls(int(data["documents"]), match, int(data["replaced_bytes"]),
                   int(data["mentions"]),
                   tuple(sorted((str(k), float(v)) for k, v in data.get("timings", {}).items())))


@dataclass(frozen=True)
class ShardResult:
    """What processing a shard gives: the shard file's bytes, its counts, the models used."""

    name: str
    """The shard's name."""
    data: bytes
    """The complete shard file (gzip'd JSON lines)."""
    counts: ShardCounts
    """What the shard counted."""
    models: dict[str, Any]
    """Model name, revision, causal flag and spaCy pipeline (`RunInfo.models`)."""


class Engine(Protocol):
    """Processes shards: `started(shard)` as each is taken up, `record(result, shard)` as each
    is done (in any order), `on_sentences(n)` with each result's sentences."""

    def __call__(self, shards: Iterable[Shard], config: Config, *,
                 started: Callable[[Shard], None],
                 record: Callable[[ShardResult, Shard], None],
                 on_sentences: Callable[[int], None] | None = None) -> None: ...


@dataclass(frozen=True)
class LocalEngine:
    """Shards one after the other in this process, with the models `models()` gives (asked
    for only when a shard is to be processed)."""

    models: Callable[[], Models]

    def __call__(self, shards: Iterable[Shard], config: Config, *,
                 started: Callable[[Shard], None],
                 record: Callable[[ShardResult, Shard], None],
                 on_sentences: Callable[[int], None] | None = None) -> None:
        for shard in shards:
            nlp, lm = self.models()
            started(shard)
            with long_lived_heap():
                result = run_shard(shard, nlp, lm, config, on_sentences)
            record(result, shard)


def _json_line(obj: Any) -> bytes:
    return (json.dumps(obj, ensure_ascii=False, separators=(",", ":"))
            + "\n").encode("utf-8")


def run_shard(shard: Shard, nlp: Any, lm: Any, config: Config,
              on_sentences: Callable[[int], None] | None = None) -> ShardResult:
    """Parse, attend, match and filter one shard (`pipeline.mention_rows`); the result holds
    its complete file."""
    summary = Summary()
    clock = StageClock(summary.timings)
    rows = mention_rows(shard.documents, nlp, lm, config, summary, clock,
                        on_sentences=on_sentences)
    models = run_info(config, lm, pipeline_name(nlp)).models()
    return _shard_file(shard, rows, summary, models)


def shard_result(shard: Shard, windows: Iterable[Window], config: Config,
                 models: dict[str, Any]) -> ShardResult:
    """Match and filter a shard's windows (`pipeline.match_windows`, in this process): the
    complete shard file. `models` is the run record's model part (`RunInfo.models`)."""
    summary = Summary()
    clock = StageClock(summary.timings)

    def rows() -> Iterator[list[Row]]:
        for found, counts in match_windows(windows, config, clock, workers=0):
            add_counts(summary, counts)
            yield found

    return _shard_file(shard, rows(), summary, models)


def _line(row: Row) -> str:
    """A shard file's line: the Match stage's mention as JSON (`encode`, not packed)."""
    payload = row[-1]
    if not isinstance(payload, str):
        raise TypeError("shard files hold JSON rows, not packed ones")
    return payload + "\n"


def _shard_file(shard: Shard, rows: Iterable[list[Row]], summary: Summary,
                models: dict[str, Any]) -> ShardResult:
    """The shard file of the mentions `rows` (counted into `summary` as they come)."""
    summary.n_documents = len(shard.documents)
    summary.n_replaced = sum(d.n_replaced for d in shard.documents)
    buffer = io.BytesIO()
    n_mentions = 0
    with gzip.GzipFile(fileobj=buffer, mode="wb", mtime=0) as out:
        out.write(_json_line({"schema": SCHEMA_VERSION, "shard": shard.name}))
        for found in rows:
            out.write("".join(_line(row) for row in found).encode("utf-8"))
            n_mentions += len(found)
        counts = ShardCounts.of(summary, n_mentions)
        out.write(_json_line({"end": shard.name, "counts": counts.to_dict(),
                              "models": models}))
    return ShardResult(shard.name, buffer.getvalue(), counts, models)


def split_shards(documents: Iterable[Document], shard_docs: int, part: int,
                 first_index: int) -> Iterator[Shard]:
    """The documents in shards of `shard_docs`, numbered from `first_index`."""
    iterator = iter(documents)
    for index in itertools.count(first_index):
        docs = tuple(itertools.islice(iterator, shard_docs))
        if not docs:
            return
        yield Shard(index, part, docs)


def read_shard(path: str, name: str) -> Iterator[list[Mention]]:
    """The mentions of a shard file in chunks; raises when the file is not a complete shard."""
    try:
        with gzip.open(path, "rb") as handle:
            header = json.loads(handle.readline())
            if header.get("schema") != SCHEMA_VERSION or header.get("shard") != name:
                raise MamakgError(f"{path}: not a schema {SCHEMA_VERSION} shard {name}")
            chunk, n_read, footer = [], 0, None
            for line in handle:
                if line.startswith(b'{"end"'):
                    footer = json.loads(line)
                    break
                chunk.append(Mention.from_json(line))
                n_read += 1
                if len(chunk) >= 4096:
                    yield chunk
                    chunk = []
            if chunk:
                yield chunk
    except (OSError, EOFError, ValueError) as err:
        raise MamakgError(f"{path}: damaged shard file ({err}): rebuild with --force") from err
    if footer is None or footer["counts"]["mentions"] != n_read:
        raise MamakgError(f"{path}: incomplete shard file: rebuild with --force")
