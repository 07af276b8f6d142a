"""The Python API (mamakg.Builder, Result, load): the README example runs as written, models load
once per Builder, errors are MamakgError with the command line's messages, nothing is printed."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest
from click.testing import CliRunner

import mamakg
from mamakg import pipeline
from mamakg.cli import cli

from conftest import ROOT

pytestmark = pytest.mark.real_model


def readme_example() -> str:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    found = re.search(r"## Python API\n.*?```python\n(.*?)```", text, re.S)
    assert found, "the README has no Python API example"
    return found.group(1)


def test_the_readme_example_runs_as_written(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    exec(compile(readme_example(), "README.md", "exec"), {})
    out = capsys.readouterr().out
    assert "Marie Curie was born in Warsaw" in out  # the SPARQL query over the rdflib graph
    assert (tmp_path / "curie.ttl").exists()


def test_the_one_liner_works_in_a_fresh_process():
    code = ("import mamakg; r = mamakg.Builder(device='cpu').build("
            "['Marie Curie was born in Warsaw.']); print(len(r.facts))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          cwd=ROOT, timeout=300)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "1"


def test_two_builds_with_one_builder_load_the_models_once(monkeypatch):
    loads = []
    real = pipeline.AttentionModel

    def counting(config, **kwargs):
        loads.append(config.model)
        return real(config, **kwargs)

    monkeypatch.setattr(pipeline, "AttentionModel", counting)
    builder = mamakg.Builder(device="cpu")
    first = builder.build(["Marie Curie was born in Warsaw."])
    second = builder.build(["Pierre Curie was born in Paris."])
    assert len(loads) == 1
    assert first.facts[0].tail.label == "Warsaw" and second.facts[0].tail.label == "Paris"


def test_the_api_prints_nothing_on_stdout(capsys):
    result = mamakg.Builder(device="cpu").build(["Marie Curie was born in Warsaw."])
    assert result.facts
    assert capsys.readouterr().out == ""


def test_errors_are_mamakg_errors_with_the_messages_the_cli_prints(tmp_path):
    missing = str(tmp_path / "nope.txt")
    with pytest.raises(mamakg.UsageError) as err:
        mamakg.Builder(device="cpu").build_files([missing])
    cli_run = CliRunner().invoke(cli, ["build", missing, "-o", str(tmp_path / "g.ttl")])
    assert cli_run.exit_code == err.value.exit_code == 2
    assert cli_run.output.strip() == f"mamakg: error: {err.value}"
    with pytest.raises(mamakg.UsageError, match="unknown option 'beam'"):
        mamakg.Builder(beam=3)
    with pytest.raises(mamakg.UsageError, match="--beam-size must be at least 1"):
        mamakg.Builder(beam_size=0)
    with pytest.raises(mamakg.UsageError, match="expected a text"):
        mamakg.Builder(device="cpu").build([42])
    # linking files are checked when the Builder is made, before any model loads
    with pytest.raises(mamakg.UsageError, match="--kb .*kb.db: no such file"):
        mamakg.Builder(kb=str(tmp_path / "kb.db"))
    (tmp_path / "aliases.tsv").write_text("Marie Curie\tQ7186\n")
    (tmp_path / "kb.db").write_text("")
    with pytest.raises(mamakg.UsageError, match="not both"):
        mamakg.Builder(kb=str(tmp_path / "kb.db"), entities=str(tmp_path / "aliases.tsv"))
    with pytest.raises(mamakg.UsageError, match="format says jsonl"):
        mamakg.Builder(device="cpu").build(["Marie Curie was born in Warsaw."]).write(
            str(tmp_path / "g.ttl"), "jsonl")


def test_result_write_picks_the_format_from_the_name_and_load_reads_it_back(tmp_path):
    result = mamakg.Builder(device="cpu").build(["Marie Curie was born in Warsaw."])
    for name in ("g.ttl", "g.nt", "g.jsonld", "g.jsonl"):
        result.write(str(tmp_path / name))
        back = mamakg.load(str(tmp_path / name))
        assert [(f.head.key, f.relation.key, f.tail.key) for f in back.facts] == \
            [(f.head.key, f.relation.key, f.tail.key) for f in result.facts]
    with pytest.raises(mamakg.UsageError, match="cannot tell the output format"):
        result.write(str(tmp_path / "g.xyz"))
    with pytest.raises(mamakg.UsageError, match="exists: pass --force"):
        result.write(str(tmp_path / "g.ttl"))


def test_builder_accepts_ids_documents_and_mappings():
    result = mamakg.Builder(device="cpu").build([
        ("a", "Marie Curie was born in Warsaw."),
        mamakg.Document("b", "Pierre Curie was born in Paris."),
        {"id": "c", "text": "Bob Dylan is a songwriter."},
        "Alice wrote a letter to Bob.",
    ])
    docs = {m.doc_id for f in result.facts for m in f.mentions}
    assert {"a", "b", "c", "text:4"} <= docs
