"""The Python API: a `Builder` that loads the models once and builds graphs from texts or files,
and `load` for a graph written earlier. The command line is a thin layer over these.

    >>> import mamakg
    >>> builder = mamakg.Builder(device="cpu")                      # doctest: +SKIP
    >>> result = builder.build(["Marie Curie was born in Warsaw."])  # doctest: +SKIP
    >>> [(f.head.label, f.relation.label, f.tail.label) for f in result.facts]  # doctest: +SKIP
    [('Marie Curie', 'was born in', 'Warsaw')]

Options are those of `Config` (the same names as ``mamakg build``'s flags, with ``_`` for
``-``), on top of a preset (``default``, what ``mamakg build`` uses; ``paper``, the paper's).
"""

from __future__ import annotations

import dataclasses
import logging
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import Any

from mamakg.config import Config, Preset
from mamakg.errors import UsageError
from mamakg.result import Result, Summary
from mamakg.types import Document, Mention

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


class Builder:
    """Builds knowledge graphs with one set of settings; loads its models once, on first use.

    `model` is a Hugging Face model id, a local model folder or a ``.gguf`` file (default: the
    bundled all-MiniLM-L6-v2); `device` is ``auto``, ``cpu`` or ``cuda``; `preset` the
    starting settings; every other keyword is a `Config` field (``min_relation_pairs=3``,
    ``kb="wikidata.kb"``...). Or pass a whole `config`.

    >>> Builder(beam_size=4).config.beam_size
    4
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
        self._models: tuple[Any, Any] | None = None

    def __repr__(self) -> str:
        loaded = "loaded" if self._models is not None else "not loaded yet"
        return f"Builder(model={self.config.model or 'bundled MiniLM'}, {loaded})"

    @property
    def models(self) -> tuple[Any, Any]:
        """(spaCy pipeline, `AttentionModel`), loaded on first use and kept."""
        if self._models is None:
            from mamakg.pipeline import load_models

            started = time.perf_counter()
            self._models = load_models(self.config)
            lm = self._models[1]
            log.info("models loaded in %.1f s: %s on %s (%s), spaCy %s",
                     time.perf_counter() - started, lm.info.name, lm.device,
                     self.config.dtype.value, self._models[0].meta.get("name", "?"))
        return self._models

    def build(self, texts: Iterable[TextLike], *, keep_texts: bool = False,
              on_sentences: Callable[[int], None] | None = None) -> Result:
        """The graph of a corpus in memory (streamed: any iterable of texts works).

        `keep_texts` keeps each document's text on the result (needed to write the CaRB
        format); `on_sentences` is called with the number of sentences after each window.
        """
        from mamakg.pipeline import build

        nlp, lm = self.models
        kept: dict[str, str] | None = {} if keep_texts else None
        result = build(_documents(texts, kept), self.config, nlp=nlp, lm=lm,
                       on_sentences=on_sentences)
        return dataclasses.replace(result, documents=kept) if kept is not None else result

    def build_files(self, paths: Iterable[str], *, input_format: str | None = None,
                    text_field: str = "text", id_field: str | None = None,
                    keep_texts: bool = False, workdir: str | None = None,
                    append: bool = False, force: bool = False, shard_docs: int | None = None,
                    engine: str = "local", ray_address: str | None = None, num_gpus: int = 0,
                    on_sentences: Callable[[int], None] | None = None) -> Result:
        """The graph of files (.txt: a document per line; .jsonl; folders of them; .gz;
        ``-`` for standard input).

        With `workdir`, the build goes through a work folder (sharded, resumable, appendable:
        docs/scaling.md); `append`, `force`, `shard_docs`, `engine`, `ray_address` and
        `num_gpus` are its options.
        """
        from mamakg.reader import expand_inputs, read_documents

        files = expand_inputs(paths)  # missing inputs fail here, before any model loads
        if workdir is None:
            if append or shard_docs is not None or engine != "local" or ray_address \
                    or num_gpus:
                raise UsageError("--append, --shard-docs, --engine, --ray-address and "
                                 "--num-gpus need --workdir")
            return self.build(read_documents(files, input_format, text_field=text_field,
                                             id_field=id_field),
                              keep_texts=keep_texts, on_sentences=on_sentences)
        if keep_texts:
            raise UsageError("the CaRB format needs the whole input in one run: drop --workdir")
        from mamakg.scale.workdir import build_workdir

        return build_workdir(files, self.config, workdir, models=lambda: self.models,
                             input_format=input_format, text_field=text_field,
                             id_field=id_field, shard_docs=shard_docs, append=append,
                             force=force, engine=engine, ray_address=ray_address,
                             num_gpus=num_gpus, on_sentences=on_sentences)

    def extract(self, text: str) -> list[Mention]:
        """The mentions of one text, sentence by sentence: every candidate fact that passes
        the sentence-level filters, with its offsets and attention path (no corpus-level
        filter, no mapping). For trying settings interactively."""
        from mamakg.parse import parse_documents
        from mamakg.pipeline import attend_windows, match_window

        nlp, lm = self.models
        sentences = parse_documents([Document("text", text)], nlp,
                                    max_tokens=self.config.max_tokens)
        return [m for window in attend_windows(sentences, lm, self.config)
                for m in match_window(window, self.config)[0]]


def load(path: str) -> Result:
    """A graph that mamakg wrote (any RDF format it writes, JSONL, or an Oxigraph store
    folder), read back as a `Result`."""
    from mamakg.rdf.load import load_graph

    graph = load_graph(path)
    return Result(facts=graph.facts, summary=Summary.of_facts(graph.facts),
                  run=graph.run_record, base=graph.base, source=path)
