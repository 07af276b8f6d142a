"""The Ray engine on a local 2-CPU Ray instance gives the graph of a single-process build,
in both layouts (fused: one actor per CPU; split: parse -> attend -> match actors, the GPU
layout, here with the language model on a CPU)."""

import json

import pytest

from mamakg.config import Config, OutputFormat
from mamakg.pipeline import build
from mamakg.rdf.writers import render
from mamakg.reader import read_documents
from mamakg.scale.ray_engine import RayEngine
from mamakg.scale.workdir import WorkOptions, build_workdir

ray = pytest.importorskip("ray")

pytestmark = pytest.mark.real_model

TEXT = """Marie Curie was born in Warsaw.
Alice wrote a letter to Bob.
The cat sat on the mat.
Pierre Curie was born in Paris.
Paris is the capital of France.
"""


@pytest.fixture(scope="module")
def local_ray():
    ray.init(num_cpus=2, include_dashboard=False, logging_level="WARNING")
    yield
    ray.shutdown()


@pytest.mark.parametrize("split", [False, True], ids=["fused", "split"])
def test_ray_engine_equals_single_process_build(local_ray, tmp_path, nlp, real_lm, split):
    corpus = tmp_path / "c.txt"
    corpus.write_text(TEXT, encoding="utf-8")
    config = Config(device="cpu")
    work = tmp_path / "w"
    result = build_workdir([str(corpus)], config, str(work), options=WorkOptions(shard_docs=2),
                           engine=RayEngine(split=split))
    assert (result.summary.n_shards, result.summary.n_shards_built) == (3, 3)
    manifest = json.loads((work / "manifest.json").read_text())
    assert all(s["done"] for s in manifest["shards"])
    expected = build(read_documents([str(corpus)]), config, nlp=nlp, lm=real_lm)
    assert expected.facts
    assert render(result.facts, result.run, OutputFormat.NT, config.base_iri) == \
        render(expected.facts, expected.run, OutputFormat.NT, config.base_iri)


def test_an_actor_sets_its_process_up_as_a_builds_worker_process_is(monkeypatch):
    """One actor is one CPU and its process is its own: spaCy's matrix products on one
    thread, freed arrays kept for the next batch (`scale.processes.steady_heap`)."""
    import mamakg.parse
    from mamakg.scale import ray_engine

    calls: list[str] = []
    monkeypatch.setattr(ray_engine, "steady_heap", lambda: calls.append("heap") or True)
    monkeypatch.setattr(mamakg.parse, "one_blas_thread", lambda: calls.append("blas"))
    ray_engine.ParseWorker(Config(device="cpu"))
    assert sorted(calls) == ["blas", "heap"]
