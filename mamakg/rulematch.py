"""The matches of spaCy's attribute ruler, found with array operations.

A pipeline's `attribute_ruler` (en_core_web_sm's maps each fine-grained tag to its coarse
part of speech and features, and a few words in context to their lemma) finds its matches
with spaCy's general `Matcher`, which steps every token through every one of its patterns:
on this project's CPU that took a fifth of spaCy's time, as long as the parser. Its patterns
are one or two tokens with no operators, each token a few tests of equality, membership or a
regular expression on the tag, lower-case form, dependency label or whitespace flag; here
each test is one comparison over that attribute of every token of a batch of documents.

`speed_up` gives a loaded pipeline's ruler this matcher when every pattern is of that kind
(else it leaves the ruler as it is). The ruler then applies the same matches in the same
order: the documents come out the same (tests/test_rulematch.py compares them with spaCy's
own on text that exercises every pattern).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from typing import Any

import numpy as np

__all__ = ["RuleMatcher", "speed_up"]

_COLUMNS = ("TAG", "LOWER", "DEP", "IS_SPACE")
"""The token attributes a pattern may test, in the order of the document's array."""

SEARCHED_LIMIT = 1_000_000
"""Strings whose regular-expression result a matcher remembers, per expression, before it
starts over (a corpus's distinct lower-case forms)."""

Test = tuple[int, str, Any]
"""(column, kind, value): kind "eq" (value an id), "in" / "not_in" (an array of ids) or
"regex" (a compiled expression on the text of the column's string)."""


def _test(vocab: Any, attr: str, spec: Any) -> Test | None:
    column = _COLUMNS.index(attr)

    def ident(value: Any) -> int:
        if attr == "IS_SPACE":
            return int(bool(value))
        return int(vocab.strings.as_int(value)) if isinstance(value, str) else int(value)

    if isinstance(spec, (str, bool, int)):
        return column, "eq", ident(spec)
    if isinstance(spec, dict) and len(spec) == 1:
        (kind, value), = spec.items()
        if kind in ("IN", "NOT_IN") and isinstance(value, list):
            return column, kind.lower(), np.array(sorted({ident(v) for v in value}),
                                                  dtype=np.uint64)
        if kind == "REGEX" and isinstance(value, str) and attr != "IS_SPACE":
            return column, "regex", re.compile(value)
    return None


def _compile(vocab: Any, pattern: list[dict[str, Any]]) -> list[list[Test]] | None:
    """A pattern's tests, token by token, or None if it is not of the kind handled here."""
    tokens: list[list[Test]] = []
    for token in pattern:
        if not isinstance(token, dict) or not token or not set(token) <= set(_COLUMNS):
            return None
        tests = [_test(vocab, attr, spec) for attr, spec in token.items()]
        if any(t is None for t in tests):
            return None
        tokens.append([t for t in tests if t is not None])
    return tokens or None


