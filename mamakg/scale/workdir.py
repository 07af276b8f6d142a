"""Sharded, resumable, incremental builds in a work folder (``mamakg build --workdir DIR``).

The documents are cut into shards of `shard_docs` consecutive documents. Each shard goes
through parse -> attend -> match -> filter on its own (`mamakg.scale.shards`: the seam
`attend_windows` -> `match_window`), on an engine (`shards.LocalEngine` in this process,
`ray_engine.RayEngine` on Ray actors), and its mentions are written to
``DIR/shards/NNNNNN.jsonl.gz`` atomically. The Map stage then runs over every shard: its
per-document half (`mapping.resolve`: names and pronouns, readings, kinds) shard by shard, in
worker processes where there are cores to spare, and the corpus-level half (relation filter,
support, mapping: `mapping.facts`) over all of them, so:

- **resume**: rerunning the same command after a crash redoes only the shards that were in
  flight (a shard is done once its file is in place and the manifest says so);
- **append**: ``--append`` adds new inputs as new shards; old shards are not recomputed, and
  fact and entity IRIs stay stable because they derive from normalized text.

``DIR/manifest.json`` (`mamakg.scale.manifest.Manifest`) records the inputs (path, size,
SHA-256), the effective config, the shard list and which shards are done, and the outputs
written from the folder (an output the folder wrote, unchanged since, may be replaced without
``--force``: `wrote_output`). A changed input, or a changed setting that shards depend on (the
`Config` fields of `Scope.MENTIONS`), is refused unless `force` starts the folder over.
Settings of the corpus-level half (`Scope.CORPUS`: ``--min-relation-pairs``, ``--entities``,
``--kb``, ``--min-map-score``...) and those of speed (`Scope.SPEED`) may change between runs:
the corpus-level half is recomputed over all shards every time. The models are loaded only
when a shard is to be built: a rerun with every shard done loads none for the shards.
"""

from __future__ import annotations

import contextlib
import dataclasses
import fcntl
import hashlib
import os
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from mamakg.config import Config, Scope, available_cores
from mamakg.errors import MamakgError, UsageError
from mamakg.mapping.entities import EntityLinker, KBLinker, make_linker
from mamakg.mapping.facts import collect_facts, map_resolved
from mamakg.mapping.mapper import MapChain
from mamakg.mapping.resolve import (
    DocumentStream,
    Forms,
    ResolvedWindow,
    resolve_window,
    store_parts,
    streams,
)
from mamakg.output import atomic_output
from mamakg.parse import blas_of_build, pipeline_name
from mamakg.pipeline import load_models, run_info
from mamakg.reader import Reading, expand_inputs
from mamakg.result import Result, Summary
from mamakg.scale.manifest import (
    DEFAULT_SHARD_DOCS,
    InputFile,
    Manifest,
    OutputStamp,
    Part,
)
from mamakg.scale.processes import Workers, long_lived_heap
from mamakg.scale.shards import (
    SCHEMA_VERSION,
    Engine,
    LocalEngine,
    Models,
    Shard,
    ShardResult,
    read_shard,
    split_shards,
)
from mamakg.store import MentionStore
from mamakg.types import Mention, RunInfo
from mamakg.version import __version__

__all__ = [
    "DEFAULT_SHARD_DOCS",
    "SCHEMA_VERSION",
    "WorkOptions",
    "build_workdir",
    "record_output",
    "wrote_output",
]

MANIFEST = "manifest.json"
SHARDS = "shards"


@dataclass(frozen=True)
class WorkOptions:
    """How a build uses its work folder (``mamakg build --workdir``'s options)."""

    reading: Reading = Reading()
    """How the inputs are read (``--input-format``, ``--text-field``, ``--id-field``)."""
    shard_docs: int | None = None
    """Documents per shard; None: the folder's (a new folder: `DEFAULT_SHARD_DOCS`)."""
    append: bool = False
    """Add this run's inputs to those of the folder as new shards."""
    force: bool = False
    """Start the folder over when it holds shards this run cannot reuse."""


def _sha256(path: str) -> str:
    digest = hashlib.sha256()
    try:
        with open(path, "rb") as handle:
            while block := handle.read(1 << 20):
                digest.update(block)
    except OSError as err:
        raise MamakgError(f"{path}: cannot read ({err.strerror})") from err
    return digest.hexdigest()


