"""Disk-backed mention store: the corpus-level half of the Filter stage without holding every
candidate in memory. Mentions go into SQLite as they are found; afterwards the store counts
distinct (head, tail) pairs per relation and hands back facts grouped by (head, relation, tail)
in a fixed order.
"""

from __future__ import annotations

import marshal
import os
import pickle
import sqlite3
import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import fields
from typing import Any

from mamakg.types import Mention, PathStep, TextSpan

__all__ = ["MentionStore", "Row", "decode", "encode"]

Row = tuple[str, str, str, str, str | bytes]
"""A mention as the store keeps it: (head key, relation key, tail key, sentence id, payload),
the payload last: `Mention.to_json` text, or the packed mention (`encode`'s `packed`: `pack`).
Cheap to pickle: Match workers hand these back."""


def encode(mentions: Iterable[Mention], packed: bool = False) -> list[Row]:
    """The store rows of mentions: with JSON payloads (what shard files hold), or `packed`
    (`pack`), for rows that never leave the build (the Map stage's resolved mentions), which
    decode faster."""
    return [(m.head_key, m.relation_key, m.tail_key, f"{m.doc_id}#{m.sent_index}",
             pack(m) if packed else m.to_json())
            for m in mentions]


def decode(payload: str | bytes) -> Mention:
    """The mention of a row's payload (`encode`): packed bytes (`pack`) or JSON text."""
    if isinstance(payload, bytes):
        if payload[:1] == _MARSHALLED:
            return _mention(marshal.loads(memoryview(payload)[1:]))
        found = pickle.loads(payload)  # noqa: S301 (written by this build's own processes)
        if not isinstance(found, Mention):
            raise TypeError(f"not a packed mention: {type(found).__name__}")
        return found
    return Mention.from_json(payload)


_MARSHALLED = b"M"
"""The first byte of a mention packed as plain values (`pack`); a pickle's is another."""
_FIELDS = tuple(f.name for f in fields(Mention))
_SPANS = tuple(i for i, name in enumerate(_FIELDS) if name in ("head", "relation", "tail"))
_NODES = tuple(i for i, name in enumerate(_FIELDS)
               if name in ("head_node", "tail_node", "relation_node"))
_PATH, _READINGS = _FIELDS.index("path"), _FIELDS.index("readings")
_new, _new_tuple, _set = object.__new__, tuple.__new__, object.__setattr__


def pack(mention: Mention) -> bytes:
    """A mention as bytes that only this version of mamakg reads back (`decode`), for the
    rows of one build: its fields' values in order, its spans, path steps and readings as
    tuples of theirs, written by ``marshal``; where a value is of no type ``marshal``
    writes (a float of another type, a record of a new kind), the whole mention is pickled
    instead. Faster to pack and to unpack than a pickle (no class is looked up by name, no
    record is built through its constructor), and smaller.

    >>> from fractions import Fraction
    >>> m = Mention("d", 0, "Ann met Bob", 0, TextSpan("Ann", 0, 3), TextSpan("met", 4, 7),
    ...             TextSpan("Bob", 8, 11), "ann", "meet", "bob", 0.5,
    ...             (PathStep("Ann", 0.0), PathStep("met", 0.25)))
    >>> pack(m)[:1], decode(pack(m)) == m
    (b'M', True)
    >>> odd = Mention(*m.__dict__.values())
    >>> object.__setattr__(odd, "score", Fraction(1, 2))  # marshal writes no Fraction
    >>> pack(odd)[:1] == b"M", decode(pack(odd)) == odd
    (False, True)
    """
    try:
        return _MARSHALLED + marshal.dumps(_values(mention))
    except ValueError:  # marshal refuses the value
        return pickle.dumps(mention, protocol=pickle.HIGHEST_PROTOCOL)


def _values(m: Mention) -> tuple[Any, ...]:
    """`pack`'s plain values of a mention (ValueError where they would not read back as
    the same mention)."""
    if type(m) is not Mention:
        raise ValueError("a subclass")
    found = m.__dict__
    values = [found[name] for name in _FIELDS]
    for i in _SPANS:
        values[i] = _span_values(values[i])
    for i in _NODES:
        if values[i] is not None:
            values[i] = _span_values(values[i])
    path = values[_PATH]
    if path:
        if type(path) is not tuple or any(type(step) is not PathStep for step in path):
            raise ValueError("a path of other steps")
        values[_PATH] = tuple([tuple(step) for step in path])
    readings = values[_READINGS]
    if readings:
        if type(readings) is not tuple:
            raise ValueError("readings in another sequence")
        values[_READINGS] = tuple([_values(r) for r in readings])
    return tuple(values)


def _span_values(span: TextSpan) -> tuple[Any, ...]:
    if type(span) is not TextSpan:
        raise ValueError("a span of another kind")
    found = span.__dict__
    return (found["text"], found["start"], found["end"])


def _span(values: tuple[Any, ...]) -> TextSpan:
    span = _new(TextSpan)
    _set(span, "__dict__", {"text": values[0], "start": values[1], "end": values[2]})
    return span


