"""Sharded, resumable, incremental builds in a work folder (``mamakg build --workdir DIR``).

The documents are cut into shards of `shard_docs` consecutive documents. Each shard goes
through parse -> attend -> match -> filter on its own (`pipeline.mention_rows`: the seam
`attend_windows` -> `match_window`) and its mentions
are written to ``DIR/shards/NNNNNN.jsonl.gz`` atomically. The corpus-level half (relation
filter, support, mapping: `mapping.facts.collect_facts`) then runs over every shard, so:

- **resume**: rerunning the same command after a crash redoes only the shards that were in
  flight (a shard is done once its file is in place and the manifest says so);
- **append**: ``--append`` adds new inputs as new shards; old shards are not recomputed, and
  fact and entity IRIs stay stable because they derive from normalized text.

``DIR/manifest.json`` records the inputs (path, size, SHA-256), the effective config, the
shard list and which shards are done, and the outputs written from the folder (an output the
folder wrote, unchanged since, may be replaced without ``--force``: `wrote_output`).
A changed input, or a changed setting that shards depend on (the `Config` fields of
`Scope.MENTIONS`), is refused unless `force` starts the folder over.
Settings of the corpus-level half (`Scope.CORPUS`: ``--min-relation-pairs``, ``--entities``,
``--kb``, ``--min-map-score``...) and those of speed (`Scope.SPEED`) may change between runs:
the corpus-level half is recomputed over all shards every time.

Shard file: gzip'd JSON lines: a header ``{"schema": 1, "shard": name}``, one mention per line
(`mamakg.store` encoding), and a footer with the shard's counts, which marks it complete.
"""

from __future__ import annotations

import contextlib
import fcntl
import gzip
import hashlib
import io
import itertools
import json
import os
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from mamakg import __version__
from mamakg.config import Config, Scope
from mamakg.errors import MamakgError, UsageError
from mamakg.mapping.entities import EntityLinker, KBLinker, make_linker
from mamakg.mapping.facts import collect_facts
from mamakg.mapping.mapper import MapChain
from mamakg.output import atomic_output
from mamakg.parse import pipeline_name
from mamakg.pipeline import StageClock, add_counts, match_windows, mention_rows, run_info
from mamakg.reader import Reading, expand_inputs
from mamakg.result import Result, Summary
from mamakg.store import MentionStore, Row
from mamakg.types import Document, Mention, RunInfo, Window

__all__ = [
    "DEFAULT_SHARD_DOCS",
    "SCHEMA_VERSION",
    "Shard",
    "ShardResult",
    "build_workdir",
    "record_output",
    "run_shard",
    "shard_result",
    "wrote_output",
]

SCHEMA_VERSION = 3
"""Version of the manifest and shard file layout; a folder with another version is refused."""

DEFAULT_SHARD_DOCS = 1000
"""Documents per shard when a new folder is started without --shard-docs."""

MANIFEST = "manifest.json"
SHARDS = "shards"

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
class ShardResult:
    """What processing a shard gives: the shard file's bytes, its counts, the models used."""

    name: str
    """The shard's name."""
    data: bytes
    """The complete shard file (gzip'd JSON lines)."""
    counts: dict[str, Any]
    """Summary counts of the shard (`Summary.to_dict` keys plus ``mentions``)."""
    models: dict[str, Any]
    """Model name, revision, causal flag and spaCy pipeline, as in the run manifest."""


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
            out.write("".join(row[-1] + "\n" for row in found).encode("utf-8"))
            n_mentions += len(found)
        counts = summary.to_dict()
        for key in ("seconds", "mentions", "facts", "status"):
            del counts[key]
        counts["mentions"] = n_mentions
        out.write(_json_line({"end": shard.name, "counts": counts, "models": models}))
    return ShardResult(shard.name, buffer.getvalue(), counts, models)


def _shards(documents: Iterable[Document], shard_docs: int, part: int,
            first_index: int) -> Iterator[Shard]:
    iterator = iter(documents)
    for index in itertools.count(first_index):
        docs = tuple(itertools.islice(iterator, shard_docs))
        if not docs:
            return
        yield Shard(index, part, docs)


def _sha256(path: str) -> str:
    digest = hashlib.sha256()
    try:
        with open(path, "rb") as handle:
            while block := handle.read(1 << 20):
                digest.update(block)
    except OSError as err:
        raise MamakgError(f"{path}: cannot read ({err.strerror})") from err
    return digest.hexdigest()


def _describe(files: list[str]) -> list[dict[str, Any]]:
    return [{"path": f, "bytes": os.path.getsize(f), "sha256": _sha256(f)} for f in files]


def _write_atomic(path: str, data: bytes) -> None:
    with atomic_output(path, force=True) as handle:
        handle.write(data)


