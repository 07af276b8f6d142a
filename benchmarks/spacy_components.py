"""CPU seconds of each spaCy component in three setups, on the same abstracts.

The setups: the pipeline as `mamakg.parse.load_nlp` sets it up, numpy's BLAS on one thread
(as in a build's spaCy workers: ``mamakg``); the same with numpy's BLAS on its default
threads (``mamakg_blas_default``); and the pipeline as spaCy loads it (thinc's BLIS,
spaCy's own attribute ruler: ``spacy``).

    python benchmarks/spacy_components.py [--docs 300] [--runs 2]

Prints one JSON line: for each setup and run, each component's CPU seconds (all threads) and
wall seconds per 1,000 sentences, their sums, and whether every token's tag, part of speech,
dependency, head, morphology, lemma and entity label is the same in every setup. The setups
alternate, run after run, so that a change of the machine's speed falls on all. The
abstracts are those of ../shared/data/raw-text (the KnowledgeNet/DBpedia abstracts, CC BY-SA).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import time
import warnings
from pathlib import Path

RAW = (Path(__file__).resolve().parents[2] / "shared" / "data" / "raw-text"
       / "knowledgenet_fold5_dbpedia_abstracts.jsonl")


def timed_components(nlp, texts: list[str]) -> tuple[dict[str, float], dict[str, float], list]:
    """Each component's CPU and wall seconds over the texts (batches of 64, as a build's
    tasks), and the documents."""
    docs = [nlp.make_doc(text) for text in texts]
    cpu, wall = {}, {}
    for name, component in nlp.pipeline:
        started, clock = time.process_time(), time.perf_counter()
        docs = list(component.pipe(docs, batch_size=64))
        cpu[name] = time.process_time() - started
        wall[name] = time.perf_counter() - clock
    return cpu, wall, docs


def reading(docs) -> list[tuple]:
    return [(t.tag_, t.pos_, t.dep_, t.head.i, str(t.morph), t.lemma_, t.ent_type_, t.ent_iob_)
            for doc in docs for t in doc]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=300)
    parser.add_argument("--runs", type=int, default=2)
    args = parser.parse_args()

    import spacy

    from mamakg.parse import DEFAULT_SPACY_MODELS, load_nlp, one_blas_thread

    texts = [json.loads(line)["text"]
             for line in RAW.read_text(encoding="utf-8").splitlines()][: args.docs]
    ours = load_nlp(None)
    stock = None
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for name in DEFAULT_SPACY_MODELS:
            try:
                stock = spacy.load(name)
                break
            except OSError:
                continue
    assert stock is not None, "no spaCy English pipeline installed"
    n = sum(1 for doc in ours.pipe(texts) for _ in doc.sents)
    runs = []
    same = True
    setups = (("mamakg", ours, one_blas_thread), ("mamakg_blas_default", ours, None),
              ("spacy", stock, one_blas_thread))
    for _ in range(args.runs):
        row = {}
        readings = []
        for setup, nlp, threads in setups:
            with threads() if threads else contextlib.nullcontext():
                cpu, wall, docs = timed_components(nlp, texts)
            readings.append(reading(docs))
            row[setup] = {"cpu_per_1k": {k: round(v * 1000 / n, 2) for k, v in cpu.items()},
                          "cpu_total_per_1k": round(sum(cpu.values()) * 1000 / n, 2),
                          "wall_total_per_1k": round(sum(wall.values()) * 1000 / n, 2)}
        same = same and all(r == readings[0] for r in readings)
        runs.append(row)
    print(json.dumps({"documents": len(texts), "sentences": n, "runs": runs,
                      "identical": same}))


if __name__ == "__main__":
    main()
