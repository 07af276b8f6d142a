"""Read stage: stream documents from .txt / .jsonl files, folders, .gz, or stdin.

- ``.txt``: each non-empty line is one document, id ``path:line`` (1-based line number).
- ``.jsonl``: one JSON object per line with ``text`` and an optional ``id`` (else ``path:line``).
- a folder: every .txt/.jsonl(.gz) file below it, in sorted order.
- ``-``: standard input, read as .txt (or as JSONL with ``input_format="jsonl"``).

Bytes that are not UTF-8 are replaced by U+FFFD and counted on the document (`n_replaced`).
Nothing is held in memory beyond the current line.
"""

from __future__ import annotations

import gzip
import json
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from mamakg.errors import MamakgError, UsageError
from mamakg.types import Document

__all__ = ["Reading", "expand_inputs", "read_documents"]

_TEXT_SUFFIXES = (".txt", ".jsonl", ".txt.gz", ".jsonl.gz")
_REPLACEMENT = "\ufffd"


@dataclass(frozen=True)
class Reading:
    """How input files are read (a work folder records it: its shards depend on it)."""

    input_format: str | None = None
    """``txt`` or ``jsonl``; None: from each file's extension (stdin: txt)."""
    text_field: str = "text"
    """The JSONL field that holds a document's text."""
    id_field: str | None = None
    """The JSONL field that holds a document's id (None: ``id``, else ``documentId``)."""

    def read(self, inputs: Iterable[str]) -> Iterator[Document]:
        return read_documents(inputs, self.input_format, text_field=self.text_field,
                              id_field=self.id_field)

    def to_dict(self) -> dict[str, str | None]:
        return {"input_format": self.input_format, "text_field": self.text_field,
                "id_field": self.id_field}


def expand_inputs(inputs: Iterable[str]) -> list[str]:
    """The files behind the given inputs (folders expanded, sorted); ``-`` stays as it is."""
    files: list[str] = []
    for item in inputs:
        if item == "-":
            files.append(item)
            continue
        path = Path(item)
        if path.is_dir():
            found = sorted(
                str(p) for p in path.rglob("*") if p.is_file() and p.name.endswith(_TEXT_SUFFIXES)
            )
            if not found:
                raise UsageError(f"{item}: folder holds no .txt or .jsonl files")
            files.extend(found)
        elif path.is_file():
            files.append(item)
        elif path.exists():
            raise UsageError(f"{item}: not a regular file or folder")
        else:
            raise UsageError(f"{item}: no such file or folder")
    return files


def _format_of(name: str, input_format: str | None) -> str:
    if input_format:
        return input_format
    stem = name[:-3] if name.endswith(".gz") else name
    return "jsonl" if stem.endswith(".jsonl") else "txt"


def _decode(raw: bytes) -> tuple[str, int]:
    try:
        return raw.decode("utf-8"), 0
    except UnicodeDecodeError:
        text = raw.decode("utf-8", errors="replace")
        already = raw.count(_REPLACEMENT.encode("utf-8"))
        return text, text.count(_REPLACEMENT) - already


def _lines(stream: BinaryIO) -> Iterator[tuple[int, str, int]]:
    """(line number, text without line break, replaced bytes) for each line of a byte stream."""
    for number, raw in enumerate(stream, start=1):
        text, n_bad = _decode(raw)
        yield number, text.rstrip("\r\n"), n_bad


def _open(name: str) -> BinaryIO:
    if name == "-":
        return sys.stdin.buffer
    try:
        handle: BinaryIO = open(name, "rb")  # noqa: SIM115 - closed by the caller
    except OSError as err:
        raise MamakgError(f"{name}: cannot read ({err.strerror})") from err
    if name.endswith(".gz"):
        return gzip.GzipFile(fileobj=handle, mode="rb")  # type: ignore[return-value]
    return handle


def _read_one(name: str, input_format: str | None, text_field: str,
              id_field: str | None) -> Iterator[Document]:
    fmt = _format_of(name, input_format)
    label = "<stdin>" if name == "-" else name
    stream = _open(name)
    try:
        for number, line, n_bad in _lines(stream):
            if not line.strip():
                continue
            if fmt == "txt":
                yield Document(f"{label}:{number}", line, n_bad)
                continue
            try:
                obj = json.loads(line)
            except json.JSONDecodeError as err:
                raise MamakgError(f"{label}:{number}: not valid JSON ({err.msg})") from err
            if not isinstance(obj, dict) or not isinstance(obj.get(text_field), str):
                raise MamakgError(f"{label}:{number}: a JSONL line needs a string field "
                                  f"{text_field!r} (--text-field names another)")
            doc_id = obj.get(id_field) if id_field else obj.get("id", obj.get("documentId"))
            doc_id = f"{label}:{number}" if doc_id is None else str(doc_id)
            yield Document(doc_id, obj[text_field], n_bad)
    except (OSError, EOFError, gzip.BadGzipFile) as err:
        raise MamakgError(f"{label}: cannot read ({err})") from err
    finally:
        if name != "-":
            stream.close()


def read_documents(inputs: Iterable[str], input_format: str | None = None, *,
                   text_field: str = "text", id_field: str | None = None) -> Iterator[Document]:
    """Stream the documents of every input, in order. JSONL objects hold their text in
    `text_field` and their id in `id_field` (default: ``id``, else ``documentId``, else
    ``path:line``).

    >>> import tempfile, os
    >>> path = os.path.join(tempfile.mkdtemp(), "c.txt")
    >>> _ = open(path, "w").write("Dylan is a songwriter.\\n\\nParis is in France.\\n")
    >>> [d.doc_id.rsplit(":", 1)[1] for d in read_documents([path])]
    ['1', '3']
    """
    if input_format not in (None, "txt", "jsonl"):
        raise UsageError(f"invalid input format {input_format!r}: choose one of txt, jsonl")
    for name in expand_inputs(inputs):
        yield from _read_one(name, input_format, text_field, id_field)