def _read_shard(path: str, name: str) -> Iterator[list[Any]]:
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


class _Folder:
    """The work folder: its manifest, shard files and lock."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.shard_dir = os.path.join(path, SHARDS)
        self.manifest_path = os.path.join(path, MANIFEST)
        self._lock: Any = None
        self.manifest: dict[str, Any] = {}

    def lock(self) -> None:
        try:
            os.makedirs(self.shard_dir, exist_ok=True)
            self._lock = open(os.path.join(self.path, "lock"), "a")  # noqa: SIM115
            # a POSIX record lock, not flock: worker processes forked by the build do not
            # inherit it, so it goes with this process even if a worker outlives it
            fcntl.lockf(self._lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
            for folder in (self.path, self.shard_dir):  # left by a killed run
                for name in os.listdir(folder):
                    if name.startswith(".") and name.endswith(".tmp"):
                        os.unlink(os.path.join(folder, name))
        except (BlockingIOError, PermissionError) as err:  # lockf: EAGAIN or EACCES
            raise MamakgError(f"{self.path} is in use by another mamakg build") from err
        except OSError as err:
            raise MamakgError(f"--workdir {self.path}: cannot use it ({err.strerror})") from err

    def unlock(self) -> None:
        if self._lock is not None:
            self._lock.close()
            self._lock = None

    def load(self) -> dict[str, Any] | None:
        if not os.path.exists(self.manifest_path):
            return None
        try:
            with open(self.manifest_path, encoding="utf-8") as handle:
                manifest = json.load(handle)
        except (OSError, ValueError) as err:
            raise MamakgError(f"{self.manifest_path}: unreadable ({err}): pass --force to "
                              "start the work folder over") from err
        if manifest.get("schema") != SCHEMA_VERSION:
            raise MamakgError(f"{self.manifest_path}: schema {manifest.get('schema')} is not "
                              f"{SCHEMA_VERSION}: pass --force to start the work folder over")
        return manifest

    def save(self) -> None:
        data = json.dumps(self.manifest, indent=1, sort_keys=True, ensure_ascii=False) + "\n"
        _write_atomic(self.manifest_path, data.encode("utf-8"))

    def clear(self) -> None:
        for name in os.listdir(self.shard_dir):
            os.unlink(os.path.join(self.shard_dir, name))
        with contextlib.suppress(FileNotFoundError):
            os.unlink(self.manifest_path)

    def shard_path(self, name: str) -> str:
        return os.path.join(self.shard_dir, name + ".jsonl.gz")

    def done(self) -> dict[str, dict[str, Any]]:
        return {s["name"]: s for s in self.manifest["shards"] if s["done"]}

    def record(self, result: ShardResult, shard: Shard) -> None:
        """Write a finished shard, then mark it done in the manifest."""
        models = self.manifest.setdefault("models", result.models)
        if models != result.models:
            raise MamakgError(
                f"shard {result.name} was made with {result.models}, earlier shards with "
                f"{models}: use the same models, or a new work folder")
        _write_atomic(self.shard_path(result.name), result.data)
        entry = self._entry(shard)
        entry.update(done=True, counts=result.counts,
                     sha256=hashlib.sha256(result.data).hexdigest())
        self.save()

    def started(self, shard: Shard) -> None:
        """Mark a shard as in flight."""
        self._entry(shard)
        self.save()

    def _entry(self, shard: Shard) -> dict[str, Any]:
        shards = self.manifest["shards"]
        for entry in shards:
            if entry["name"] == shard.name:
                return entry
        entry = {"name": shard.name, "part": shard.part, "done": False,
                 "n_documents": len(shard.documents),
                 "first_document": shard.documents[0].doc_id}
        shards.append(entry)
        shards.sort(key=lambda e: e["name"])
        return entry


def _shard_config(config: Config) -> dict[str, Any]:
    full = config.to_dict()
    return {k: full[k] for k in Config.fields_of(Scope.MENTIONS)}


class _Mismatch(MamakgError):
    """The folder holds shards of another build; --force starts it over."""


def _refuse(why: str) -> _Mismatch:
    return _Mismatch(f"{why}: pass --force to start the work folder over")


def _new_inputs(path: str, manifest: dict[str, Any], described: list[dict[str, Any]],
                config: Config, reading: Reading, shard_docs: int | None,
                append: bool) -> list[dict[str, Any]]:
    """This run's inputs that the folder does not hold yet; raises `_Mismatch` when the folder
    holds shards this run cannot reuse."""
    if manifest["shard_config"] != _shard_config(config):
        changed = sorted(k for k, v in _shard_config(config).items()
                         if manifest["shard_config"].get(k) != v)
        raise _refuse(f"{path} was built with other settings ({', '.join(changed)})")
    if shard_docs is not None and shard_docs != manifest["shard_docs"]:
        raise _refuse(f"{path} uses --shard-docs {manifest['shard_docs']}, not {shard_docs}")
    recorded_reading = {**Reading().to_dict(),
                        **{k: manifest.get(k) for k in Reading().to_dict() if k in manifest}}
    if reading.to_dict() != recorded_reading:
        options = ", ".join(f"--{k.replace('_', '-')} {v or 'auto'}"
                            for k, v in recorded_reading.items())
        raise _refuse(f"{path} read its inputs with {options}")
    known = {i["path"]: i for p in manifest["parts"] for i in p["inputs"]}
    for item in described:
        old = known.get(item["path"])
        if old is not None and old["sha256"] != item["sha256"]:
            raise _refuse(f"input {item['path']} changed since it was added to {path}")
    if append:
        return [i for i in described if i["path"] not in known]
    given = [i["path"] for i in described]
    recorded = [i["path"] for p in manifest["parts"] for i in p["inputs"]]
    if given != recorded:
        raise _refuse(f"{path} was built from other inputs ({' '.join(recorded)}); "
                      "pass --append to add inputs")
    return []


def _prepare(folder: _Folder, files: list[str], config: Config, reading: Reading,
             shard_docs: int | None, append: bool, force: bool) -> None:
    """Check the folder against this run (or start it over) and add this run's new inputs."""
    described = _describe(files)
    manifest = None
    try:
        manifest = folder.load()
        new = described
        if manifest is not None:
            new = _new_inputs(folder.path, manifest, described, config, reading,
                              shard_docs, append)
        elif os.listdir(folder.shard_dir):
            raise _refuse(f"{folder.path} holds shards but no manifest")
    except MamakgError:
        if not force:
            raise
        if shard_docs is None and manifest is not None:
            shard_docs = manifest.get("shard_docs")  # starting over keeps the shard size
        manifest, new = None, described
    if manifest is None:
        folder.clear()
        manifest = {"schema": SCHEMA_VERSION, "shard_docs": shard_docs or DEFAULT_SHARD_DOCS,
                    **reading.to_dict(), "shard_config": _shard_config(config),
                    "parts": [], "shards": []}
    if new:
        manifest["parts"].append({"inputs": new})
    manifest["config"] = config.to_dict()
    manifest["mamakg_version"] = __version__
    folder.manifest = manifest
    folder.save()


