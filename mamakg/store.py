"""Disk-backed mention store: the corpus-level half of the Filter stage without holding every
candidate in memory. Mentions go into SQLite as they are found; afterwards the store counts
distinct (head, tail) pairs per relation and hands back facts grouped by (head, relation, tail)
in a fixed order.
"""

from __future__ import annotations

import os
import sqlite3
import tempfile
from collections.abc import Iterable, Iterator

from mamakg.packed import pack_mention, unpack_mention
from mamakg.types import Mention

__all__ = ["MentionStore", "Row", "decode", "encode"]

Row = tuple[str, str, str, str, str | bytes]
"""A mention as the store keeps it: (head key, relation key, tail key, sentence id, payload),
the payload last: `Mention.to_json` text, or the packed mention (`encode`'s `packed`:
`mamakg.packed.pack_mention`). Cheap to pickle: Match workers hand these back."""


def encode(mentions: Iterable[Mention], packed: bool = False) -> list[Row]:
    """The store rows of mentions: with JSON payloads (what shard files hold), or `packed`
    (`pack_mention`), for rows that never leave the build (the Map stage's resolved
    mentions), which decode faster."""
    return [(m.head_key, m.relation_key, m.tail_key, f"{m.doc_id}#{m.sent_index}",
             pack_mention(m) if packed else m.to_json())
            for m in mentions]


def decode(payload: str | bytes) -> Mention:
    """The mention of a row's payload (`encode`): packed bytes or JSON text."""
    if isinstance(payload, bytes):
        return unpack_mention(payload)
    return Mention.from_json(payload)


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
