"""Sharded builds in a work folder: same graph as a plain build, resume after SIGKILL,
--append, refusals. These use the real bundled models (a few short sentences per test)."""

import contextlib
import gzip
import json
import os
import signal
import subprocess
import sys
import time

import pytest
from click.testing import CliRunner

from mamakg.cli import cli
from mamakg.config import Config, OutputFormat
from mamakg.errors import MamakgError, UsageError
from mamakg.pipeline import build
from mamakg.rdf.writers import render
from mamakg.reader import read_documents
from mamakg.scale.workdir import WorkOptions, build_workdir

from conftest import ROOT

pytestmark = pytest.mark.real_model

FIRST = """Bob Dylan is a songwriter from Duluth.
Marie Curie was born in Warsaw.
Paris is the capital of France.
Alice wrote a letter to Bob.
The cat sat on the mat.
Berlin is the capital of Germany.
"""
MORE = """Rome is the capital of Italy.
Pierre Curie was born in Paris.
Joni Mitchell is a songwriter from Canada.
"""
CONFIG = Config(device="cpu")


@pytest.fixture
def corpus(tmp_path):
    a, b = tmp_path / "a.txt", tmp_path / "b.txt"
    a.write_text(FIRST, encoding="utf-8")
    b.write_text(MORE, encoding="utf-8")
    return a, b


@pytest.fixture(scope="module")
def models(nlp, real_lm):
    return lambda: (nlp, real_lm)


def nt(result, config=CONFIG):
    return render(result.facts, result.run, OutputFormat.NT, config.base_iri)


def plain(paths, nlp, real_lm, config=CONFIG):
    return build(read_documents([str(p) for p in paths]), config, nlp=nlp, lm=real_lm)


def manifest(folder):
    return json.loads((folder / "manifest.json").read_text())


def test_same_graph_as_plain_build_and_reuse(corpus, tmp_path, models, nlp, real_lm):
    a, _ = corpus
    work = tmp_path / "w"
    result = build_workdir([str(a)], CONFIG, str(work), models=models,
                           options=WorkOptions(shard_docs=2))
    assert (result.summary.n_shards, result.summary.n_shards_built) == (3, 3)
    expected = plain([a], nlp, real_lm)
    assert nt(result) == nt(expected)
    same = {"seconds": 0, "timings": {}}
    assert result.summary.to_dict() | same == expected.summary.to_dict() | same
    m = manifest(work)
    assert [s["done"] for s in m["shards"]] == [True] * 3
    assert m["parts"][0]["inputs"][0]["path"] == str(a) and m["config"] == CONFIG.to_dict()

    def no_models():
        raise AssertionError("no shard should need the models")

    again = build_workdir([str(a)], CONFIG, str(work), models=no_models)
    assert (again.summary.n_shards, again.summary.n_shards_built) == (3, 0)
    assert nt(again) == nt(result)
    # corpus-level settings may change without redoing shards
    stricter = CONFIG.replace(min_relation_pairs=2)
    assert nt(build_workdir([str(a)], stricter, str(work), models=no_models), stricter) == \
        nt(plain([a], nlp, real_lm, stricter), stricter)


def test_refusals_and_force(corpus, tmp_path, models):
    a, b = corpus
    work = str(tmp_path / "w")
    build_workdir([str(a)], CONFIG, work, models=models, options=WorkOptions(shard_docs=3))
    with pytest.raises(MamakgError, match=r"other settings \(min_score\).*--force"):
        build_workdir([str(a)], CONFIG.replace(min_score=0.1), work, models=models)
    # the sentence-level refinements change a shard's mentions too
    with pytest.raises(MamakgError, match=r"other settings \(relation_span, verb_subject\)"):
        build_workdir([str(a)], CONFIG.replace(relation_span="first-last", verb_subject=True),
                      work, models=models)
    with pytest.raises(MamakgError, match="--shard-docs 3, not 2"):
        build_workdir([str(a)], CONFIG, work, models=models, options=WorkOptions(shard_docs=2))
    with pytest.raises(MamakgError, match="other inputs.*--append"):
        build_workdir([str(b)], CONFIG, work, models=models)
    a.write_text(FIRST + "Oslo is the capital of Norway.\n", encoding="utf-8")
    with pytest.raises(MamakgError, match=f"input {a} changed"):
        build_workdir([str(a)], CONFIG, work, models=models)
    with pytest.raises(UsageError, match="standard input"):
        build_workdir(["-"], CONFIG, work, models=models)
    forced = build_workdir([str(a)], CONFIG, work, models=models, options=WorkOptions(force=True))
    assert (forced.summary.n_shards, forced.summary.n_shards_built) == (3, 3)
    assert forced.summary.n_documents == 7
    # a damaged shard file is noticed
    shard = os.path.join(work, "shards", "000000.jsonl.gz")
    with gzip.open(shard, "rb") as handle:
        lines = handle.readlines()
    with gzip.open(shard, "wb") as handle:
        handle.writelines(lines[:-1])
    with pytest.raises(MamakgError, match="incomplete shard"):
        build_workdir([str(a)], CONFIG, work, models=models)


def fact_iris(data):
    return {line.split(" ")[0] for line in data.decode().splitlines() if "/fact/" in line}


