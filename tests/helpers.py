"""Builders for hand-made test inputs (no model, no spaCy pipeline)."""

from __future__ import annotations

from mamakg.types import Mention, Sentence, TextSpan


def sentence(words, pos, deps=None, chunks=(), lemmas=None, stops=None, doc_id="t:1", index=0):
    """A `Sentence` from words joined by single spaces."""
    offsets, at = [], 0
    for w in words:
        offsets.append((at, at + len(w)))
        at += len(w) + 1
    n = len(words)
    stop_words = {"is", "a", "the", "of", "in", "was", "he", "and", "to", "on"}
    return Sentence(
        doc_id=doc_id,
        index=index,
        text=" ".join(words),
        start=0,
        words=tuple(words),
        offsets=tuple(offsets),
        lemmas=tuple(lemmas or [w.lower() for w in words]),
        pos=tuple(pos),
        deps=tuple(deps or ["dep"] * n),
        is_stop=tuple(stops if stops is not None else [w.lower() in stop_words for w in words]),
        chunks=tuple(chunks),
    )


def dylan():
    """'Bob Dylan is a songwriter' with chunks [Bob Dylan] and [a songwriter]."""
    return sentence(
        ["Bob", "Dylan", "is", "a", "songwriter"],
        ["PROPN", "PROPN", "AUX", "DET", "NOUN"],
        deps=["compound", "nsubj", "ROOT", "det", "attr"],
        lemmas=["bob", "dylan", "be", "a", "songwriter"],
        chunks=[(0, 2), (3, 5)],
    )


def mention(doc, index, head, rel, tail, head_type, tail_type):
    """A `Mention` of the sentence "head rel tail", keys the lowercased texts."""
    text = f"{head} {rel} {tail}"
    a, b = len(head) + 1, len(head) + len(rel) + 2
    return Mention(doc, index, text, 0, TextSpan(head, 0, len(head)),
                   TextSpan(rel, a, a + len(rel)), TextSpan(tail, b, b + len(tail)),
                   head.lower(), rel, tail.lower(), 1.0, head_type=head_type,
                   tail_type=tail_type)


class OtherFloat(float):
    """A float of another type, which ``marshal`` does not write (`mamakg.packed` pickles a
    mention that holds one)."""
