"""An offline Wikidata knowledge base for the Map stage: items, their aliases and the
item-to-item statements between them, in one SQLite file built from a Wikidata JSON dump.

The dump is the official ``latest-all.json`` (plain, ``.gz`` or ``.bz2``): a JSON array with one
entity per line, each line but the last ending in ``,``. `build_kb` streams it line by line, so
memory stays bounded whatever the dump's size; statements wait in a staging table until the end,
when those whose tail is not an indexed item are dropped.

The prior of an alias row is the item's sitelink count plus one (an item with no sitelinks can
still be linked); rows imported from a user's alias table keep the user's prior.
"""

from __future__ import annotations

import bz2
import csv
import gzip
import json
import os
import sqlite3
import tempfile
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import IO, Any

from mamakg.errors import MamakgError
from mamakg.normalize import squash
from mamakg.version import __version__

__all__ = ["KnowledgeBase", "build_kb", "import_aliases", "read_alias_table", "read_dump"]

SCHEMA_VERSION = "1"
_BATCH = 5000
"""Rows inserted per executemany call while building."""
_PROGRESS_EVERY = 10000
"""Entities read between two calls of the progress callback."""

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS item (
    qid TEXT PRIMARY KEY,
    label TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    sitelinks INTEGER NOT NULL DEFAULT 0,
    types TEXT NOT NULL DEFAULT ''          -- P31 values, space-separated
);
CREATE TABLE IF NOT EXISTS alias (
    text TEXT NOT NULL,                     -- squash()ed label or alias
    qid TEXT NOT NULL,
    prior REAL NOT NULL,
    PRIMARY KEY (text, qid)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS alias_by_qid ON alias (qid);
CREATE TABLE IF NOT EXISTS property (pid TEXT PRIMARY KEY, label TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS statement (
    head TEXT NOT NULL,
    pid TEXT NOT NULL,
    tail TEXT NOT NULL,
    PRIMARY KEY (head, tail, pid)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS statement_by_tail ON statement (tail, head);
"""

_UPSERT_ALIAS = (
    "INSERT INTO alias VALUES (?, ?, ?) "
    "ON CONFLICT (text, qid) DO UPDATE SET prior = max(prior, excluded.prior)"
)


def _open_text(path: str) -> IO[str]:
    if path.endswith(".gz"):
        return gzip.open(path, "rt", encoding="utf-8")
    if path.endswith(".bz2"):
        return bz2.open(path, "rt", encoding="utf-8")
    return open(path, encoding="utf-8")


def read_dump(path: str) -> Iterator[dict[str, Any]]:
    """The entities of a Wikidata JSON dump, one at a time.

    Accepts the array-per-line dump format and also plain JSON lines (one entity per line).
    """
    try:
        with _open_text(path) as handle:
            for number, line in enumerate(handle, start=1):
                line = line.strip()
                if line in ("", "[", "]"):
                    continue
                if line.endswith(","):
                    line = line[:-1]
                try:
                    entity = json.loads(line)
                except json.JSONDecodeError as err:
                    raise MamakgError(
                        f"{path}:{number}: not a Wikidata dump line ({err.msg}); expected one "
                        "JSON entity per line as in latest-all.json"
                    ) from err
                if isinstance(entity, dict):
                    yield entity
    except (OSError, EOFError) as err:
        raise MamakgError(f"{path}: cannot read the dump ({err})") from err


def _text(entity: dict[str, Any], field: str, lang: str) -> str | None:
    values = entity.get(field) or {}
    for code in (lang, "mul"):
        value = values.get(code)
        if value and value.get("value"):
            return str(value["value"])
    return None


def _aliases(entity: dict[str, Any], lang: str) -> list[str]:
    values = entity.get("aliases") or {}
    return [a["value"] for code in (lang, "mul") for a in values.get(code, []) if a.get("value")]


def _item_values(entity: dict[str, Any]) -> Iterator[tuple[str, str]]:
    """(property, item id) of every item-valued, non-deprecated main snak."""
    for pid, statements in (entity.get("claims") or {}).items():
        for statement in statements:
            if statement.get("rank") == "deprecated":
                continue
            snak = statement.get("mainsnak") or {}
            value = (snak.get("datavalue") or {}).get("value")
            if snak.get("snaktype") != "value" or not isinstance(value, dict):
                continue
            qid = value.get("id")
            if qid is None and value.get("entity-type") == "item" and "numeric-id" in value:
                qid = f"Q{value['numeric-id']}"
            if isinstance(qid, str) and qid.startswith("Q"):
                yield pid, qid


def _create(db: sqlite3.Connection) -> None:
    db.executescript(_SCHEMA)
    db.execute("INSERT OR IGNORE INTO meta VALUES ('schema_version', ?)", (SCHEMA_VERSION,))


def _set_meta(db: sqlite3.Connection, **values: object) -> None:
    db.executemany("INSERT OR REPLACE INTO meta VALUES (?, ?)",
                   [(k, str(v)) for k, v in values.items()])


def build_kb(
    dump_path: str,
    out_path: str,
    lang: str = "en",
    min_sitelinks: int = 0,
    types: Iterable[str] | None = None,
    keep_statements: bool = True,
    progress: Callable[[int, int], None] | None = None,
) -> dict[str, int]:
    """Index a Wikidata dump into a SQLite knowledge base at `out_path`, written atomically.

    Items need a label in `lang` (or ``mul``), at least `min_sitelinks` sitelinks and, when
    `types` is given, one of those Q-ids among their P31 (instance of) values. `progress` is
    called with (entities read, items kept) every few thousand entities and once at the end.
    Returns the counts: entities, items, aliases, properties, statements.
    """
    wanted = {t.strip() for t in types if t.strip()} if types is not None else None
    out_dir = os.path.dirname(os.path.abspath(out_path))
    if not os.path.isdir(out_dir):
        raise MamakgError(f"{out_path}: the folder {out_dir} does not exist")
    fd, tmp = tempfile.mkstemp(prefix=".mamakg-kb-", suffix=".sqlite", dir=out_dir)
    os.close(fd)
    try:
        counts = _build_into(tmp, dump_path, lang, min_sitelinks, wanted, keep_statements,
                             progress)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)  # mkstemp makes it private; give it the usual mode
        os.replace(tmp, out_path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    return counts


def _build_into(path: str, dump_path: str, lang: str, min_sitelinks: int,
                wanted: set[str] | None, keep_statements: bool,
                progress: Callable[[int, int], None] | None) -> dict[str, int]:
    db = sqlite3.connect(path)
    try:
        db.execute("PRAGMA auto_vacuum=FULL")  # give back the staging table's pages at the end
        db.execute("PRAGMA journal_mode=OFF")
        db.execute("PRAGMA synchronous=OFF")
        _create(db)
        # staged next to the output, not in a temporary file: on a full dump it is large
        db.execute("CREATE TABLE pending (head TEXT, pid TEXT, tail TEXT)")
        items: list[tuple[str, str, str, int, str]] = []
        aliases: list[tuple[str, str, float]] = []
        statements: list[tuple[str, str, str]] = []
        n_entities = n_items = n_properties = 0

        def flush() -> None:
            db.executemany("INSERT OR REPLACE INTO item VALUES (?, ?, ?, ?, ?)", items)
            db.executemany(_UPSERT_ALIAS, aliases)
            db.executemany("INSERT INTO pending VALUES (?, ?, ?)", statements)
            items.clear()
            aliases.clear()
            statements.clear()

        for entity in read_dump(dump_path):
            n_entities += 1
            if progress is not None and n_entities % _PROGRESS_EVERY == 0:
                progress(n_entities, n_items)
            kind, eid = entity.get("type"), entity.get("id")
            label = _text(entity, "labels", lang)
            if not isinstance(eid, str) or label is None:
                continue
            if kind == "property":
                db.execute("INSERT OR REPLACE INTO property VALUES (?, ?)", (eid, label))
                n_properties += 1
                continue
            if kind != "item":
                continue
            sitelinks = len(entity.get("sitelinks") or {})
            if sitelinks < min_sitelinks:
                continue
            values = list(_item_values(entity))
            p31 = sorted({q for p, q in values if p == "P31"})
            if wanted is not None and not wanted.intersection(p31):
                continue
            n_items += 1
            items.append((eid, label, _text(entity, "descriptions", lang) or "", sitelinks,
                          " ".join(p31)))
            prior = float(sitelinks + 1)
            for name in {squash(n) for n in [label, *_aliases(entity, lang)]} - {""}:
                aliases.append((name, eid, prior))
            if keep_statements:
                statements.extend((eid, p, q) for p, q in values if q != eid)
            if len(items) >= _BATCH or len(statements) >= 10 * _BATCH:
                flush()
        flush()
        db.execute(
            "INSERT OR IGNORE INTO statement SELECT head, pid, tail FROM pending "
            "WHERE tail IN (SELECT qid FROM item)"
        )
        db.execute("DROP TABLE pending")
        n_statements = db.execute("SELECT COUNT(*) FROM statement").fetchone()[0]
        n_aliases = db.execute("SELECT COUNT(*) FROM alias").fetchone()[0]
        _set_meta(db, lang=lang, source=os.path.basename(dump_path),
                  statements=int(keep_statements), mamakg_version=__version__)
        db.commit()
        if progress is not None:
            progress(n_entities, n_items)
    finally:
        db.close()
    return {"entities": n_entities, "items": n_items, "aliases": n_aliases,
            "properties": n_properties, "statements": n_statements}


def read_alias_table(tsv: str) -> Iterator[tuple[str, str, float, str]]:
    """(normalized mention, Q-id, prior, mention as written) of each line of an alias table:
    TSV with mention, Q-id and an optional prior (default 1); a header line is optional."""
    try:
        with open(tsv, encoding="utf-8", newline="") as handle:
            reader = csv.reader(handle, delimiter="\t", quoting=csv.QUOTE_NONE)
            for number, parts in enumerate(reader, start=1):
                if not parts or not "".join(parts).strip():
                    continue
                if number == 1 and parts[0].strip().lower() == "mention":
                    continue
                if len(parts) < 2 or not parts[1].strip()[:1] == "Q":
                    raise MamakgError(
                        f"{tsv}:{number}: expected 'mention<TAB>Q-id<TAB>prior', got {parts!r}"
                    )
                try:
                    prior = float(parts[2]) if len(parts) > 2 and parts[2].strip() else 1.0
                except ValueError:
                    raise MamakgError(
                        f"{tsv}:{number}: prior {parts[2]!r} is not a number"
                    ) from None
                yield squash(parts[0]), parts[1].strip(), prior, parts[0].strip()
    except OSError as err:
        raise MamakgError(f"{tsv}: cannot read the alias table ({err.strerror})") from err


def import_aliases(tsv: str, kb: str) -> int:
    """Add a user's alias table (TSV: mention, Q-id, prior; header optional) to the knowledge
    base at `kb`, creating it when missing. The user's prior replaces the one from the dump;
    items not yet in the base are added with the mention as label. Returns the rows imported.
    """
    rows = list(read_alias_table(tsv))
    try:
        db = sqlite3.connect(kb)
    except sqlite3.Error as err:
        raise MamakgError(f"{kb}: cannot open the knowledge base ({err})") from err
    try:
        _create(db)
        db.executemany("INSERT OR IGNORE INTO item (qid, label) VALUES (?, ?)",
                       [(qid, written) for _, qid, _, written in rows])
        db.executemany(
            "INSERT INTO alias VALUES (?, ?, ?) "
            "ON CONFLICT (text, qid) DO UPDATE SET prior = excluded.prior",
            [(text, qid, prior) for text, qid, prior, _ in rows if text],
        )
        db.execute("INSERT OR IGNORE INTO meta VALUES ('statements', '0')")
        db.commit()
    except sqlite3.DatabaseError as err:
        raise MamakgError(f"{kb}: not a mamakg knowledge base ({err})") from err
    finally:
        db.close()
    return len(rows)


class KnowledgeBase:
    """Read-only lookups in a knowledge base built by `build_kb` or `import_aliases`."""

    def __init__(self, path: str) -> None:
        if not os.path.isfile(path):
            raise MamakgError(f"{path}: no such knowledge base; build one with 'mamakg kb build'")
        self.path = path
        try:
            self._db = sqlite3.connect(Path(path).resolve().as_uri() + "?mode=ro", uri=True)
            meta = dict(self._db.execute("SELECT key, value FROM meta"))
        except sqlite3.DatabaseError as err:
            raise MamakgError(f"{path}: not a mamakg knowledge base ({err})") from err
        self.meta: dict[str, str] = meta
        self.has_statements: bool = (
            self._db.execute("SELECT 1 FROM statement LIMIT 1").fetchone() is not None
        )

    def candidates(self, mention: str, limit: int = 20) -> list[tuple[str, str, float]]:
        """(qid, label, prior) of the items with this normalized label or alias, most likely
        first."""
        rows = self._db.execute(
            "SELECT a.qid, i.label, a.prior FROM alias a JOIN item i ON i.qid = a.qid "
            "WHERE a.text = ? ORDER BY a.prior DESC, a.qid LIMIT ?", (mention, limit)
        )
        return [(q, label, float(p)) for q, label, p in rows]

    def statements(self, head: str, tail: str) -> list[str]:
        """Properties of the statements head -> tail."""
        rows = self._db.execute(
            "SELECT pid FROM statement WHERE head = ? AND tail = ? ORDER BY pid", (head, tail)
        )
        return [p for p, in rows]

    def statements_among(self, qids: Iterable[str]) -> list[tuple[str, str, str]]:
        """(head, pid, tail) of every statement whose head and tail are both in `qids`."""
        wanted = set(qids)
        ids = sorted(wanted)
        out: list[tuple[str, str, str]] = []
        for i in range(0, len(ids), 400):  # stay under SQLite's limit on host parameters
            chunk = ids[i:i + 400]
            marks = ",".join("?" * len(chunk))
            rows = self._db.execute(
                f"SELECT head, pid, tail FROM statement WHERE head IN ({marks})", chunk
            )
            out.extend(r for r in rows if r[2] in wanted)
        return sorted(out)

    def aliases(self, qid: str) -> list[str]:
        """Normalized labels and aliases of an item."""
        return [t for t, in self._db.execute(
            "SELECT text FROM alias WHERE qid = ? ORDER BY text", (qid,))]

    def label(self, qid: str) -> str | None:
        row = self._db.execute("SELECT label FROM item WHERE qid = ?", (qid,)).fetchone()
        return row[0] if row else None

    def types(self, qid: str) -> list[str]:
        """The item's P31 (instance of) values."""
        row = self._db.execute("SELECT types FROM item WHERE qid = ?", (qid,)).fetchone()
        return row[0].split() if row and row[0] else []

    def property_label(self, pid: str) -> str | None:
        row = self._db.execute("SELECT label FROM property WHERE pid = ?", (pid,)).fetchone()
        return row[0] if row else None

    def counts(self) -> dict[str, int]:
        """Rows per table."""
        return {table: self._db.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]
                for table in ("item", "alias", "property", "statement")}

    def close(self) -> None:
        self._db.close()

    def __enter__(self) -> KnowledgeBase:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
