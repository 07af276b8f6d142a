"""What a new user meets first: -v/-q, odd inputs (a BOM, binary files), misspelt model names,
JSONL field names, bad output paths. Each mistake is found before any model loads, in one
line, with the exit code of the README's convention."""

from __future__ import annotations

import codecs
import gzip
import io
import json
import os
import re
import subprocess
import sys

import pytest
from click.testing import CliRunner

import mamakg
import mamakg.pipeline
from mamakg.cli import cli
from mamakg.errors import MamakgError, UsageError
from mamakg.reader import binary_reason, read_documents, sniff_binary, text_inputs

TEXT = "Marie Curie was born in Warsaw.\nBob Dylan is a songwriter from Duluth.\n"
ELF = b"\x7fELF\x02\x01\x01\x00" + bytes(range(256)) * 8


@pytest.fixture
def runner():
    return CliRunner()


@pytest.fixture
def no_models(monkeypatch):
    """Fail the test if a command tries to load a model."""

    def refuse(*args, **kwargs):
        raise AssertionError("a model was loaded")

    monkeypatch.setattr(mamakg.pipeline, "load_models", refuse)


def one_error_line(result, code, *needles):
    assert result.exit_code == code, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("mamakg: error: "), result.stderr
    for needle in needles:
        assert needle in lines[0], lines[0]
    assert "Traceback" not in result.stderr


# -- a byte order mark ----------------------------------------------------------------------------

@pytest.mark.parametrize("name,wrap", [
    ("bom.txt", lambda text: codecs.BOM_UTF8 + text.encode()),
    ("bom.jsonl", lambda text: codecs.BOM_UTF8 + "".join(
        json.dumps({"text": line}) + "\n" for line in text.splitlines()).encode()),
    ("bom.txt.gz", lambda text: gzip.compress(codecs.BOM_UTF8 + text.encode())),
])
def test_a_byte_order_mark_is_dropped(tmp_path, name, wrap):
    path = tmp_path / name
    path.write_bytes(wrap(TEXT))
    docs = list(read_documents([str(path)]))
    assert [d.text for d in docs] == TEXT.splitlines()
    assert docs[0].n_replaced == 0


def test_a_byte_order_mark_elsewhere_is_kept(tmp_path):
    path = tmp_path / "mid.txt"
    path.write_bytes(b"first\n" + codecs.BOM_UTF8 + b"second\n")
    assert [d.text for d in read_documents([str(path)])] == ["first", "\ufeffsecond"]


@pytest.mark.real_model
def test_the_first_entity_of_a_file_with_a_bom_is_whole(runner, tmp_path):
    path = tmp_path / "bom.txt"
    path.write_bytes(codecs.BOM_UTF8 + TEXT.encode())
    out = tmp_path / "g.jsonl"
    result = runner.invoke(cli, ["build", str(path), "-o", str(out), "-q"])
    assert result.exit_code == 0, result.output
    heads = [json.loads(line)["head"]["label"] for line in out.read_text().splitlines()]
    assert "Marie Curie" in heads
    assert not any("\ufeff" in h for h in heads)


# -- binary input ---------------------------------------------------------------------------------

def test_binary_reason():
    assert binary_reason(b"") is None
    assert binary_reason(TEXT.encode()) is None
    assert binary_reason(ELF) == "NUL bytes"
    assert binary_reason(os.urandom(0) + bytes(range(128, 256)) * 100).endswith(
        "undecodable or control characters")
    assert binary_reason("Marie Curie was born in Warsaw.".encode("utf-16")).startswith("UTF-16")
    # Latin-1 text with an accent every few words is text (its odd bytes get replaced)
    french = "Le café de la rivière était fermé à Noël. Où est-il? " * 50
    assert binary_reason(french.encode("latin-1")) is None
    # ... Russian in cp1251 is almost all undecodable: refused
    assert binary_reason(("Мария Кюри родилась в Варшаве. " * 50).encode("cp1251")) is not None
    # a multi-byte character cut at the end of the sample is not a bad byte
    assert binary_reason(("é" * 10).encode()[:-1]) is None


