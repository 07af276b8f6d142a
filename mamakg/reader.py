"""Read stage: stream documents from .txt / .jsonl files, folders, .gz, or stdin.

- ``.txt``: each non-empty line is one document, id ``path:line`` (1-based line number).
- ``.jsonl``: one JSON object per line with ``text`` and an optional ``id`` (else ``path:line``).
- a folder: every .txt/.jsonl(.gz) file below it, in sorted order.
- ``-``: standard input, read as .txt (or as JSONL with ``input_format="jsonl"``).

Bytes that are not UTF-8 are replaced by U+FFFD and counted on the document (`n_replaced`).
A UTF-8 byte order mark at the start of a file is dropped. Nothing is held in memory beyond the
current line.

A build reads its inputs twice: `checked_inputs` first reads every line without any model
(a JSONL line that is not a document fails there, naming ``file:line``; an empty corpus is
known at once; a file with bytes that are not UTF-8 gets one warning naming it), then the
build reads them again. Standard input can be read only once: `checked_inputs` copies it to a
temporary file, removed when the build is done.

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
import contextlib
import gzip
import io
import json
import logging
import os
import re
import shutil
import sys
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from mamakg.errors import MamakgError, UsageError
from mamakg.types import Document

__all__ = ["BINARY_SAMPLE", "BINARY_SHARE", "Inputs", "Reading", "binary_reason",
           "checked_inputs", "expand_inputs", "read_documents", "sniff_binary", "split_binary",
           "text_inputs"]

log = logging.getLogger(__name__)

_TEXT_SUFFIXES = (".txt", ".jsonl", ".txt.gz", ".jsonl.gz")
_STDIN = "<stdin>"
"""How standard input is named in messages and document ids."""
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


def split_binary(files: Iterable[str],
                 stdin: str | None = None) -> tuple[list[str], list[tuple[str, str]]]:
    """(text files, [(binary file, why)]): the inputs whose start looks binary are set apart.
    Standard input, ``-``, is checked in `stdin`, a file holding a copy of it, when given
    (else while it is read)."""
    text: list[str] = []
    binary: list[tuple[str, str]] = []
    for name in files:
        if name == "-":
            reason = None if stdin is None else sniff_binary(stdin)
        else:
            reason = sniff_binary(name)
        if reason is None:
            text.append(name)
        else:
            binary.append((_STDIN if name == "-" else name, reason))
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


def text_inputs(paths: Iterable[str],
                stdin: str | None = None) -> tuple[list[str], list[str]]:
    """(text files, binary files) behind the inputs: folders expanded, binary files set aside
    with a logged warning. Raises a `UsageError` for a missing input, and when every input
    is binary (nothing to build from). `stdin`: see `split_binary`."""
    found = expand_inputs(paths)
    files, binary = split_binary(found, stdin)
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


def _open(name: str, stdin: str | None = None) -> BinaryIO:
    if name == "-":
        if stdin is None:
            return sys.stdin.buffer
        name = stdin
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
              id_field: str | None, on_binary: Callable[[str, str], None] | None,
              stdin: str | None = None) -> Iterator[tuple[int, Document]]:
    """(line number, document) of each document of one input."""
    fmt = _format_of(name, input_format)
    label = _STDIN if name == "-" else name
    stream = _open(name, stdin)
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
                yield number, Document(f"{label}:{number}", line, n_bad)
                continue
            try:
                obj = json.loads(line)
            except json.JSONDecodeError as err:
                raise UsageError(f"{label}:{number}: not valid JSON ({err.msg})") from err
            if not isinstance(obj, dict) or not isinstance(obj.get(text_field), str):
                raise UsageError(f"{label}:{number}: a JSONL line needs a string field "
                                 f"{text_field!r} (--text-field names another)")
            doc_id = obj.get(id_field) if id_field else obj.get("id", obj.get("documentId"))
            doc_id = f"{label}:{number}" if doc_id is None else str(doc_id)
            yield number, Document(doc_id, obj[text_field], n_bad)
    except (OSError, EOFError, gzip.BadGzipFile) as err:
        raise MamakgError(f"{label}: cannot read ({err})") from err
    finally:
        if stream is not sys.stdin.buffer:
            stream.close()


def read_documents(inputs: Iterable[str], input_format: str | None = None, *,
                   text_field: str = "text", id_field: str | None = None,
                   on_binary: Callable[[str, str], None] | None = None,
                   stdin: str | None = None) -> Iterator[Document]:
    """Stream the documents of every input, in order. JSONL objects hold their text in
    `text_field` and their id in `id_field` (default: ``id``, else ``documentId``, else
    ``path:line``). An input that looks binary (`binary_reason`) is skipped with a logged
    warning; `on_binary` is called with its name and the reason. `stdin` is a file read in
    place of standard input (still named ``<stdin>``).

    >>> import tempfile, os
    >>> path = os.path.join(tempfile.mkdtemp(), "c.txt")
    >>> _ = open(path, "w").write("Dylan is a songwriter.\\n\\nParis is in France.\\n")
    >>> [d.doc_id.rsplit(":", 1)[1] for d in read_documents([path])]
    ['1', '3']
    """
    if input_format not in (None, "txt", "jsonl"):
        raise UsageError(f"invalid input format {input_format!r}: choose one of txt, jsonl")
    for name in expand_inputs(inputs):
        for _, doc in _read_one(name, input_format, text_field, id_field, on_binary, stdin):
            yield doc


@dataclass(frozen=True)
class Inputs:
    """What the first pass over a build's inputs found (`checked_inputs`)."""

    files: tuple[str, ...]
    """The text inputs, folders expanded, in order (``-``: standard input)."""
    binary: tuple[str, ...]
    """The inputs set aside because they look binary."""
    n_documents: int
    """Documents in the text inputs."""
    reading: Reading = Reading()
    """How the inputs are read."""
    stdin: str | None = None
    """A file that holds a copy of standard input, read in its place."""

    def read(self) -> Iterator[Document]:
        """The documents of the text inputs, in order (the second pass)."""
        return read_documents(self.files, self.reading.input_format,
                              text_field=self.reading.text_field,
                              id_field=self.reading.id_field, stdin=self.stdin)


