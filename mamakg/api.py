"""The Python API: a `Builder` that loads the models once and builds graphs from texts or files,
and `load` for a graph written earlier. The command line is a thin layer over these.

    >>> import mamakg
    >>> builder = mamakg.Builder(device="cpu")
    >>> result = builder.build(["Marie Curie was born in Warsaw."])
    >>> [(f.head.label, f.relation.label, f.tail.label) for f in result.facts]
    [('Marie Curie', 'was born in', 'Warsaw')]

Options are those of `Config` (the same names as ``mamakg build``'s flags, with ``_`` for
``-``), on top of a preset (``default``, what ``mamakg build`` uses; ``paper``, the paper's).
Errors are `MamakgError` (or its `UsageError`), with the message the command line prints.
"""

from __future__ import annotations

import dataclasses
import importlib.util
import logging
import os
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import Any

from mamakg.config import Config, Preset, parse_enum
from mamakg.errors import UsageError
from mamakg.result import Result, Summary
from mamakg.types import Document, Mention, RunInfo

__all__ = ["Builder", "load"]

log = logging.getLogger(__name__)

TextLike = str | Document | tuple[str, str] | Mapping[str, Any]
"""What `Builder.build` accepts per document: a text, a `Document`, an (id, text) pair, or a
mapping with ``text`` (and ``id``)."""


def _documents(items: Iterable[TextLike], keep: dict[str, str] | None) -> Iterator[Document]:
    for number, item in enumerate(items, start=1):
        if isinstance(item, Document):
            doc = item
        elif isinstance(item, str):
            doc = Document(f"text:{number}", item)
        elif isinstance(item, tuple) and len(item) == 2:
            doc = Document(str(item[0]), str(item[1]))
        elif isinstance(item, Mapping) and isinstance(item.get("text"), str):
            doc = Document(str(item.get("id", f"text:{number}")), item["text"])
        else:
            raise UsageError(f"document {number}: expected a text, a Document, an (id, text) "
                             f"pair or a mapping with 'text', got {type(item).__name__}")
        if keep is not None:
            keep[doc.doc_id] = doc.text
        yield doc


def _check_linking_files(config: Config) -> None:
    """The entity table and knowledge base of the settings exist, and not both are given
    (before any model loads)."""
    if config.entities and not os.path.isfile(config.entities):
        raise UsageError(f"--entities {config.entities}: no such file")
    if config.kb and not os.path.isfile(config.kb):
        raise UsageError(f"--kb {config.kb}: no such file; build one with 'mamakg kb build'")
    if config.kb and config.entities:
        raise UsageError("pass --kb or --entities, not both (add the table to the knowledge "
                         "base with 'mamakg kb import')")