def test_binary_files_are_told_apart(tmp_path):
    (tmp_path / "ls").write_bytes(ELF)
    (tmp_path / "ls.txt.gz").write_bytes(gzip.compress(ELF))
    pdf = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Filter /FlateDecode >>\nstream\n"
    (tmp_path / "paper.txt").write_bytes(pdf + bytes(range(128, 256)) * 64)
    (tmp_path / "ok.txt").write_text(TEXT)
    for name in ("ls", "ls.txt.gz", "paper.txt"):
        assert sniff_binary(str(tmp_path / name)) is not None, name
    assert sniff_binary(os.path.realpath(sys.executable)) == "NUL bytes"  # a real executable
    assert sniff_binary(str(tmp_path / "ok.txt")) is None
    files, binary = text_inputs([str(tmp_path)])
    assert files == [str(tmp_path / "ok.txt")]
    assert binary == [str(tmp_path / "ls.txt.gz"), str(tmp_path / "paper.txt")]
    with pytest.raises(UsageError, match=r"ls: looks binary \(NUL bytes\)"):
        text_inputs([str(tmp_path / "ls")])


def test_binary_standard_input_is_skipped_and_reported(monkeypatch):
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BufferedReader(io.BytesIO(ELF))))
    seen = []
    assert list(read_documents(["-"], on_binary=lambda n, why: seen.append((n, why)))) == []
    assert seen == [("<stdin>", "NUL bytes")]


def test_a_binary_input_alone_is_refused_before_any_model_loads(runner, tmp_path, no_models):
    (tmp_path / "ls").write_bytes(ELF)
    result = runner.invoke(cli, ["build", str(tmp_path / "ls"), "-o", str(tmp_path / "g.ttl")])
    one_error_line(result, 2, "looks binary (NUL bytes)", "UTF-8")
    assert not (tmp_path / "g.ttl").exists()


@pytest.mark.parametrize("output,fmt", [("g.ttl", "jsonl"), ("g.nt", "ttl"), ("g.tsv", "nt")])
def test_a_format_that_contradicts_the_file_name_is_refused(runner, tmp_path, no_models, output,
                                                             fmt):
    (tmp_path / "c.txt").write_text("Marie Curie was born in Warsaw.\n")
    (tmp_path / output).write_text("kept\n")
    result = runner.invoke(cli, ["build", str(tmp_path / "c.txt"), "-o", str(tmp_path / output),
                                 "--format", fmt, "--force"])
    one_error_line(result, 2, "the file name says", f"--format says {fmt}")
    assert (tmp_path / output).read_text() == "kept\n"


@pytest.mark.real_model
def test_a_binary_input_among_text_is_skipped_and_counted(runner, tmp_path):
    (tmp_path / "ls").write_bytes(ELF)
    (tmp_path / "ok.txt").write_text(TEXT)
    result = runner.invoke(cli, ["build", str(tmp_path / "ls"), str(tmp_path / "ok.txt"),
                                 "-o", str(tmp_path / "g.ttl")])
    assert result.exit_code == 0, result.output
    assert f"mamakg: warning: {tmp_path / 'ls'} looks binary (NUL bytes): skipped" \
        in result.stderr
    assert f"skipped 1 binary input file ({tmp_path / 'ls'})" in result.stderr
    assert "documents 2, sentences 2" in result.stderr


# -- model names are checked offline, at once -----------------------------------------------------

@pytest.mark.parametrize("option,value,needles", [
    ("--model", "no/such-model", ["not in the Hugging Face cache", "downloads nothing",
                                  "hf download no/such-model"]),
    ("--model", "./models/missing", ["no such model folder or file"]),
    ("--model", "missing.gguf", ["no such model folder or file"]),
    ("--spacy-model", "xx_no_such_pipeline", ["no installed spaCy pipeline", "pip install"]),
])
def test_a_misspelt_model_fails_in_one_line_before_loading(runner, tmp_path, no_models,
                                                          monkeypatch, option, value, needles):
    monkeypatch.delenv("HF_HUB_OFFLINE", raising=False)  # the check needs no offline flag
    monkeypatch.setattr("huggingface_hub.constants.HF_HUB_CACHE", str(tmp_path / "hub"))
    (tmp_path / "c.txt").write_text(TEXT)
    result = runner.invoke(cli, ["build", str(tmp_path / "c.txt"), option, value])
    one_error_line(result, 2, f"{option} {value}", *needles)