@contextlib.contextmanager
def checked_inputs(paths: Iterable[str], reading: Reading = Reading()) -> Iterator[Inputs]:
    """Read every input once, with no model, before a build: a missing input, a JSONL line
    that is not a document (`UsageError` naming ``file:line``) or inputs that are all binary
    fail here; bytes that are not UTF-8 get one warning per file, naming it. Standard input is
    copied to a temporary file first (it can be read only once), removed when the block ends.

    >>> import tempfile, os
    >>> path = os.path.join(tempfile.mkdtemp(), "c.jsonl")
    >>> _ = open(path, "w").write('{"text": "Paris is in France."}\\n{"body": "no text"}\\n')
    >>> with checked_inputs([path]) as inputs:
    ...     pass
    Traceback (most recent call last):
    ...
    mamakg.errors.UsageError: ...c.jsonl:2: a JSONL line needs a string field 'text' (...)
    """
    if reading.input_format not in (None, "txt", "jsonl"):
        raise UsageError(f"invalid input format {reading.input_format!r}: choose one of txt, "
                         "jsonl")
    paths = list(paths)
    found = expand_inputs(paths)  # a missing input fails before standard input is read
    copy = _copy_stdin() if "-" in found else None
    try:
        files, binary = text_inputs(found, copy)
        started = time.perf_counter()
        n_documents = 0
        for name in files:
            n_replaced, first = 0, 0
            for number, doc in _read_one(name, reading.input_format, reading.text_field,
                                         reading.id_field, None, copy):
                n_documents += 1
                if doc.n_replaced and not n_replaced:
                    first = number
                n_replaced += doc.n_replaced
            if n_replaced:
                log.warning("%s", _not_utf8(name, n_replaced, first))
        log.info("inputs read in %.1f s: %d documents", time.perf_counter() - started,
                 n_documents)
        yield Inputs(tuple(files), tuple(binary), n_documents, reading, copy)
    finally:
        if copy is not None:
            with contextlib.suppress(OSError):
                os.unlink(copy)


def _not_utf8(name: str, n_bytes: int, line: int) -> str:
    """The warning for an input with bytes that are not UTF-8, with the command that
    converts it from Latin-1 (the usual culprit).

    >>> message = _not_utf8("notes.txt", 3, 2)
    >>> message[:message.index("?") + 1]
    'notes.txt: 3 bytes are not UTF-8 (first on line 2) and are read as U+FFFD: is it Latin-1?'
    >>> message.split(": ")[-1]
    'iconv -f latin1 -t utf-8 notes.txt > notes.utf8.txt'
    """
    if name == "-" or name.endswith(".gz"):
        how = "iconv -f latin1 -t utf-8"
    else:
        stem, ext = os.path.splitext(name)
        how = f"iconv -f latin1 -t utf-8 {name} > {stem}.utf8{ext}"
    return (f"{_STDIN if name == '-' else name}: {n_bytes} byte{'s are' if n_bytes > 1 else ' is'}"
            f" not UTF-8 (first on line {line}) and {'are' if n_bytes > 1 else 'is'} read as "
            f"U+FFFD: is it Latin-1? convert it with: {how}")


def _copy_stdin() -> str:
    """Copy standard input to a new temporary file; its name."""
    try:
        fd, path = tempfile.mkstemp(prefix="mamakg-stdin-", suffix=".txt")
    except OSError as err:
        raise MamakgError(f"cannot copy standard input to a temporary file ({err.strerror}): "
                          "set TMPDIR to a writable folder") from err
    try:
        with os.fdopen(fd, "wb") as handle:
            shutil.copyfileobj(sys.stdin.buffer, handle, 1 << 20)
    except OSError as err:
        with contextlib.suppress(OSError):
            os.unlink(path)
        raise MamakgError(f"cannot copy standard input to {path} ({err.strerror}): set TMPDIR "
                          "to a folder with room") from err
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(path)
        raise
    return path