def _mention(values: tuple[Any, ...]) -> Mention:
    """The mention of `_values`: built without its constructor, as `mamakg.types.evolve`
    builds records (it was checked when it was made)."""
    found = list(values)
    for i in _SPANS:
        found[i] = _span(found[i])
    for i in _NODES:
        if found[i] is not None:
            found[i] = _span(found[i])
    if found[_PATH]:
        found[_PATH] = tuple([_new_tuple(PathStep, step) for step in found[_PATH]])
    if found[_READINGS]:
        found[_READINGS] = tuple([_mention(r) for r in found[_READINGS]])
    mention = _new(Mention)
    _set(mention, "__dict__", dict(zip(_FIELDS, found)))
    return mention


_SCHEMA = """
CREATE TABLE mention (
    seq INTEGER PRIMARY KEY,   -- corpus order
    head_key TEXT NOT NULL,
    relation_key TEXT NOT NULL,
    tail_key TEXT NOT NULL,
    sentence_id TEXT NOT NULL, -- doc_id + '#' + sentence index
    payload BLOB NOT NULL      -- the Mention: JSON text or pickled (`encode`)
);
"""


class MentionStore:
    """An append-then-query store of mentions in a temporary SQLite file (or `path`)."""

    def __init__(self, path: str | None = None, *, existing: bool = False) -> None:
        """A new store (in a temporary folder unless `path` is given), or with `existing`
        the store another process wrote at `path`, to read."""
        self._tmpdir = None
        if path is None:
            self._tmpdir = tempfile.TemporaryDirectory(prefix="mamakg-")
            path = os.path.join(self._tmpdir.name, "mentions.sqlite")
        self.path = path
        self._db = sqlite3.connect(path)
        self._db.execute("PRAGMA journal_mode=OFF")
        self._db.execute("PRAGMA synchronous=OFF")
        if not existing:
            self._db.executescript(_SCHEMA)
        self._seq = 0

    def add(self, mentions: Iterable[Mention]) -> None:
        self.add_rows(encode(mentions))

    def add_rows(self, rows: list[Row]) -> None:
        """Append encoded mentions (`encode`), in corpus order."""
        first = self._seq
        self._seq += len(rows)
        self._db.executemany("INSERT INTO mention VALUES (?, ?, ?, ?, ?, ?)",
                             [(first + i, *row) for i, row in enumerate(rows)])

    def __len__(self) -> int:
        return self._seq

    def _index(self) -> None:
        self._db.execute(
            "CREATE INDEX IF NOT EXISTS by_fact ON mention (head_key, relation_key, tail_key, seq)"
        )

    def relation_pairs(self) -> dict[str, int]:
        """Distinct (head, tail) pairs per relation."""
        self._index()
        rows = self._db.execute(
            "SELECT relation_key, COUNT(*) FROM "
            "(SELECT DISTINCT relation_key, head_key, tail_key FROM mention) GROUP BY relation_key"
        )
        return dict(rows)

    def count_mentions_of(self, relations: set[str]) -> int:
        """How many mentions carry one of these relations."""
        counts = self._db.execute(
            "SELECT relation_key, COUNT(*) FROM mention GROUP BY relation_key"
        )
        return sum(n for r, n in counts if r in relations)

    def facts(self, keep: set[str], heads: tuple[str, str] | None = None
              ) -> Iterator[list[Mention]]:
        """The mentions of each fact whose relation is in `keep`, grouped by
        (head, relation, tail) and sorted by those keys; mentions in corpus order. `heads`:
        only the facts whose head key lies in this range (both ends included;
        `head_ranges`)."""
        self._index()
        group: list[Mention] = []
        current: tuple[str, str, str] | None = None
        where = "" if heads is None else "WHERE head_key BETWEEN ? AND ? "
        rows = self._db.execute(
            "SELECT head_key, relation_key, tail_key, payload FROM mention " + where
            + "ORDER BY head_key, relation_key, tail_key, seq", heads or ()
        )
        for h, r, t, payload in rows:
            if r not in keep:
                continue
            if (h, r, t) != current:
                if group:
                    yield group
                group, current = [], (h, r, t)
            group.append(decode(payload))
        if group:
            yield group

    def head_ranges(self, size: int) -> list[tuple[str, str]]:
        """The head keys cut into ranges (first, last) of about `size` mentions each, in
        order, a head key never across two (`facts`' `heads`). Commits what was added, so
        that other processes may read the store (`existing`)."""
        self._index()
        self._db.commit()
        ranges: list[tuple[str, str]] = []
        first: str | None = None
        last, n = "", 0
        for last, count in self._db.execute(
                "SELECT head_key, COUNT(*) FROM mention GROUP BY head_key ORDER BY head_key"):
            first = last if first is None else first
            n += count
            if n >= size:
                ranges.append((first, last))
                first, n = None, 0
        if first is not None:
            ranges.append((first, last))
        return ranges

    def mentions(self) -> Iterator[Mention]:
        """Every mention in corpus order (read-only; the Map stage's per-document pass)."""
        for payload, in self._db.execute("SELECT payload FROM mention ORDER BY seq"):
            yield decode(payload)

    def close(self) -> None:
        self._db.close()
        if self._tmpdir is not None:
            self._tmpdir.cleanup()

    def __enter__(self) -> MentionStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