def _tiny_model_in_a_cache(cache, repo_id):
    """A tiny BERT and its tokenizer laid out as the Hugging Face cache holds a download."""
    import torch
    from tokenizers import BertWordPieceTokenizer
    from transformers import AutoModel, BertConfig, PreTrainedTokenizerFast

    from conftest import DATA

    wordpiece = BertWordPieceTokenizer(str(DATA / "vocab.txt"), lowercase=True)
    tokenizer = PreTrainedTokenizerFast(
        tokenizer_object=wordpiece._tokenizer, unk_token="[UNK]", pad_token="[PAD]",
        cls_token="[CLS]", sep_token="[SEP]", mask_token="[MASK]", model_max_length=64)
    torch.manual_seed(0)
    model = AutoModel.from_config(BertConfig(
        vocab_size=tokenizer.vocab_size, hidden_size=32, num_hidden_layers=2,
        num_attention_heads=4, intermediate_size=37, max_position_embeddings=64))
    commit = "0" * 40
    repo = cache / ("models--" + repo_id.replace("/", "--"))
    snapshot = repo / "snapshots" / commit
    model.save_pretrained(snapshot)
    tokenizer.save_pretrained(snapshot)
    (repo / "refs").mkdir(parents=True)
    (repo / "refs" / "main").write_text(commit)


def test_a_cached_model_loads_by_name_without_the_network(tmp_path, monkeypatch):
    from mamakg.attention import AttentionModel, resolve_model
    from mamakg.config import Config

    cache = tmp_path / "hub"
    _tiny_model_in_a_cache(cache, "tiny/bert")
    monkeypatch.setenv("HF_HUB_CACHE", str(cache))
    monkeypatch.setattr("huggingface_hub.constants.HF_HUB_CACHE", str(cache))
    monkeypatch.delenv("HF_HUB_OFFLINE", raising=False)
    monkeypatch.delenv("TRANSFORMERS_OFFLINE", raising=False)
    # any attempt to reach the network fails the test
    import socket

    def no_network(*args, **kwargs):
        raise AssertionError("mamakg tried to reach the network")

    monkeypatch.setattr(socket, "create_connection", no_network)
    monkeypatch.setattr(socket.socket, "connect", no_network)
    assert resolve_model("tiny/bert") == ("tiny/bert", "tiny/bert", "")
    lm = AttentionModel(Config(model="tiny/bert", device="cpu"))
    assert lm.info.n_layers == 2


# -- global flags: -v tells, -q is silent ---------------------------------------------------------

@pytest.mark.real_model
@pytest.mark.parametrize("where", ["before", "after"])
def test_verbose_shows_models_inputs_settings_timings_and_output(runner, tmp_path, where):
    corpus = tmp_path / "c.txt"
    corpus.write_text(TEXT)
    out = tmp_path / "g.ttl"
    args = ["build", str(corpus), "-o", str(out), "--beam-size", "4"]
    result = runner.invoke(cli, ["-v", *args] if where == "before" else [*args, "-v"])
    assert result.exit_code == 0, result.output
    err = result.stderr
    assert "mamakg: models loaded in " in err and "all-MiniLM-L6-v2" in err and " on cpu" in err
    assert "fp32" in err
    assert f"mamakg: inputs: {corpus}" in err
    assert "mamakg: settings: preset default; changed beam_size=4" in err
    assert "mamakg: timings: load " in err and ", parse " in err and "attend " in err \
        and "embed " in err \
        and "collect " in err
    assert re.search(r", attend [\d.]+ s \(model [\d.]+ s\)", err)  # a part of its stage
    assert f"mamakg: wrote {out} (ttl)" in err
    assert result.stdout == ""
    debug = runner.invoke(cli, [*args, "-vv", "--force"])
    assert "mamakg: [mamakg.api] all settings: {" in debug.stderr
    quiet = runner.invoke(cli, [*args, "-q", "--force"])
    assert quiet.exit_code == 0 and quiet.stderr == ""
    quiet_first = runner.invoke(cli, ["-q", *args, "--force"])
    assert quiet_first.exit_code == 0 and quiet_first.stderr == ""


# -- JSONL field names ----------------------------------------------------------------------------

@pytest.mark.real_model
def test_text_and_id_fields_name_the_jsonl_fields(runner, tmp_path):
    path = tmp_path / "docs.jsonl"
    path.write_text("".join(json.dumps({"key": f"doc-{i}", "body": line}) + "\n"
                            for i, line in enumerate(TEXT.splitlines())))
    out = tmp_path / "g.jsonl"
    result = runner.invoke(cli, ["build", str(path), "--text-field", "body", "--id-field",
                                 "key", "-o", str(out), "-q"])
    assert result.exit_code == 0, result.output
    documents = {m["doc_id"] for line in out.read_text().splitlines()
                 for m in json.loads(line)["mentions"]}
    assert documents == {"doc-0", "doc-1"}
    wrong = runner.invoke(cli, ["build", str(path), "-o", str(tmp_path / "h.jsonl")])
    one_error_line(wrong, 2, "docs.jsonl:1", "'text'", "--text-field")


