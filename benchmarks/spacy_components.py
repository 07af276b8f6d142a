"""CPU seconds of each spaCy component, as `mamakg.parse.load_nlp` sets the pipeline up and as
spaCy loads it, on the same abstracts, numpy's BLAS on one thread (one core's work).

    python benchmarks/spacy_components.py [--docs 300] [--runs 2]

Prints one JSON line: for each setup and run, each component's CPU seconds per 1,000
sentences, their sum, and whether every token's tag, part of speech, dependency, head,
morphology, lemma and entity label is the same in both setups. The setups alternate, run
after run, so that a change of the machine's speed falls on both. The abstracts are those of
../shared/data/raw-text (the KnowledgeNet/DBpedia abstracts, CC BY-SA).
"""

from __future__ import annotations

import argparse
import json
import time
import warnings
from pathlib import Path

RAW = (Path(__file__).resolve().parents[2] / "shared" / "data" / "raw-text"
       / "knowledgenet_fold5_dbpedia_abstracts.jsonl")


def timed_components(nlp, texts: list[str]) -> tuple[dict[str, float], list]:
    """Each component's CPU seconds over the texts (batches of 64, as a build's tasks), and
    the documents."""
    docs = [nlp.make_doc(text) for text in texts]
    seconds = {}
    for name, component in nlp.pipeline:
        started = time.process_time()
        docs = list(component.pipe(docs, batch_size=64))
        seconds[name] = time.process_time() - started
    return seconds, docs


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
    with one_blas_thread():
        for _ in range(args.runs):
            row = {}
            readings = []
            for setup, nlp in (("mamakg", ours), ("spacy", stock)):
                seconds, docs = timed_components(nlp, texts)
                readings.append(reading(docs))
                per_k = {k: round(v * 1000 / n, 2) for k, v in seconds.items()}
                row[setup] = {"seconds_per_1k": per_k,
                              "total_per_1k": round(sum(seconds.values()) * 1000 / n, 2)}
            same = same and readings[0] == readings[1]
            runs.append(row)
    print(json.dumps({"documents": len(texts), "sentences": n, "runs": runs,
                      "identical": same}))


if __name__ == "__main__":
    main()