def _describe(files: list[str]) -> list[InputFile]:
    return [InputFile(f, os.path.getsize(f), _sha256(f)) for f in files]


class _Folder:
    """The work folder: its manifest, shard files and lock."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.shard_dir = os.path.join(path, SHARDS)
        self.manifest_path = os.path.join(path, MANIFEST)
        self._lock: Any = None
        self.manifest = Manifest()

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

    def load(self) -> Manifest | None:
        return Manifest.read(self.manifest_path)

    def save(self, manifest: Manifest | None = None) -> None:
        if manifest is not None:
            self.manifest = manifest
        self.manifest.write(self.manifest_path)

    def clear(self) -> None:
        for name in os.listdir(self.shard_dir):
            os.unlink(os.path.join(self.shard_dir, name))
        with contextlib.suppress(FileNotFoundError):
            os.unlink(self.manifest_path)

    def shard_path(self, name: str) -> str:
        return os.path.join(self.shard_dir, name + ".jsonl.gz")

    def record(self, result: ShardResult, shard: Shard) -> None:
        """Write a finished shard, then mark it done in the manifest."""
        models = self.manifest.models if self.manifest.models is not None else result.models
        if models != result.models:
            raise MamakgError(
                f"shard {result.name} was made with {result.models}, earlier shards with "
                f"{models}: use the same models, or a new work folder")
        with atomic_output(self.shard_path(result.name), force=True) as handle:
            handle.write(result.data)
        entry = dataclasses.replace(self.manifest.entry(shard), done=True,
                                    counts=result.counts,
                                    sha256=hashlib.sha256(result.data).hexdigest())
        self.save(self.manifest.with_shard(entry).replace(models=models))

    def started(self, shard: Shard) -> None:
        """Mark a shard as in flight."""
        self.save(self.manifest.with_shard(self.manifest.entry(shard)))


def _shard_config(config: Config) -> dict[str, Any]:
    full = config.to_dict()
    return {k: full[k] for k in Config.fields_of(Scope.MENTIONS)}


class _Mismatch(MamakgError):
    """The folder holds shards of another build; --force starts it over."""


def _refuse(why: str) -> _Mismatch:
    return _Mismatch(f"{why}: pass --force to start the work folder over")


def _new_inputs(path: str, manifest: Manifest, described: list[InputFile], config: Config,
                options: WorkOptions) -> list[InputFile]:
    """This run's inputs that the folder does not hold yet; raises `_Mismatch` when the folder
    holds shards this run cannot reuse."""
    if manifest.shard_config != _shard_config(config):
        changed = sorted(k for k, v in _shard_config(config).items()
                         if manifest.shard_config.get(k) != v)
        raise _refuse(f"{path} was built with other settings ({', '.join(changed)})")
    if options.shard_docs is not None and options.shard_docs != manifest.shard_docs:
        raise _refuse(f"{path} uses --shard-docs {manifest.shard_docs}, "
                      f"not {options.shard_docs}")
    if options.reading != manifest.reading:
        recorded = manifest.reading.to_dict()
        used = ", ".join(f"--{k.replace('_', '-')} {v or 'auto'}" for k, v in recorded.items())
        raise _refuse(f"{path} read its inputs with {used}")
    known = {i.path: i for p in manifest.parts for i in p.inputs}
    for item in described:
        old = known.get(item.path)
        if old is not None and old.sha256 != item.sha256:
            raise _refuse(f"input {item.path} changed since it was added to {path}")
    if options.append:
        return [i for i in described if i.path not in known]
    given = [i.path for i in described]
    recorded_paths = [i.path for p in manifest.parts for i in p.inputs]
    if given != recorded_paths:
        raise _refuse(f"{path} was built from other inputs ({' '.join(recorded_paths)}); "
                      "pass --append to add inputs")
    return []


def _prepare(folder: _Folder, files: list[str], config: Config, options: WorkOptions) -> None:
    """Check the folder against this run (or start it over) and add this run's new inputs."""
    described = _describe(files)
    shard_docs = options.shard_docs
    manifest = None
    try:
        manifest = folder.load()
        new = described
        if manifest is not None:
            new = _new_inputs(folder.path, manifest, described, config, options)
        elif os.listdir(folder.shard_dir):
            raise _refuse(f"{folder.path} holds shards but no manifest")
    except MamakgError:
        if not options.force:
            raise
        if shard_docs is None and manifest is not None:
            shard_docs = manifest.shard_docs  # starting over keeps the shard size
        manifest, new = None, described
    if manifest is None:
        folder.clear()
        manifest = Manifest(shard_docs=shard_docs or DEFAULT_SHARD_DOCS,
                            reading=options.reading, shard_config=_shard_config(config))
    if new:
        manifest = manifest.replace(parts=(*manifest.parts, Part(tuple(new))))
    folder.save(manifest.replace(config=config.to_dict(), mamakg_version=__version__))