# -- output paths -------------------------------------------------------------------------------

@pytest.mark.parametrize("output,needle", [
    ("no/such/folder/g.ttl", "does not exist"),
    ("g.xyz", "cannot tell the output format"),
    ("existing.ttl", "exists: pass --force"),
])
def test_a_bad_output_is_refused_before_any_model_loads(runner, tmp_path, no_models,
                                                      monkeypatch, output, needle):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "existing.ttl").write_text("keep")
    (tmp_path / "c.txt").write_text(TEXT)
    result = runner.invoke(cli, ["build", "c.txt", "-o", output])
    one_error_line(result, 2, needle)
    assert (tmp_path / "existing.ttl").read_text() == "keep"


# -- a work-folder build: rerun the same command to resume -----------------------------------------

@pytest.mark.real_model
def test_rerunning_a_workdir_build_replaces_its_own_output_without_force(runner, tmp_path):
    corpus = tmp_path / "c.txt"
    corpus.write_text(TEXT)
    work, out = tmp_path / "work", tmp_path / "g.nt"
    command = ["build", str(corpus), "--workdir", str(work), "-o", str(out), "-q"]
    first = runner.invoke(cli, command)
    assert first.exit_code == 0, first.output
    written = out.read_bytes()
    again = runner.invoke(cli, command)  # the README's "rerun the same command to resume"
    assert again.exit_code == 0, again.output
    assert out.read_bytes() == written
    out.write_text("edited by hand\n")  # no longer what the work folder wrote: kept
    refused = runner.invoke(cli, command)
    one_error_line(refused, 2, "exists: pass --force")
    assert out.read_text() == "edited by hand\n"
    other = tmp_path / "other.nt"  # a file the work folder never wrote: kept
    other.write_text("mine\n")
    kept = runner.invoke(cli, ["build", str(corpus), "--workdir", str(work), "-o", str(other)])
    one_error_line(kept, 2, "exists: pass --force")


def test_a_work_folder_owns_only_the_outputs_it_recorded(tmp_path):
    from mamakg.scale.shards import SCHEMA_VERSION
    from mamakg.scale.workdir import record_output, wrote_output

    work = tmp_path / "work"
    out = tmp_path / "g.ttl"
    out.write_text("graph\n")
    assert not wrote_output(str(work), str(out))  # no work folder yet
    work.mkdir()
    (work / "manifest.json").write_text(
        json.dumps({"schema": SCHEMA_VERSION, "shards": [], "parts": []}))
    assert not wrote_output(str(work), str(out))
    record_output(str(work), str(out))
    assert wrote_output(str(work), str(out))
    assert json.loads((work / "manifest.json").read_text())["outputs"][str(out)]["size"] == 6
    out.write_text("graph, edited\n")
    assert not wrote_output(str(work), str(out))


# -- one exit-code convention ------------------------------------------------------------------

def _graph(tmp_path):
    from mamakg.config import OutputFormat
    from mamakg.rdf.writers import render

    from graph_samples import BASE, MANIFEST, sample_facts

    path = tmp_path / "g.ttl"
    path.write_bytes(render(sample_facts(), MANIFEST, OutputFormat.TTL, BASE))
    return str(path)


@pytest.mark.parametrize("command", [
    ["build", "{text}", "-o", "{out}"],
    ["view", "{graph}", "-o", "{out}"],
    ["export", "{graph}", "--to", "nt", "-o", "{out}"],
    ["kb", "build", "{dump}", "-o", "{out}"],
])
def test_an_existing_output_is_exit_2_in_every_command(runner, tmp_path, no_models, command):
    from conftest import DATA

    (tmp_path / "c.txt").write_text(TEXT)
    out = tmp_path / "existing.out"
    out.write_text("keep")
    names = {"text": str(tmp_path / "c.txt"), "graph": _graph(tmp_path), "out": str(out),
             "dump": str(DATA / "wikidata_sample.json")}
    args = [a.format(**names) for a in command]
    if command[0] == "build":
        args += ["--format", "nt"]
    result = runner.invoke(cli, args)
    one_error_line(result, 2, "existing.out exists: pass --force")
    assert out.read_text() == "keep"
    missing = runner.invoke(cli, [a.replace(str(out), str(tmp_path / "no" / "x.out"))
                                  for a in args])
    one_error_line(missing, 2, "does not exist")


