"""The command line through click's CliRunner: inputs, every output format, bad inputs.

These use the real bundled models (loaded once per process by the CLI)."""

import json

import networkx as nx
import pytest
from click.testing import CliRunner
from rdflib import Graph

from mamakg.cli import cli

pytestmark = pytest.mark.real_model

TEXT = "Bob Dylan is a songwriter from Duluth.\nMarie Curie was born in Warsaw in 1867.\n"


@pytest.fixture(scope="module")
def runner():
    return CliRunner()


@pytest.fixture
def corpus(tmp_path):
    p = tmp_path / "c.txt"
    p.write_text(TEXT, encoding="utf-8")
    return p


def run(runner, *args, **kw):
    return runner.invoke(cli, ["-q", *map(str, args)], catch_exceptions=False, **kw)


@pytest.mark.parametrize("fmt,rdf", [("ttl", "turtle"), ("nt", "nt"), ("jsonld", "json-ld")])
def test_rdf_formats_parse(runner, corpus, tmp_path, fmt, rdf):
    out = tmp_path / f"g.{fmt}"
    result = run(runner, "build", corpus, "-o", out)
    assert result.exit_code == 0, result.output
    g = Graph().parse(out, format=rdf)
    assert len(g) > 0
    assert not list(tmp_path.glob(".*.tmp"))  # no temp file left behind


def test_jsonl_graphml_carb(runner, corpus, tmp_path):
    assert run(runner, "build", corpus, "-o", tmp_path / "g.jsonl").exit_code == 0
    records = [json.loads(x) for x in (tmp_path / "g.jsonl").read_text().splitlines()]
    assert records and {"head", "relation", "tail", "status", "score", "support", "mentions"} <= set(records[0])
    assert run(runner, "build", corpus, "-o", tmp_path / "g.graphml").exit_code == 0
    g = nx.read_graphml(tmp_path / "g.graphml")
    assert g.number_of_edges() == len(records)
    assert run(runner, "build", corpus, "--format", "carb", "-o", tmp_path / "g.tsv").exit_code == 0
    lines = (tmp_path / "g.tsv").read_text().splitlines()
    inputs = set(TEXT.splitlines())
    assert lines and all(line.split("\t")[0] in inputs and len(line.split("\t")) == 5 for line in lines)


def test_stdin_to_stdout(runner):
    result = runner.invoke(cli, ["-q", "build", "-", "--format", "nt"], input=TEXT)
    assert result.exit_code == 0
    g = Graph().parse(data=result.stdout, format="nt")
    assert len(g) > 0


def test_summary_on_stderr(runner, corpus, tmp_path):
    result = runner.invoke(cli, ["build", str(corpus), "-o", str(tmp_path / "g.ttl")])
    assert result.exit_code == 0
    assert "documents 2, sentences 2" in result.stderr
    assert "mapped" in result.stderr and "sentences/s" in result.stderr
    assert result.stdout == ""


def test_refuses_to_overwrite_without_force(runner, corpus, tmp_path):
    out = tmp_path / "g.ttl"
    out.write_text("precious")
    result = runner.invoke(cli, ["build", str(corpus), "-o", str(out)])
    assert result.exit_code == 2 and "--force" in result.stderr
    assert out.read_text() == "precious"
    assert run(runner, "build", corpus, "-o", out, "--force").exit_code == 0
    assert out.read_text() != "precious"


def test_missing_input_and_bad_model(runner, tmp_path):
    result = runner.invoke(cli, ["build", str(tmp_path / "nope.txt")])
    assert result.exit_code == 2
    assert result.stderr.strip().splitlines() == [f"mamakg: error: {tmp_path / 'nope.txt'}: no such file or folder"]
    (tmp_path / "c.txt").write_text("x\n")
    result = runner.invoke(cli, ["build", str(tmp_path / "c.txt"), "--model", str(tmp_path / "no-model")])
    assert result.exit_code == 2 and "no such model folder or file" in result.stderr
    assert "Traceback" not in result.stderr
    result = runner.invoke(cli, ["build", str(tmp_path / "c.txt"), "--spacy-model", "xx_nothing"])
    assert result.exit_code == 2 and "spaCy pipeline" in result.stderr
    result = runner.invoke(cli, ["build", str(tmp_path / "c.txt"), "--beam-size", "0"])
    assert result.exit_code == 2 and "--beam-size" in result.stderr
    result = runner.invoke(cli, ["build", str(tmp_path / "c.txt"), "--parse-processes", "-1"])
    assert result.exit_code == 2 and "--parse-processes must not be negative" in result.stderr


def test_empty_corpus_gives_empty_valid_graph(runner, tmp_path):
    (tmp_path / "empty.txt").write_text("\n\n")
    result = runner.invoke(cli, ["build", str(tmp_path / "empty.txt"), "-o", str(tmp_path / "g.ttl")])
    assert result.exit_code == 0
    assert "no documents" in result.stderr
    g = Graph().parse(tmp_path / "g.ttl", format="turtle")
    assert not list(g.subjects(predicate=None, object=None)) or len(g) < 10  # only the run record


def test_bad_bytes_long_line_long_sentence(runner, tmp_path):
    p = tmp_path / "bad.txt"
    long_sentence = " ".join(["the cat"] * 250) + "."  # ~500 tokens in one sentence
    # a 1 MB line (a long run of characters without spaces: cheap to parse, cut in segments)
    big_line = "Alice met Bob in Paris. " + "x" * 1_000_000
    p.write_bytes(b"Caf\xe9 \xff is a place in Paris.\n" + long_sentence.encode() + b"\n"
                  + big_line.encode() + b"\n")
    result = runner.invoke(cli, ["build", str(p), "-o", str(tmp_path / "g.nt")])
    assert result.exit_code == 0, result.stderr
    assert "2 undecodable bytes replaced" in result.stderr
    assert "truncated" in result.stderr


def test_interrupt_leaves_no_output(runner, corpus, tmp_path, monkeypatch):
    import mamakg.rdf.writers as writers

    def boom(*a, **k):
        raise KeyboardInterrupt

    monkeypatch.setattr(writers, "render_parts", boom)
    out = tmp_path / "g.ttl"
    result = runner.invoke(cli, ["build", str(corpus), "-o", str(out)])
    assert result.exit_code == 130 and "interrupted" in result.stderr
    assert not out.exists() and not list(tmp_path.glob(".*"))


def test_version_and_help(runner):
    assert run(runner, "--version").output.startswith("mamakg, version")
    assert "Examples" in run(runner, "build", "--help").output


def test_a_worker_killed_is_one_line_and_leaves_no_output(runner, corpus, tmp_path,
                                                          monkeypatch):
    from concurrent.futures.process import BrokenProcessPool

    import mamakg.rdf.writers as writers

    def killed(*a, **k):  # what a pool raises once a worker process is killed
        raise BrokenProcessPool("A child process terminated abruptly")

    monkeypatch.setattr(writers, "render_parts", killed)
    out = tmp_path / "g.ttl"
    result = runner.invoke(cli, ["build", str(corpus), "-o", str(out)])
    assert result.exit_code == 1
    lines = result.stderr.strip().splitlines()
    assert lines[-1].startswith("mamakg: error: a worker process ended abruptly")
    assert "Traceback" not in result.stderr
    assert not out.exists() and not list(tmp_path.glob(".*"))
