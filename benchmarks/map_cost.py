"""What the Map stage costs on the CPU, by part: spaCy's pipeline component by component (the
named-entity recognizer is the Map stage's), and embedding a graph's distinct relation phrases
with the bundled sentence-embedding model, in fp32 (what the mapper does) and, for comparison,
with int8 dynamic quantization (how far its vectors move from fp32's).

    python benchmarks/map_cost.py [--sentences 1500] [--graph FACTS.jsonl]

`--graph`: a ``jsonl`` graph mamakg built (e.g. the one ``benchmarks/graph_checks.py --out
DIR`` leaves in DIR); its relations' phrases are embedded as the mapper embeds them (one
each, at most `semantic.MAX_WORDS` words, bare copulas and negated phrases left out).
Prints one JSON object.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))


def spacy_components(n_sentences: int) -> dict[str, object]:
    from throughput import corpus_documents

    from mamakg.parse import load_nlp

    nlp = load_nlp(None)
    texts = [d.text for d in corpus_documents(n_sentences, nlp)]
    docs = [nlp.make_doc(t) for t in texts]
    seconds = {}
    for name, component in nlp.pipeline:
        started = time.perf_counter()
        docs = list(component.pipe(docs, batch_size=64))
        seconds[name] = round(time.perf_counter() - started, 2)
    n = sum(1 for d in docs for _ in d.sents)
    return {"sentences": n, "component_seconds": seconds,
            "ner_share": round(seconds.get("ner", 0.0) / sum(seconds.values()), 3)}


def phrase_embedding(graph: str) -> dict[str, object]:
    import numpy as np
    import torch

    from mamakg.attention import Embedder
    from mamakg.mapping.semantic import MAX_WORDS, is_unreadable, query_phrase

    with open(graph, encoding="utf-8") as handle:
        relations = {(r["label"], r["key"]) for r in
                     (json.loads(line)["relation"] for line in handle if line.strip())}
    phrases = sorted({p for p in (query_phrase(label, key) for label, key in relations)
                      if len(p.split()) <= MAX_WORDS and not is_unreadable(p)})
    embedder = Embedder()
    started = time.perf_counter()
    fp32 = embedder.embed(phrases)
    fp32_s = time.perf_counter() - started
    quantized = torch.ao.quantization.quantize_dynamic(embedder.model, {torch.nn.Linear},
                                                       dtype=torch.qint8)
    started = time.perf_counter()
    int8 = Embedder(model=quantized, tokenizer=embedder.tokenizer).embed(phrases)
    int8_s = time.perf_counter() - started
    cosines = (fp32 * int8).sum(axis=1)
    return {"phrases": len(phrases), "fp32_seconds": round(fp32_s, 2),
            "fp32_ms_per_phrase": round(1000 * fp32_s / max(len(phrases), 1), 2),
            "int8_seconds": round(int8_s, 2),
            "int8_cosine_to_fp32": {"mean": round(float(np.mean(cosines)), 3),
                                    "min": round(float(np.min(cosines)), 3)}}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sentences", type=int, default=1500)
    parser.add_argument("--graph", default=None, help="a jsonl graph whose phrases to embed")
    args = parser.parse_args()
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    report: dict[str, object] = {"spacy": spacy_components(args.sentences)}
    if args.graph:
        report["embedding"] = phrase_embedding(args.graph)
    print(json.dumps(report))


if __name__ == "__main__":
    main()