@pytest.mark.parametrize("command", [["show"], ["facts"], ["explain", "{graph}", "abc"],
                                     ["query", "{graph}", "ASK {}"], ["view", "-o", "x.html"],
                                     ["export", "--to", "nt", "-o", "-"],
                                     ["push", "--sparql", "http://127.0.0.1:1/store"]])
def test_a_missing_graph_is_exit_2_in_every_command(runner, tmp_path, command):
    missing = str(tmp_path / "nope.ttl")
    args = [command[0], missing] + [a for a in command[1:] if a != "{graph}"]
    result = runner.invoke(cli, args)
    one_error_line(result, 2, "nope.ttl: no such file or folder")


def test_a_runtime_failure_is_exit_1_and_interrupt_130(runner, tmp_path, monkeypatch):
    graph = _graph(tmp_path)
    result = runner.invoke(cli, ["explain", graph, "zzzz"])  # a well-formed id not there
    one_error_line(result, 1, "no fact id starts with 'zzzz'")
    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr("mamakg.inspect.browse.summarize", interrupted)
    stopped = runner.invoke(cli, ["show", graph])
    assert stopped.exit_code == 130 and "interrupted" in stopped.stderr


def test_the_command_line_choices_are_the_librarys():
    import mamakg.cli.inspect as commands
    from mamakg.inspect.browse import FACT_STATUSES, RDF_FORMATS
    from mamakg.inspect.export import DIALECTS, EXPORT_FORMATS

    assert commands.STATUSES == FACT_STATUSES
    assert set(commands.RDF_FORMATS) == set(RDF_FORMATS)
    assert commands.EXPORT_FORMATS == EXPORT_FORMATS and commands.DIALECTS == DIALECTS


def test_starting_a_build_loads_no_graph_library():
    """`mamakg build` with a misspelt model fails before rdflib or torch is imported: the
    one-line error comes at once."""
    code = ("import sys; from mamakg.cli import main\n"
            "try:\n    main(['build', sys.argv[1], '--model', 'no/such-model', '-q'])\n"
            "except SystemExit as e:\n"
            "    print(e.code, 'rdflib' in sys.modules, 'torch' in sys.modules)\n")
    corpus = os.path.join(os.path.dirname(__file__), "..", "corpora", "demo.txt")
    done = subprocess.run([sys.executable, "-c", code, corpus], capture_output=True, text=True,
                          timeout=60, env=dict(os.environ, HF_HUB_OFFLINE="1"))
    assert done.stdout.split() == ["2", "False", "False"], done.stderr
    assert done.stderr.count("\n") == 1 and "hf download no/such-model" in done.stderr


# -- an output that cannot be written is refused before any work ------------------------------

needs_proc = pytest.mark.skipif(not os.path.isdir("/proc/self"), reason="needs Linux's /proc")


@needs_proc
@pytest.mark.parametrize("command", [
    ["build", "{text}", "-o", "/proc/x.ttl"],
    ["view", "{graph}", "-o", "/proc/x.html"],
    ["export", "{graph}", "--to", "nt", "-o", "/proc/x.nt"],
    ["export", "{graph}", "--to", "neo4j-csv", "-o", "/proc/x-csv"],
    ["kb", "build", "{dump}", "-o", "/proc/x.kb"],
    ["kb", "import", "{aliases}", "-o", "/proc/x.kb"],
])
def test_an_unwritable_output_is_exit_2_before_any_work(runner, tmp_path, no_models,
                                                        monkeypatch, command):
    """A folder where no file can be created (/proc) is found by creating the writer's
    temporary file there first: one line naming the user's path, exit 2, no model, no graph
    read."""
    from conftest import DATA

    def no_reading(*args, **kwargs):
        raise AssertionError("the graph was read")

    monkeypatch.setattr("mamakg.rdf.load.load_graph", no_reading)
    (tmp_path / "c.txt").write_text(TEXT)
    (tmp_path / "aliases.tsv").write_text("Curie\tQ7186\t1\n")
    names = {"text": str(tmp_path / "c.txt"), "graph": _graph(tmp_path),
             "dump": str(DATA / "wikidata_sample.json"), "aliases": str(tmp_path / "aliases.tsv")}
    result = runner.invoke(cli, [a.format(**names) for a in command])
    one_error_line(result, 2, f"{command[-1]}: cannot create a file in /proc")