def wrote_output(workdir: str, path: str) -> bool:
    """Whether `path` is an output that a build through `workdir` wrote, unchanged since
    (same size and modification time): rerunning the command may replace it without
    ``--force``, so that "rerun the same command to resume" holds."""
    try:
        with open(os.path.join(workdir, MANIFEST), encoding="utf-8") as handle:
            outputs = json.load(handle).get("outputs", {})
        stat = os.stat(path)
    except (OSError, ValueError, AttributeError):
        return False
    return bool(outputs.get(os.path.abspath(path)) == {"size": stat.st_size,
                                                       "mtime_ns": stat.st_mtime_ns})


def record_output(workdir: str, path: str) -> None:
    """Note in the work folder's manifest that this build wrote `path` (see `wrote_output`)."""
    folder = _Folder(workdir)
    folder.lock()
    try:
        manifest = folder.load()
        if manifest is None:
            return
        stat = os.stat(path)
        manifest.setdefault("outputs", {})[os.path.abspath(path)] = {
            "size": stat.st_size, "mtime_ns": stat.st_mtime_ns}
        folder.manifest = manifest
        folder.save()
    finally:
        folder.unlock()


def _pending(folder: _Folder, reading: Reading,
             on_skip: Callable[[int], None] | None) -> Iterator[Shard]:
    """The shards still to do, in order, re-reading (not re-parsing) every part's inputs."""
    manifest = folder.manifest
    done = folder.done()
    first = 0
    for number, part in enumerate(manifest["parts"]):
        if part.get("n_shards") is not None and all(
                f"{i:06d}" in done for i in range(first, first + part["n_shards"])):
            first += part["n_shards"]
            continue
        paths = [i["path"] for i in part["inputs"]]
        missing = [p for p in paths if not os.path.isfile(p)]
        if missing:
            raise MamakgError(f"input {missing[0]} of an unfinished part of {folder.path} is "
                              "gone: restore it, or pass --force to start over")
        n_shards = 0
        for shard in _shards(reading.read(paths), manifest["shard_docs"],
                             number, first):
            n_shards += 1
            entry = done.get(shard.name)
            if entry is not None:
                if entry["first_document"] != shard.documents[0].doc_id:
                    raise _refuse(f"shard {shard.name} of {folder.path} no longer matches "
                                  "its inputs")
                if on_skip is not None:
                    on_skip(entry["counts"]["sentences"])
                continue
            yield shard
        part["n_shards"] = n_shards
        first += n_shards
    folder.save()