class RuleMatcher:
    """The matches of an `AttributeRuler`'s patterns in a document, as its ``match`` method
    returns them: ``(rule number, match id, start, end)``, sorted."""

    def __init__(self, ruler: Any, rules: list[tuple[int, int, list[list[list[Test]]]]]):
        self.strings = ruler.vocab.strings
        self.rules = rules
        """(rule number, match id, each alternative pattern's tests), by rule number."""
        self.keys = {number: key for number, key, _ in rules}
        self._searched: dict[str, dict[int, bool]] = {}
        """Each regular expression's result on each string id it was tried on (by the
        expression's text: the compiled ones are new objects in a process they are sent
        to)."""

    @classmethod
    def of(cls, ruler: Any) -> RuleMatcher | None:
        """The matcher of a ruler's patterns; None if one of them is not of the kind handled
        here (operators, other attributes or predicates, an unknown rule) or it has none."""
        vocab = ruler.vocab
        rules = []
        for number in range(len(ruler.attrs)):
            key = vocab.strings.as_int(str(number))
            if key not in ruler.matcher:
                return None
            _, patterns = ruler.matcher.get(key)
            compiled = [_compile(vocab, pattern) for pattern in patterns]
            if not compiled or any(c is None for c in compiled):
                return None
            rules.append((number, key, [c for c in compiled if c is not None]))
        return cls(ruler, rules) if rules else None

    def __call__(self, doc: Any) -> list[tuple[int, int, int, int]]:
        return self.batch([doc])[0]

    def batch(self, docs: list[Any]) -> list[list[tuple[int, int, int, int]]]:
        """Each document's matches; the tests run once over the documents' tokens together,
        a pattern of several tokens matching within one document only."""
        from spacy.attrs import DEP, IS_SPACE, LOWER, TAG

        sizes = [len(doc) for doc in docs]
        n = sum(sizes)
        if n == 0:
            return [[] for _ in docs]
        table = np.concatenate([doc.to_array([TAG, LOWER, DEP, IS_SPACE]).reshape(-1, 4)
                                for doc in docs]).astype(np.uint64, copy=False)
        columns = [table[:, i] for i in range(len(_COLUMNS))]
        starts = np.cumsum([0, *sizes])  # where each document begins
        owner = np.repeat(np.arange(len(docs)), sizes)  # the document of each token
        cache: dict[int, np.ndarray] = {}  # a test's result, by the test's identity

        def holds(test: Test) -> np.ndarray:
            found = cache.get(id(test))
            if found is not None:
                return found
            column, kind, value = test
            values = columns[column]
            if kind == "eq":
                found = values == np.uint64(value)
            elif kind == "in":
                found = np.isin(values, value)
            elif kind == "not_in":
                found = ~np.isin(values, value)
            else:  # a regular expression: once per distinct string of the column
                known = self._searched.setdefault(value.pattern, {})
                if len(known) > SEARCHED_LIMIT:
                    known.clear()
                ids, inverse = np.unique(values, return_inverse=True)
                for v in ids.tolist():
                    if v not in known:
                        known[v] = bool(value.search(self.strings[v]))
                found = np.array([known[v] for v in ids.tolist()], dtype=bool)[inverse]
            cache[id(test)] = found
            return found

        numbers, begins, ends = [], [], []  # of every match, over the batch's tokens
        for number, _, alternatives in self.rules:
            spans = []  # (start, end) of each alternative's matches
            for tokens in alternatives:
                size = len(tokens)
                if size > n:
                    continue
                where = np.ones(n - size + 1, dtype=bool)
                for offset, tests in enumerate(tokens):
                    for test in tests:
                        where &= holds(test)[offset:n - size + 1 + offset]
                if size > 1:  # not across documents
                    where &= owner[: n - size + 1] == owner[size - 1:]
                found = np.flatnonzero(where)
                spans.append(np.stack([found, found + size], axis=1))
            if not spans:
                continue
            span = spans[0] if len(spans) == 1 else np.unique(np.concatenate(spans), axis=0)
            numbers.append(np.full(len(span), number))
            begins.append(span[:, 0])
            ends.append(span[:, 1])
        rows = np.stack([np.concatenate(numbers), np.concatenate(begins),
                         np.concatenate(ends)], axis=1)
        docs_of = owner[rows[:, 1]]
        order = np.lexsort((rows[:, 2], rows[:, 1], rows[:, 0], docs_of))
        rows, docs_of = rows[order], docs_of[order]
        local = rows[:, 1:] - starts[docs_of][:, None]
        out = []
        cuts = np.searchsorted(docs_of, np.arange(len(docs) + 1))
        for d in range(len(docs)):
            a, b = cuts[d], cuts[d + 1]
            out.append(list(zip(rows[a:b, 0].tolist(),
                                [self.keys[k] for k in rows[a:b, 0].tolist()],
                                local[a:b, 0].tolist(), local[a:b, 1].tolist())))
        return out


class _BatchPipe:
    """An attribute ruler's ``pipe``: the matches of a batch at a time (`RuleMatcher.batch`),
    applied by the ruler itself."""

    def __init__(self, ruler: Any, matcher: RuleMatcher) -> None:
        self.ruler = ruler
        self.matcher = matcher

    def __call__(self, stream: Iterable[Any], *, batch_size: int = 128) -> Iterator[Any]:
        from spacy.util import minibatch

        handler = self.ruler.get_error_handler()
        for docs in minibatch(stream, size=batch_size):
            try:
                found = self.matcher.batch(docs)
            except Exception:  # each document on its own, for spaCy's error handling below
                found = None
            for i, doc in enumerate(docs):
                try:
                    matches = found[i] if found is not None else self.matcher(doc)
                    self.ruler.set_annotations(doc, matches)
                    yield doc
                except Exception as err:  # as spaCy's own `Pipe.pipe`
                    handler(self.ruler.name, self.ruler, [doc], err)


def speed_up(nlp: Any) -> bool:
    """Give the pipeline's attribute ruler the array matcher (`RuleMatcher`) where all its
    patterns allow; whether it did."""
    from spacy.pipeline import AttributeRuler

    done = False
    for _, component in nlp.pipeline:
        if type(component) is AttributeRuler:
            matcher = RuleMatcher.of(component)
            if matcher is not None:
                # on the instance: ``ruler(doc)`` calls its ``match``, ``nlp.pipe`` its ``pipe``
                component.match = matcher  # type: ignore[method-assign]
                component.pipe = _BatchPipe(component, matcher)  # type: ignore[method-assign]
                done = True
    return done