@needs_proc
def test_the_api_refuses_an_unwritable_output_before_writing(tmp_path):
    from mamakg.output import atomic_output, check_output
    from mamakg.result import Result, Summary
    from mamakg.types import RunInfo

    with pytest.raises(UsageError, match="^/proc/x.ttl: cannot create a file in /proc"):
        check_output("/proc/x.ttl")
    empty = Result(facts=[], summary=Summary(), run=RunInfo("0", "m"))
    with pytest.raises(UsageError, match="^/proc/x.ttl: cannot create a file"):
        empty.write("/proc/x.ttl")
    with pytest.raises(UsageError, match="/proc/x.ttl"), atomic_output("/proc/x.ttl"):
        raise AssertionError("the block must not run")
    check_output(str(tmp_path / "ok.ttl"))  # a writable folder passes, and is left clean
    assert list(tmp_path.iterdir()) == []


# -- a device or a named pipe is written through, never replaced ------------------------------

def _read_in_background(path):
    """Read the named pipe `path` whole in a thread: (thread, the bytes read)."""
    import threading

    got = bytearray()

    def read():
        with open(path, "rb") as handle:
            got.extend(handle.read())

    thread = threading.Thread(target=read, daemon=True)
    thread.start()
    return thread, got


needs_fifo = pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs named pipes")


@needs_fifo
@pytest.mark.parametrize("command", [["export", "{graph}", "--to", "nt", "-o", "{out}"],
                                     ["view", "{graph}", "-o", "{out}"]])
def test_a_named_pipe_takes_a_commands_output_and_stays_a_pipe(runner, tmp_path, command):
    """A named pipe is written through (no --force: nothing is replaced) with what a file
    gets; a command that replaced it with a file would leave the reader with nothing."""
    import stat

    graph = _graph(tmp_path)
    fifo, plain = str(tmp_path / "pipe"), str(tmp_path / "plain.out")
    os.mkfifo(fifo)
    thread, got = _read_in_background(fifo)
    result = runner.invoke(cli, [a.format(graph=graph, out=fifo) for a in command])
    thread.join(timeout=30)
    assert result.exit_code == 0, result.output
    assert stat.S_ISFIFO(os.stat(fifo).st_mode)
    assert runner.invoke(cli, [a.format(graph=graph, out=plain) for a in command]).exit_code == 0
    assert bytes(got) == open(plain, "rb").read() and got


@needs_fifo
def test_a_graph_written_to_a_named_pipe_is_the_files_graph(tmp_path):
    """`Result.write` (what `mamakg build` calls) renders a stream's graph whole, then writes
    it through: the pipe gets the bytes a file gets, and stays a pipe."""
    import stat

    from mamakg.config import OutputFormat
    from mamakg.result import Result, Summary

    from graph_samples import MANIFEST, sample_facts

    result = Result(facts=sample_facts(), summary=Summary(), run=MANIFEST)
    fifo, plain = str(tmp_path / "pipe"), str(tmp_path / "g.nt")
    os.mkfifo(fifo)
    thread, got = _read_in_background(fifo)
    result.write(fifo, OutputFormat.NT)
    thread.join(timeout=30)
    result.write(plain, OutputFormat.NT)
    assert stat.S_ISFIFO(os.stat(fifo).st_mode)
    assert bytes(got) == open(plain, "rb").read() and got


