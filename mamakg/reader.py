"""Read stage: stream documents from .txt / .jsonl files, folders, .gz, or stdin.

- ``.txt``: each non-empty line is one document, id ``path:line`` (1-based line number).
- ``.jsonl``: one JSON object per line with ``text`` and an optional ``id`` (else ``path:line``).
- a folder: every .txt/.jsonl(.gz) file below it, in sorted order.
- ``-``: standard input, read as .txt (or as JSONL with ``input_format="jsonl"``).

Bytes that are not UTF-8 are replaced by U+FFFD and counted on the document (`n_replaced`).
A UTF-8 byte order mark at the start of a file is dropped. Nothing is held in memory beyond the
current line.

Binary input is skipped, never read as text: a file is binary when the first 64 KiB of its
content (after gzip) hold a NUL byte, or when more than 30% of their characters are
undecodable bytes (U+FFFD) or control characters other than tab, line feed, carriage return
and form feed (`binary_reason`). Executables, images, PDFs, compressed data and random bytes
hold NUL bytes or go far above that share; Latin-1 text with an accent every few words stays
under it and is read, its odd bytes replaced and counted. UTF-16 and non-Latin single-byte
encodings (Russian in cp1251) are refused: convert them to UTF-8.
"""

from __future__ import annotations

import codecs
import gzip
import io
import json
import logging
import re
import sys
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from mamakg.errors import MamakgError, UsageError
from mamakg.types import Document

__all__ = ["BINARY_SAMPLE", "BINARY_SHARE", "Reading", "binary_reason", "expand_inputs",
           "read_documents", "sniff_binary", "split_binary", "text_inputs"]

log = logging.getLogger(__name__)

_TEXT_SUFFIXES = (".txt", ".jsonl", ".txt.gz", ".jsonl.gz")
_REPLACEMENT = "\ufffd"
_BOM = "\ufeff"

BINARY_SAMPLE = 65536
"""Bytes read from the start of an input (after gzip) to tell text from binary."""
BINARY_SHARE = 0.3
"""A sample with more than this share of undecodable or control characters is binary."""
_ODD = re.compile("[\x00-\x08\x0b\x0e-\x1f\x7f\ufffd]")
"""Characters text does not hold: U+FFFD (an undecodable byte), the C0 controls other than
tab, line feed, form feed and carriage return, and DEL."""


def binary_reason(head: bytes) -> str | None:
    """Why the first bytes of an input look binary, or None when they look like text.

    >>> binary_reason("Marie Curie was born in Warsaw. Café.\\n".encode()) is None
    True
    >>> binary_reason(b"\\x7fELF\\x02\\x01\\x01\\x00")
    'NUL bytes'
    >>> binary_reason(bytes(range(128, 256)))
    '100% undecodable or control characters'
    """
    if not head:
        return None
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "UTF-16 text: convert it to UTF-8"
    if b"\x00" in head:
        return "NUL bytes"
    # a character cut at the end of the sample is not an undecodable byte: final=False
    text = codecs.getincrementaldecoder("utf-8")(errors="replace").decode(head, final=False)
    share = len(_ODD.findall(text)) / max(len(text), 1)
    if share > BINARY_SHARE:
        return f"{share:.0%} undecodable or control characters"
    return None


def sniff_binary(name: str) -> str | None:
    """`binary_reason` of the first `BINARY_SAMPLE` bytes of a file (after gzip)."""
    try:
        with _open(name) as stream:
            head = stream.read(BINARY_SAMPLE)
    except (OSError, EOFError, gzip.BadGzipFile) as err:
        raise MamakgError(f"{name}: cannot read ({err})") from err
    return binary_reason(head)