class Builder:
    """Builds knowledge graphs with one set of settings; loads its models once, on first use:
    the spaCy pipeline and the language model (`models`), and the Map stage's relation mappers
    with their sentence-embedding model and property vectors (`mappers`) and entity linker
    (`linker`). `close()` (or a ``with Builder(...) as builder:`` block) closes the linker's
    knowledge base and lets the Map stage's models go.

    `model` is a Hugging Face model id, a local model folder or a ``.gguf`` file (default: the
    bundled all-MiniLM-L6-v2); `device` is ``auto``, ``cpu`` or ``cuda``; `preset` the
    starting settings; every other keyword is a `Config` field (``min_relation_pairs=3``,
    ``kb="wikidata.kb"``...). Or pass a whole `config`.

    >>> Builder(beam_size=4).config.beam_size
    4
    >>> Builder(preset="paper").config.pairs.value
    'all'
    >>> Builder(no_such_option=1)
    Traceback (most recent call last):
    ...
    mamakg.errors.UsageError: unknown option 'no_such_option' (see mamakg.Config)
    """

    def __init__(self, model: str | None = None, *, device: str | None = None,
                 preset: Preset | str = Preset.DEFAULT, config: Config | None = None,
                 **options: Any) -> None:
        if config is not None:
            if model is not None or device is not None or options:
                raise UsageError("pass either a config or options, not both")
            self.config = config
        else:
            known = {f.name for f in dataclasses.fields(Config)}
            for name in options:
                if name not in known:
                    raise UsageError(f"unknown option {name!r} (see mamakg.Config)")
            self.config = Config.preset(preset, model=model, device=device, **options)
        _check_linking_files(self.config)
        self._models: tuple[Any, Any] | None = None
        self._mappers: Any = None
        self._linker: Any = None
        self._linker_made = False
        self._log_settings(preset if config is None else Preset.DEFAULT)

    def _log_settings(self, preset: Preset | str) -> None:
        """INFO: the settings that differ from the preset; DEBUG: all of them."""
        name = parse_enum(Preset, preset, "preset").value
        changed = self.config.changed_from(Config.preset(name))
        log.info("settings: preset %s%s", name,
                 "; changed " + ", ".join(f"{k}={v}" for k, v in changed.items())
                 if changed else " unchanged")
        log.debug("all settings: %s", self.config.to_json())

    def __repr__(self) -> str:
        loaded = "loaded" if self._models is not None else "not loaded yet"
        return f"Builder(model={self.config.model or 'bundled MiniLM'}, {loaded})"

    def check_models(self) -> None:
        """Raise a `UsageError` at once, offline and without loading anything, when the
        language model or the spaCy pipeline named by the settings is not on this machine."""
        from mamakg.attention import resolve_model

        resolve_model(self.config.model)
        _check_spacy_model(self.config.spacy_model)

    @property
    def models(self) -> tuple[Any, Any]:
        """(spaCy pipeline, `AttentionModel`), loaded on first use and kept."""
        if self._models is None:
            from mamakg.pipeline import load_models

            self.check_models()
            started = time.perf_counter()
            self._models = load_models(self.config)
            from mamakg.parse import pipeline_name

            nlp, lm = self._models
            log.info("models loaded in %.1f s: %s%s (layer %d of %d, %s) on %s, %s; spaCy %s",
                     time.perf_counter() - started, lm.info.name,
                     f" {lm.info.revision}" if lm.info.revision else "", lm.layer + 1,
                     lm.info.n_layers, "causal" if lm.info.causal else "encoder",
                     f"{lm.device} (oneDNN)" if lm.onednn_layers else lm.device,
                     self.config.dtype.value, pipeline_name(nlp))
            from mamakg import native

            log.info("rule modules: %s", native.state())
        return self._models

    @property
    def mappers(self) -> Any:
        """The Map stage's relation mappers (`mapping.mapper.MapChain`), made on first use and
        kept: the sentence-embedding model and the property vectors load once."""
        if self._mappers is None:
            from mamakg.mapping.facts import load_embedder, make_mappers
            from mamakg.mapping.vectors import PropertyVectors

            embedder = load_embedder(self.config)
            self._mappers = make_mappers(self.config, embedder,
                                         PropertyVectors.bundled() if embedder else None)
        return self._mappers

    @property
    def linker(self) -> Any:
        """The entity linker of the settings (``--kb`` or ``--entities``; None without),
        opened on first use and kept until `close`."""
        if not self._linker_made:
            from mamakg.mapping.entities import make_linker

            self._linker = make_linker(self.config)
            self._linker_made = True
        return self._linker

    def close(self) -> None:
        """Close the entity linker's knowledge base and let the Map stage's models go (a later
        build loads them again)."""
        linker, self._linker, self._linker_made, self._mappers = self._linker, None, False, None
        if linker is not None:
            linker.close()

    def __enter__(self) -> Builder:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def build(self, texts: Iterable[TextLike], *, keep_texts: bool = False,
              on_sentences: Callable[[int], None] | None = None) -> Result:
        """The graph of a corpus in memory (streamed: any iterable of texts works).

        `keep_texts` keeps each document's text on the result (needed to write the CaRB
        format); `on_sentences` is called with the number of sentences after each window.

        >>> builder = Builder(device="cpu")
        >>> result = builder.build([("bio-1", "Marie Curie was born in Warsaw.")])
        >>> result.facts[0].mentions[0].doc_id, result.summary.n_sentences
        ('bio-1', 1)
        """
        from mamakg.pipeline import build

        started = time.perf_counter()
        loading = self._models is None
        nlp, lm = self.models
        loaded = time.perf_counter()
        kept: dict[str, str] | None = {} if keep_texts else None
        result = build(_documents(texts, kept), self.config, nlp=nlp, lm=lm,
                       linker=self.linker, mappers=self.mappers, on_sentences=on_sentences)
        if loading:  # this call loaded the models: the time it took counts
            result.summary.timings["load"] = loaded - started
        result.summary.seconds = time.perf_counter() - started
        return dataclasses.replace(result, documents=kept) if kept is not None else result

    def build_files(self, paths: Iterable[str], *, input_format: str | None = None,
                    text_field: str = "text", id_field: str | None = None,
                    keep_texts: bool = False, workdir: str | None = None,
                    append: bool = False, force: bool = False, shard_docs: int | None = None,
                    engine: str = "local", ray_address: str | None = None, num_gpus: int = 0,
                    on_sentences: Callable[[int], None] | None = None) -> Result:
        """The graph of files (.txt: a document per line; .jsonl; folders of them; .gz;
        ``-`` for standard input).

        Before any model loads, every input is read once (`mamakg.reader.checked_inputs`): a
        missing input, a JSONL line that is not a document (named ``file:line``) or a model
        that is not installed raises a `UsageError` at once; a corpus with no document gives
        an empty graph without loading the models. The summary's seconds count it all,
        loading the models included.

        With `workdir`, the build goes through a work folder (sharded, resumable, appendable:
        docs/scaling.md); `append`, `force`, `shard_docs`, `engine`, `ray_address` and
        `num_gpus` are its options.

        >>> import os, tempfile
        >>> path = os.path.join(tempfile.mkdtemp(), "bios.txt")
        >>> _ = open(path, "w").write("Marie Curie was born in Warsaw.\\n")
        >>> result = Builder(device="cpu").build_files([path])
        >>> result.facts[0].mentions[0].doc_id == f"{path}:1"
        True
        """
        from mamakg.reader import Reading, checked_inputs

        started = time.perf_counter()
        paths = list(paths)
        if workdir is None:
            if append or shard_docs is not None or engine != "local" or ray_address \
                    or num_gpus:
                raise UsageError("--append, --shard-docs, --engine, --ray-address and "
                                 "--num-gpus need --workdir")
        else:
            if keep_texts:
                raise UsageError("the CaRB format needs the whole input in one run: drop "
                                 "--workdir")
            if "-" in paths:
                raise UsageError("--workdir cannot read standard input: name the input files")
            if engine not in ("local", "ray"):
                raise UsageError(f"invalid engine {engine!r}: choose one of local, ray")
        self.check_models()
        reading = Reading(input_format, text_field, id_field)
        with checked_inputs(paths, reading) as inputs:  # fails here, before any model loads
            if workdir is None and inputs.n_documents == 0:
                result = self._empty(keep_texts)
            elif workdir is None:
                result = self.build(inputs.read(), keep_texts=keep_texts,
                                    on_sentences=on_sentences)
            else:
                from mamakg.scale.workdir import WorkOptions, build_workdir

                run_shards = None
                if engine == "ray":
                    from mamakg.scale.ray_engine import RayEngine

                    run_shards = RayEngine(address=ray_address, num_gpus=num_gpus)
                options = WorkOptions(reading, shard_docs=shard_docs, append=append,
                                      force=force)
                result = build_workdir(list(inputs.files), self.config, workdir,
                                       models=lambda: self.models, linker=self.linker,
                                       mappers=self.mappers, options=options,
                                       engine=run_shards, on_sentences=on_sentences)
        result.summary.binary.extend(inputs.binary)
        result.summary.seconds = time.perf_counter() - started
        _log_timings(result.summary)
        return result

    def _empty(self, keep_texts: bool) -> Result:
        """The graph of a corpus with no document, made without loading the models: its run
        record names the models the settings would load (not whether the language model is
        causal, which only loading it tells)."""
        from mamakg.attention import resolve_model
        from mamakg.parse import installed_pipeline_name
        from mamakg.version import __version__

        _, name, revision = resolve_model(self.config.model)
        run = RunInfo(mamakg_version=__version__, model=name, model_revision=revision,
                      spacy_model=installed_pipeline_name(self.config.spacy_model),
                      config=self.config.to_dict())
        return Result(facts=[], summary=Summary(), run=run, base=self.config.base_iri,
                      documents={} if keep_texts else None)

    def extract(self, text: str) -> list[Mention]:
        """The mentions of one text, sentence by sentence: every candidate fact that passes
        the sentence-level filters, with its offsets and attention path (no corpus-level
        filter, no mapping). For trying settings interactively.

        >>> for m in Builder(device="cpu").extract("Bob Dylan is a songwriter."):
        ...     print(m.head.text, "|", m.relation.text, "|", m.tail.text)
        Bob Dylan | is | a songwriter
        """
        from mamakg.parse import parse_documents
        from mamakg.pipeline import attend_windows, match_window

        nlp, lm = self.models
        sentences = parse_documents([Document("text", text)], nlp,
                                    max_tokens=self.config.max_tokens)
        return [m for window in attend_windows(sentences, lm, self.config)
                for m in match_window(window, self.config)[0]]