def test_append_builds_only_new_shards(corpus, tmp_path, models, nlp, real_lm):
    a, b = corpus
    work = str(tmp_path / "w")
    strict = CONFIG.replace(min_relation_pairs=2)  # corpus-level: recomputed on every run
    first = build_workdir([str(a)], CONFIG, work, models=models, options=WorkOptions(shard_docs=2))
    assert first.facts and not build_workdir([str(a)], strict, work, models=models).facts
    both = build_workdir([str(b)], strict, work, models=models, options=WorkOptions(append=True))
    assert (both.summary.n_shards, both.summary.n_shards_built) == (5, 2)
    # a relation that is rare in the first part reaches 2 pairs with the appended part
    assert both.facts and nt(both, strict) == nt(plain([a, b], nlp, real_lm, strict), strict)
    again = build_workdir([str(b)], CONFIG, work, models=models, options=WorkOptions(append=True))
    assert (again.summary.n_shards, again.summary.n_shards_built) == (5, 0)
    assert nt(again) == nt(plain([a, b], nlp, real_lm))
    assert fact_iris(nt(first)) < fact_iris(nt(again))  # old facts keep their IRIs


def test_resume_after_sigkill(corpus, tmp_path, models):
    a, _ = corpus
    work, out, ref = tmp_path / "w", tmp_path / "g.nt", tmp_path / "ref.nt"
    command = [sys.executable, "-m", "mamakg", "-q", "build", str(a), "--workdir", str(work),
               "--shard-docs", "1", "--device", "cpu", "-o", str(out)]
    env = dict(os.environ, HF_HUB_OFFLINE="1", TRANSFORMERS_OFFLINE="1")
    proc = subprocess.Popen(command, cwd=ROOT, env=env, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 120
    try:
        while time.monotonic() < deadline and proc.poll() is None:
            with contextlib.suppress(FileNotFoundError):  # replaced atomically: whole or none
                if any(s["done"] for s in manifest(work)["shards"]):
                    break
            time.sleep(0.05)
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait()
    assert proc.returncode == -signal.SIGKILL, proc.stderr.read().decode()
    assert not out.exists()
    n_done = sum(s["done"] for s in manifest(work)["shards"])
    assert 1 <= n_done < 6

    runner = CliRunner()
    result = runner.invoke(cli, command[4:], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert manifest(work)["shards"] and all(s["done"] for s in manifest(work)["shards"])
    assert f"6 shards, {6 - n_done} built by this run" in result.output
    whole = runner.invoke(cli, ["-q", "build", str(a), "--workdir", str(tmp_path / "w2"),
                                "--shard-docs", "1", "--device", "cpu", "-o", str(ref)])
    assert whole.exit_code == 0, whole.output
    assert out.read_bytes() == ref.read_bytes()
    assert not [n for n in os.listdir(work / "shards") if n.endswith(".tmp")]


def test_cli_usage_errors(corpus, tmp_path):
    a, _ = corpus
    runner = CliRunner()
    for args in (["--append"], ["--engine", "ray"], ["--shard-docs", "5"]):
        result = runner.invoke(cli, ["build", str(a), *args])
        assert result.exit_code == 2 and "need --workdir" in result.output
    result = runner.invoke(cli, ["build", str(a), "--workdir", str(tmp_path / "w"),
                                 "--format", "carb"])
    assert result.exit_code == 2 and "carb" in result.output


@pytest.fixture(scope="module")
def tiny_lm():
    """A tiny random-weight BERT over the vocabulary in tests/data (nothing downloaded)."""
    import torch
    from tokenizers import BertWordPieceTokenizer
    from transformers import AutoModel, BertConfig, PreTrainedTokenizerFast

    from mamakg.attention import AttentionModel

    from conftest import DATA

    wordpiece = BertWordPieceTokenizer(str(DATA / "vocab.txt"), lowercase=True)
    tokenizer = PreTrainedTokenizerFast(
        tokenizer_object=wordpiece._tokenizer, unk_token="[UNK]", pad_token="[PAD]",
        cls_token="[CLS]", sep_token="[SEP]", mask_token="[MASK]", model_max_length=64)
    torch.manual_seed(0)
    model = AutoModel.from_config(
        BertConfig(vocab_size=tokenizer.vocab_size, hidden_size=32, num_hidden_layers=2,
                   num_attention_heads=4, intermediate_size=37, max_position_embeddings=64),
        attn_implementation="eager")
    return AttentionModel(CONFIG, model=model, tokenizer=tokenizer)


def test_a_rerun_with_nothing_to_do_loads_no_model_and_says_so(corpus, tmp_path, nlp, tiny_lm):
    a, b = corpus
    work = str(tmp_path / "w")
    first = build_workdir([str(a)], CONFIG, work, models=lambda: (nlp, tiny_lm),
                          options=WorkOptions(shard_docs=2))
    assert (first.summary.n_shards_built, first.summary.n_sentences_built) == (3, 6)
    assert first.summary.lines()[-1].endswith(" sentences/s")

    def refuse():
        raise AssertionError("a model was loaded")

    again = build_workdir([str(a)], CONFIG, work, models=refuse)
    assert (again.summary.n_shards_built, again.summary.n_sentences_built) == (0, 0)
    assert again.summary.n_sentences == 6  # the folder's sentences, from the shards' counts
    assert again.summary.lines()[-1].endswith(" s, nothing to do: 3 shards reused")
    assert again.summary.sentences_per_second == 0.0
    # an append: the speed counts the sentences of the new shards alone
    more = build_workdir([str(b)], CONFIG, work, models=lambda: (nlp, tiny_lm),
                         options=WorkOptions(append=True))
    assert (more.summary.n_shards_built, more.summary.n_sentences_built) == (2, 3)
    assert more.summary.n_sentences == 9
    assert more.summary.sentences_per_second == pytest.approx(3 / more.summary.seconds)