@pytest.mark.skipif(not os.path.exists("/dev/null"), reason="needs /dev/null")
def test_dev_null_takes_any_output_and_is_left_a_device(runner, tmp_path):
    """``-o /dev/null`` (a timing run, say) needs no --force and no --format, and the device
    is never replaced by a file (as root, replacing it would break the system)."""
    import stat

    from mamakg.config import OutputFormat
    from mamakg.output import check_output, streams

    before = os.stat("/dev/null")
    assert stat.S_ISCHR(before.st_mode) and streams("/dev/null")
    for command in (["export", _graph(tmp_path), "--to", "nt", "-o", "/dev/null"],
                    ["view", _graph(tmp_path), "-o", "/dev/null"]):
        result = runner.invoke(cli, command)
        assert result.exit_code == 0, result.output
    after = os.stat("/dev/null")
    assert stat.S_ISCHR(after.st_mode) and after.st_rdev == before.st_rdev
    assert OutputFormat.from_path("/dev/null") is OutputFormat.TTL  # as for -
    check_output("/dev/null")  # no --force needed
    with pytest.raises(UsageError, match="^/dev/null is not a folder"):
        check_output("/dev/null", folder=True)
    with pytest.raises(UsageError, match="^/dev/null is not a regular file"):
        check_output("/dev/null", stream=False)
    assert streams("/dev/stdout") and streams(f"/proc/{os.getpid()}/fd/0")
    assert not streams(str(tmp_path / "g.ttl"))  # a new file, also in /dev's own tmpfs:
    assert not streams("/dev/shm/new-graph.ttl") or not os.path.isdir("/dev/shm")


def test_a_knowledge_base_is_not_written_to_a_stream(runner, tmp_path, no_models):
    from conftest import DATA

    dump = str(DATA / "wikidata_sample.json")
    one_error_line(runner.invoke(cli, ["kb", "build", dump, "-o", "/dev/null"]), 2,
                   "/dev/null is not a regular file")
    one_error_line(runner.invoke(cli, ["kb", "build", dump, "-o", "-"]), 2, "not -")


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="needs Linux's /dev/full")
def test_a_full_disk_is_one_line_and_leaves_the_old_file(runner, tmp_path, monkeypatch):
    """A write that finds the disk full says so in one line, exit 1; a file it was to
    replace is left as it was (here the disk is /dev/full, and a file whose writes fail as
    a full disk's do)."""
    import errno

    from mamakg.output import atomic_output

    graph = _graph(tmp_path)
    full = runner.invoke(cli, ["export", graph, "--to", "nt", "-o", "/dev/full"])
    one_error_line(full, 1, "/dev/full: No space left on device")
    with open("/dev/full", "wb") as stdout:  # -o -, with standard output on a full disk
        done = subprocess.run([sys.executable, "-m", "mamakg", "export", graph, "--to", "nt", "-o", "-"],
                              stdout=stdout, stderr=subprocess.PIPE, text=True, timeout=120)
    assert done.returncode == 1 and done.stderr == (
        "mamakg: error: standard output: No space left on device\n"), done.stderr
    old = tmp_path / "old.nt"
    old.write_text("keep")
    with pytest.raises(MamakgError,
                       match="old.nt: No space left on device: left as it was"), \
            atomic_output(str(old), force=True):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
    assert old.read_text() == "keep" and sorted(p.name for p in tmp_path.iterdir()) == [
        "g.ttl", "old.nt"]


# -- the inputs are read before any model loads -----------------------------------------------

@pytest.mark.parametrize("where", ["file", "stdin"])
def test_an_empty_corpus_gives_an_empty_graph_without_loading_models(runner, tmp_path,
                                                                      no_models, where):
    (tmp_path / "empty.txt").write_text("\n  \n")
    out = tmp_path / "g.ttl"
    source = str(tmp_path / "empty.txt") if where == "file" else "-"
    result = runner.invoke(cli, ["build", source, "-o", str(out)], input="\n  \n")
    assert result.exit_code == 0, result.output
    assert "mamakg: warning: the corpus has no documents; writing an empty graph" \
        in result.stderr
    assert "documents 0, sentences 0" in result.stderr
    loaded = mamakg.load(str(out))
    assert loaded.facts == [] and loaded.run.model == "sentence-transformers/all-MiniLM-L6-v2"
    assert loaded.run.spacy_model.startswith("en_core_web_sm")


@pytest.mark.parametrize("where", ["file", "stdin"])
def test_a_bad_jsonl_line_is_exit_2_before_any_model_loads(runner, tmp_path, no_models,
                                                            where):
    """Line 2 lacks the text field: the first pass, which loads no model, names it; nothing
    is written, the existing output is kept."""
    lines = json.dumps({"text": "Marie Curie was born in Warsaw."}) + "\n" \
        + json.dumps({"body": "Bob Dylan is a songwriter."}) + "\n"
    path = tmp_path / "docs.jsonl"
    path.write_text(lines)
    out = tmp_path / "g.ttl"
    args = ["build", str(path)] if where == "file" else ["build", "-", "--input-format", "jsonl"]
    result = runner.invoke(cli, [*args, "-o", str(out)], input=lines)
    name = str(path) if where == "file" else "<stdin>"
    one_error_line(result, 2, f"{name}:2: a JSONL line needs a string field 'text'")
    assert not out.exists() and list(tmp_path.iterdir()) == [path]
    path.write_text(lines.replace('{"body"', '{"text": "ok", "x"').replace("\n", "\n{oops\n", 1))
    broken = runner.invoke(cli, ["build", str(path), "-o", str(out)])
    one_error_line(broken, 2, f"{path}:2: not valid JSON")