def _check_spacy_model(name: str | None) -> None:
    """A named spaCy pipeline must be an installed package or a folder (no spaCy import)."""
    if name is None or os.path.exists(os.path.expanduser(name)):
        return
    try:
        found = importlib.util.find_spec(name) is not None
    except (ImportError, ValueError):
        found = False
    if not found:
        raise UsageError(f"--spacy-model {name}: no installed spaCy pipeline and no folder by "
                         "that name: pip install the pipeline (e.g. en-core-web-sm) or pass "
                         "the path of a pipeline folder")


_PARTS = {"device": ("attend", "model"), "parse_here": ("parse", "in this process"),
          "match_here": ("match", "in this process"),
          "collect_waiting": ("collect", "waiting for workers")}
"""Timings that are part of another stage's (stage, as the log names the part)."""


def _log_timings(summary: Summary) -> None:
    """One line: each stage's seconds, with the parts of a stage in brackets ("attend 0.8 s
    (model 0.7 s)") and worker processes' busy seconds after the build's own stages."""
    order = ("load", "parse", "attend", "match", "resolve", "resolve_edges", "store",
             "collect", "embed", "write")
    timings = summary.timings
    names = sorted((k for k in timings if k not in _PARTS),
                   key=lambda k: (order.index(k) if k in order else len(order), k))
    parts = {stage: [f"{label} {timings[k]:.1f} s" for k, (of, label) in _PARTS.items()
                     if of == stage and k in timings] for stage in names}
    stages = ", ".join(f"{k} {timings[k]:.1f} s" + (f" ({'; '.join(parts[k])})" if parts[k]
                                                    else "") for k in names)
    log.info("timings: %s; total %.1f s (%.1f sentences/s)", stages or "none",
             summary.seconds, summary.sentences_per_second)


def load(path: str) -> Result:
    """A graph that mamakg wrote (any RDF format it writes, JSONL, or an Oxigraph store
    folder), read back as a `Result`.

    >>> import os, tempfile
    >>> path = os.path.join(tempfile.mkdtemp(), "curie.ttl")
    >>> Builder(device="cpu").build(["Marie Curie was born in Warsaw."]).write(path)
    >>> again = load(path)
    >>> again.facts[0].relation.label, again.run.model
    ('was born in', 'sentence-transformers/all-MiniLM-L6-v2')
    """
    from mamakg.rdf.load import load_graph

    graph = load_graph(path)
    return Result(facts=graph.facts, summary=Summary.of_facts(graph.facts),
                  run=graph.run_record, base=graph.base, source=path)