def wrote_output(workdir: str, path: str) -> bool:
    """Whether `path` is an output that a build through `workdir` wrote, unchanged since
    (same size and modification time): rerunning the command may replace it without
    ``--force``, so that "rerun the same command to resume" holds."""
    try:
        manifest = Manifest.read(os.path.join(workdir, MANIFEST))
        stamp = OutputStamp.of(path)
    except (OSError, MamakgError):
        return False
    return manifest is not None and manifest.outputs.get(os.path.abspath(path)) == stamp


def record_output(workdir: str, path: str) -> None:
    """Note in the work folder's manifest that this build wrote `path` (see `wrote_output`)."""
    folder = _Folder(workdir)
    folder.lock()
    try:
        manifest = folder.load()
        if manifest is None:
            return
        outputs = {**manifest.outputs, os.path.abspath(path): OutputStamp.of(path)}
        folder.save(manifest.replace(outputs=outputs))
    finally:
        folder.unlock()


def _pending(folder: _Folder, on_skip: Callable[[int], None] | None) -> Iterator[Shard]:
    """The shards still to do, in order, re-reading (not re-parsing) every part's inputs."""
    done = folder.manifest.done()
    first = 0
    for number, part in enumerate(folder.manifest.parts):
        if part.n_shards is not None and all(
                f"{i:06d}" in done for i in range(first, first + part.n_shards)):
            first += part.n_shards
            continue
        paths = [i.path for i in part.inputs]
        missing = [p for p in paths if not os.path.isfile(p)]
        if missing:
            raise MamakgError(f"input {missing[0]} of an unfinished part of {folder.path} is "
                              "gone: restore it, or pass --force to start over")
        n_shards = 0
        documents = folder.manifest.reading.read(paths)
        for shard in split_shards(documents, folder.manifest.shard_docs, number, first):
            n_shards += 1
            entry = done.get(shard.name)
            if entry is not None:
                if entry.first_document != shard.documents[0].doc_id:
                    raise _refuse(f"shard {shard.name} of {folder.path} no longer matches "
                                  "its inputs")
                if on_skip is not None and entry.counts is not None:
                    on_skip(entry.counts.match.n_sentences)
                continue
            yield shard
        parts = list(folder.manifest.parts)
        parts[number] = Part(part.inputs, n_shards)
        folder.manifest = folder.manifest.replace(parts=tuple(parts))
        first += n_shards
    folder.save()


def _done_shards(folder: _Folder) -> list[tuple[str, str]]:
    """(path, name) of every shard, in shard (= corpus) order; each must be done."""
    for entry in folder.manifest.shards:
        if not entry.done or entry.counts is None:
            raise MamakgError(f"shard {entry.name} of {folder.path} is not done: rerun the "
                              "same command to finish it")
    return [(folder.shard_path(e.name), e.name) for e in folder.manifest.shards]


def _count(folder: _Folder, summary: Summary) -> None:
    for entry in folder.manifest.shards:
        assert entry.counts is not None
        entry.counts.add_to(summary)


def _load(folder: _Folder, store: MentionStore, summary: Summary) -> None:
    """Every done shard's mentions into the store, in shard (= corpus) order, and its counts
    into the summary."""
    for path, name in _done_shards(folder):
        for chunk in read_shard(path, name):
            store.add(chunk)
    _count(folder, summary)


def _resolve_shard(shard: tuple[str, str], config: Config) -> ResolvedWindow:
    """The Map stage's per-document half on one shard file (its documents are whole)."""
    mentions = [m for chunk in read_shard(*shard) for m in chunk]
    return resolve_window(mentions, None, None, config)


_RESOLVE_CONFIG: list[Config] = []


def _init_resolver(config: Config) -> None:
    _RESOLVE_CONFIG[:] = [config]


def _resolve_task(shard: tuple[str, str]) -> ResolvedWindow:
    return _resolve_shard(shard, _RESOLVE_CONFIG[0])