def test_standard_input_is_read_once_and_its_copy_removed(tmp_path, monkeypatch):
    from mamakg.reader import Reading, checked_inputs

    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(TEXT.encode())))
    monkeypatch.setattr("tempfile.tempdir", str(tmp_path))
    with checked_inputs(["-"], Reading()) as inputs:
        assert inputs.n_documents == 2 and inputs.files == ("-",)
        first = list(inputs.read())
        assert [d.doc_id for d in first] == ["<stdin>:1", "<stdin>:2"]
        assert list(inputs.read()) == first  # read again, from the copy
    assert list(tmp_path.iterdir()) == []


@pytest.mark.real_model
def test_the_time_of_a_build_counts_loading_the_models(tmp_path, monkeypatch):
    import time

    real = mamakg.pipeline.load_models

    def slow(config):
        time.sleep(1.0)
        return real(config)

    monkeypatch.setattr(mamakg.pipeline, "load_models", slow)
    (tmp_path / "c.txt").write_text(TEXT)
    result = mamakg.Builder(device="cpu").build_files([str(tmp_path / "c.txt")])
    assert result.summary.timings["load"] >= 1.0
    assert result.summary.seconds >= result.summary.timings["load"] \
        + result.summary.timings["attend"]


# -- messages -----------------------------------------------------------------------------------

def test_latin1_input_is_named_with_the_command_that_converts_it(tmp_path):
    import logging

    from mamakg.reader import Reading, checked_inputs

    seen: list[logging.LogRecord] = []
    handler = logging.Handler(logging.WARNING)
    handler.emit = seen.append  # type: ignore[method-assign]
    logger = logging.getLogger("mamakg.reader")
    logger.addHandler(handler)
    logger.setLevel(logging.WARNING)  # whatever an earlier command's -q set
    path = tmp_path / "notes.txt"
    path.write_bytes("Le café est fermé.\nMarie Curie à Paris.\n".encode("latin-1"))
    try:
        with checked_inputs([str(path)], Reading()):
            pass
    finally:
        logger.removeHandler(handler)
        logger.setLevel(logging.NOTSET)
    (warning,) = [r.getMessage() for r in seen]
    assert warning.startswith(f"{path}: 3 bytes are not UTF-8 (first on line 1)")
    assert f"iconv -f latin1 -t utf-8 {path} > {tmp_path / 'notes.utf8.txt'}" in warning


@pytest.mark.parametrize("args,message,command", [
    (["facts"], "missing argument 'GRAPH'", "mamakg facts"),
    (["build", "c.txt", "--beam-size", "x"], "invalid value for '--beam-size'", "mamakg build"),
    (["kb", "build"], "missing argument 'DUMP'", "mamakg kb build"),
    (["eval", "carb", "p.tsv"], "missing option '--gold'", "mamakg eval carb"),
    (["--bogus"], "no such option '--bogus'", "mamakg"),
    (["nosuch"], "no such command 'nosuch'", "mamakg"),
])
def test_command_line_mistakes_are_told_like_every_error(runner, args, message, command):
    """click's own usage errors: the tool's 'mamakg: error:' line, exit 2, and where to look."""
    result = runner.invoke(cli, args, prog_name="mamakg")
    assert result.exit_code == 2
    lines = result.stderr.splitlines()
    assert lines[0].startswith(f"mamakg: error: {message}"), result.stderr
    assert lines[1:] == [f"Try '{command} -h' for help."]
    assert result.stdout == ""


def test_eval_help_points_at_what_users_have(runner):
    text = runner.invoke(cli, ["eval", "-h"]).output
    assert "shared/data" not in text and "SCORING.md" not in text
    for words in ("CaRB", "BenchIE", "KnowledgeNet", "docs/quality.md"):
        assert words in text