def _run_local(shards: Iterable[Shard], folder: _Folder, config: Config,
               models: Callable[[], Models],
               on_sentences: Callable[[int], None] | None) -> None:
    for shard in shards:
        nlp, lm = models()
        folder.started(shard)
        folder.record(run_shard(shard, nlp, lm, config, on_sentences), shard)


def _load(folder: _Folder, store: MentionStore, summary: Summary) -> None:
    """Every done shard's mentions into the store, in shard (= corpus) order."""
    for entry in folder.manifest["shards"]:
        if not entry["done"]:
            raise MamakgError(f"shard {entry['name']} of {folder.path} is not done: rerun the "
                              "same command to finish it")
        for chunk in _read_shard(folder.shard_path(entry["name"]), entry["name"]):
            store.add(chunk)
        counts = entry["counts"]
        summary.n_documents += counts["documents"]
        summary.n_sentences += counts["sentences"]
        summary.n_truncated += counts["truncated"]
        summary.n_replaced += counts["replaced_bytes"]
        summary.n_candidates += counts["candidates"]
        summary.dropped.update(Counter(counts["dropped"]))


def build_workdir(
    inputs: Iterable[str],
    config: Config,
    workdir: str,
    *,
    models: Callable[[], Models] | None = None,
    linker: EntityLinker | KBLinker | None = None,
    mappers: MapChain | None = None,
    input_format: str | None = None,
    text_field: str = "text",
    id_field: str | None = None,
    shard_docs: int | None = None,
    append: bool = False,
    force: bool = False,
    engine: str = "local",
    ray_address: str | None = None,
    num_gpus: int = 0,
    split: bool | None = None,
    on_sentences: Callable[[int], None] | None = None,
) -> Result:
    """Build the facts of the inputs through the work folder `workdir` (see the module doc).

    `input_format`, `text_field` and `id_field` say how the inputs are read (`Reading`).
    `models` gives the (spaCy pipeline, language model) pair for the local engine; it is
    called only when a shard needs processing; `linker` and `mappers` are the Map stage's (as
    `pipeline.build` takes them). `engine`, `ray_address`, `num_gpus` and
    `split` are those of `ray_engine.run_ray`. The result's summary counts the folder's shards
    (``n_shards``) and those this run built (``n_shards_built``).
    """
    started = time.perf_counter()
    files = expand_inputs(inputs)
    if "-" in files:
        raise UsageError("--workdir cannot read standard input: name the input files")
    if shard_docs is not None and shard_docs < 1:
        raise UsageError("--shard-docs must be at least 1")
    if engine not in ("local", "ray"):
        raise UsageError(f"invalid engine {engine!r}: choose one of local, ray")
    loaded: list[Models] = []

    def get_models() -> Models:
        if not loaded:
            from mamakg.pipeline import load_models

            loaded.append(models() if models is not None else load_models(config))
        return loaded[0]

    reading = Reading(input_format, text_field, id_field)
    folder = _Folder(workdir)
    folder.lock()
    try:
        _prepare(folder, files, config, reading, shard_docs, append, force)
        n_done_before = len(folder.done())
        pending = _pending(folder, reading, on_sentences)
        if engine == "ray":
            from mamakg.scale.ray_engine import run_ray

            run_ray(pending, folder.started, folder.record, config, address=ray_address,
                    num_gpus=num_gpus, split=split, on_sentences=on_sentences)
        else:
            _run_local(pending, folder, config, get_models, on_sentences)
        n_built = len(folder.done()) - n_done_before
        summary = Summary()
        if "models" not in folder.manifest:  # an empty corpus: no shard ever saw the models
            nlp, lm = get_models()
            folder.manifest["models"] = run_info(config, lm, pipeline_name(nlp)).models()
            folder.save()
        made = make_linker(config) if linker is None else None
        left_out: list[Mention] = []
        with contextlib.closing(made) if made is not None else contextlib.nullcontext(), \
                MentionStore() as store:
            _load(folder, store, summary)
            facts = collect_facts(store, config, summary, linker or made, dropped=left_out,
                                  mappers=mappers)
    finally:
        folder.unlock()
    summary.seconds = time.perf_counter() - started
    summary.n_shards = len(folder.manifest["shards"])
    summary.n_shards_built = n_built
    run = RunInfo.from_dict({"mamakg_version": __version__, **folder.manifest["models"],
                             "config": config.to_dict()})
    return Result(facts=facts, summary=summary, run=run, base=config.base_iri,
                  left_out=tuple(left_out))