def _load_resolved(folder: _Folder, store: MentionStore, summary: Summary, config: Config,
                   left_out: list[Mention]) -> Forms:
    """Every done shard's mentions resolved document by document (the Map stage's
    per-document half, `mamakg.mapping.resolve`) into the store, in shard order, in worker
    processes where there are cores to spare (`Config.match_processes`, None: all but one);
    the shards' counts into the summary; the forms of the resolved mentions."""
    shards = _done_shards(folder)
    workers = config.match_processes
    if workers is None:
        workers = min(available_cores() - 1, len(shards) - 1)
    stream = DocumentStream(config)

    def here(shard: tuple[str, str]) -> ResolvedWindow:
        return _resolve_shard(shard, config)

    with contextlib.ExitStack() as stack:
        results: Iterable[ResolvedWindow] = map(here, shards)
        if workers >= 1:
            pool = stack.enter_context(Workers(workers, _init_resolver, (config,)))
            results = pool.map(_resolve_task, shards, local=here)
        for window in results:
            store_parts(stream.feed(window), store, summary, left_out)
    store_parts(stream.close(), store, summary, left_out)
    _count(folder, summary)
    return stream.forms


def build_workdir(
    inputs: Iterable[str],
    config: Config,
    workdir: str,
    *,
    models: Callable[[], Models] | None = None,
    linker: EntityLinker | KBLinker | None = None,
    mappers: MapChain | None = None,
    options: WorkOptions = WorkOptions(),
    engine: Engine | None = None,
    on_sentences: Callable[[int], None] | None = None,
) -> Result:
    """Build the facts of the inputs through the work folder `workdir` (see the module doc).

    `models` gives the (spaCy pipeline, language model) pair (default: loaded from `config`);
    it is called only when a shard is to be built here, or to name the models of an empty
    corpus. `linker` and `mappers` are the Map stage's (as `pipeline.build` takes them).
    `engine` processes the shards (default: `LocalEngine` with `models`). The result's
    summary counts the folder's shards (``n_shards``), those this run built
    (``n_shards_built``) and their sentences (``n_sentences_built``).
    """
    started = time.perf_counter()
    files = expand_inputs(inputs)
    if "-" in files:
        raise UsageError("--workdir cannot read standard input: name the input files")
    if options.shard_docs is not None and options.shard_docs < 1:
        raise UsageError("--shard-docs must be at least 1")
    loaded: list[Models] = []

    def get_models() -> Models:
        if not loaded:
            loaded.append(models() if models is not None else load_models(config))
        return loaded[0]

    run_shards = engine if engine is not None else LocalEngine(get_models)
    folder = _Folder(workdir)
    folder.lock()
    try:
        with blas_of_build():  # the workers it forks hold the other cores
            _prepare(folder, files, config, options)
            done_before = set(folder.manifest.done())
            run_shards(_pending(folder, on_sentences), config, started=folder.started,
                       record=folder.record, on_sentences=on_sentences)
            built = [e for name, e in folder.manifest.done().items() if name not in done_before]
            summary = Summary()
            if folder.manifest.models is None:  # an empty corpus: no shard ever saw the models
                nlp, lm = get_models()
                folder.save(folder.manifest.replace(
                    models=run_info(config, lm, pipeline_name(nlp)).models()))
            made = make_linker(config) if linker is None else None
            left_out: list[Mention] = []
            with contextlib.closing(made) if made is not None else contextlib.nullcontext(), \
                    long_lived_heap(), MentionStore() as store:
                if streams(config):
                    forms = _load_resolved(folder, store, summary, config, left_out)
                    facts = map_resolved(store, forms, config, summary, linker or made, mappers)
                else:
                    _load(folder, store, summary)
                    facts = collect_facts(store, config, summary, linker or made,
                                          dropped=left_out, mappers=mappers)
    finally:
        folder.unlock()
    summary.seconds = time.perf_counter() - started
    summary.n_shards = len(folder.manifest.shards)
    summary.n_shards_built = len(built)
    summary.n_sentences_built = sum(e.counts.match.n_sentences for e in built if e.counts)
    run = RunInfo.from_dict({"mamakg_version": __version__, **(folder.manifest.models or {}),
                             "config": config.to_dict()})
    return Result(facts=facts, summary=summary, run=run, base=config.base_iri,
                  left_out=tuple(left_out))
