"""Reading inputs: formats, ids, bad bytes, bad JSON."""

import gzip
import io
import json
import sys

import pytest

from mamakg.errors import MamakgError, UsageError
from mamakg.reader import read_documents


def test_txt_lines_are_documents_with_stable_ids(tmp_path):
    p = tmp_path / "a.txt"
    p.write_text("First doc.\n\n  \nSecond doc.\r\n", encoding="utf-8")
    docs = list(read_documents([str(p)]))
    assert [(d.doc_id, d.text) for d in docs] == [(f"{p}:1", "First doc."), (f"{p}:4", "Second doc.")]


def test_jsonl_with_and_without_id(tmp_path):
    p = tmp_path / "a.jsonl"
    p.write_text(json.dumps({"id": "x", "text": "One."}) + "\n" + json.dumps({"text": "Two."}) + "\n")
    docs = list(read_documents([str(p)]))
    assert [(d.doc_id, d.text) for d in docs] == [("x", "One."), (f"{p}:2", "Two.")]


def test_gz_and_folders(tmp_path):
    (tmp_path / "d").mkdir()
    with gzip.open(tmp_path / "d" / "b.txt.gz", "wt") as f:
        f.write("Zipped.\n")
    (tmp_path / "d" / "a.jsonl").write_text('{"text": "Json."}\n')
    (tmp_path / "d" / "ignored.csv").write_text("x\n")
    docs = list(read_documents([str(tmp_path / "d")]))
    assert [d.text for d in docs] == ["Json.", "Zipped."]


def test_invalid_utf8_is_replaced_and_counted(tmp_path):
    p = tmp_path / "bad.txt"
    p.write_bytes(b"caf\xe9 and \xff\xfe bytes\n")
    (doc,) = read_documents([str(p)])
    assert doc.n_replaced == 3 and "\ufffd" in doc.text


def test_bad_json_line_says_where(tmp_path):
    p = tmp_path / "a.jsonl"
    p.write_text('{"text": "ok"}\n{not json\n')
    with pytest.raises(MamakgError, match=r"a.jsonl:2: not valid JSON"):
        list(read_documents([str(p)]))
    p.write_text('{"body": "no text"}\n')
    with pytest.raises(MamakgError, match="field 'text'"):
        list(read_documents([str(p)]))


def test_missing_input_is_a_usage_error(tmp_path):
    with pytest.raises(UsageError, match="no such file"):
        list(read_documents([str(tmp_path / "nope.txt")]))


def test_stdin(monkeypatch):
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(b"From stdin.\n")))
    (doc,) = read_documents(["-"])
    assert (doc.doc_id, doc.text) == ("<stdin>:1", "From stdin.")