def split_binary(files: Iterable[str]) -> tuple[list[str], list[tuple[str, str]]]:
    """(text files, [(binary file, why)]): the inputs whose start looks binary are set apart
    (standard input, ``-``, is checked while it is read)."""
    text: list[str] = []
    binary: list[tuple[str, str]] = []
    for name in files:
        reason = None if name == "-" else sniff_binary(name)
        if reason is None:
            text.append(name)
        else:
            binary.append((name, reason))
    return text, binary


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


def text_inputs(paths: Iterable[str]) -> tuple[list[str], list[str]]:
    """(text files, binary files) behind the inputs: folders expanded, binary files set aside
    with a logged warning. Raises a `UsageError` for a missing input, and when every input
    is binary (nothing to build from)."""
    found = expand_inputs(paths)
    files, binary = split_binary(found)
    if binary and not files:
        name, why = binary[0]
        more = f" (and {len(binary) - 1} more)" if len(binary) > 1 else ""
        raise UsageError(f"{name}{more}: looks binary ({why}), not text: mamakg reads UTF-8 "
                         ".txt and .jsonl files")
    for name, why in binary:
        log.warning("%s looks binary (%s): skipped", name, why)
    shown = ", ".join(files[:5]) + (f", ... ({len(files)} in all)" if len(files) > 5 else "")
    log.info("inputs: %s", shown)
    log.debug("input files: %s", " ".join(files))
    return files, [name for name, _ in binary]


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
    """(line number, text without line break, replaced bytes) for each line of a byte stream;
    a byte order mark at its start is dropped."""
    for number, raw in enumerate(stream, start=1):
        text, n_bad = _decode(raw)
        if number == 1 and text.startswith(_BOM):
            text = text[1:]
        yield number, text.rstrip("\r\n"), n_bad


def _open(name: str) -> BinaryIO:
    if name == "-":
        return sys.stdin.buffer
    try:
        handle: BinaryIO = open(name, "rb")  # noqa: SIM115 - closed by the caller
    except OSError as err:
        raise MamakgError(f"{name}: cannot read ({err.strerror})") from err
    if name.endswith(".gz"):
        gz = gzip.GzipFile(fileobj=handle, mode="rb")
        return io.BufferedReader(gz, buffer_size=BINARY_SAMPLE)  # type: ignore[arg-type]
    return handle


def _head(stream: BinaryIO) -> bytes:
    """The start of a stream without consuming it (as much as its buffer holds)."""
    peek = getattr(stream, "peek", None)
    return peek(BINARY_SAMPLE)[:BINARY_SAMPLE] if peek is not None else b""


def _read_one(name: str, input_format: str | None, text_field: str,
              id_field: str | None,
              on_binary: Callable[[str, str], None] | None) -> Iterator[Document]:
    fmt = _format_of(name, input_format)
    label = "<stdin>" if name == "-" else name
    stream = _open(name)
    try:
        reason = binary_reason(_head(stream))
        if reason is not None:
            log.warning("%s looks binary (%s): skipped", label, reason)
            if on_binary is not None:
                on_binary(label, reason)
            return
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
                   text_field: str = "text", id_field: str | None = None,
                   on_binary: Callable[[str, str], None] | None = None) -> Iterator[Document]:
    """Stream the documents of every input, in order. JSONL objects hold their text in
    `text_field` and their id in `id_field` (default: ``id``, else ``documentId``, else
    ``path:line``). An input that looks binary (`binary_reason`) is skipped with a logged
    warning; `on_binary` is called with its name and the reason.

    >>> import tempfile, os
    >>> path = os.path.join(tempfile.mkdtemp(), "c.txt")
    >>> _ = open(path, "w").write("Dylan is a songwriter.\\n\\nParis is in France.\\n")
    >>> [d.doc_id.rsplit(":", 1)[1] for d in read_documents([path])]
    ['1', '3']
    """
    if input_format not in (None, "txt", "jsonl"):
        raise UsageError(f"invalid input format {input_format!r}: choose one of txt, jsonl")
    for name in expand_inputs(inputs):
        yield from _read_one(name, input_format, text_field, id_field, on_binary)
