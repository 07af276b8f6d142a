"""Our N-Triples and Turtle writers against rdflib's own serializers, on the same graph.

    .venv/bin/python benchmarks/writers.py [--sentences 2000]

Builds the throughput corpus (the raw-text abstracts, ../shared/data/raw-text, CC BY-SA,
repeated) with a random-init tiny model (the graph's shape is what matters, not its facts),
then times, for each format: ours (`Result.write`: sorted triples streamed from the facts)
and rdflib's (`Result.to_rdflib` + `Graph.serialize`, which is what writing through rdflib
costs: the graph must be built first). Both outputs are parsed back and compared as sets of
triples (the graph has no blank nodes, so equal sets are isomorphic graphs); rdflib's are not
the same bytes (its serializers do not sort). Prints one JSON object.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from throughput import corpus_documents, random_model  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sentences", type=int, default=2000)
    parser.add_argument("--repeat", type=int, default=2, help="timed runs of each writer")
    args = parser.parse_args()
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    from rdflib import Graph
    from transformers import AutoTokenizer

    from mamakg.attention import AttentionModel, resolve_model
    from mamakg.config import Config, OutputFormat
    from mamakg.parse import load_nlp
    from mamakg.pipeline import build

    nlp = load_nlp(None)
    docs = corpus_documents(args.sentences, nlp)
    tokenizer = AutoTokenizer.from_pretrained(resolve_model(None)[0])
    config = Config.preset("default", device="cpu")
    lm = AttentionModel(config, model=random_model("tiny", tokenizer, "sdpa"),
                        tokenizer=tokenizer)
    result = build(docs, config, nlp=nlp, lm=lm)
    out: dict[str, object] = {"facts": len(result.facts),
                              "mentions": result.summary.n_mentions}
    with tempfile.TemporaryDirectory() as tmp:
        for fmt, rdflib_format in ((OutputFormat.NT, "nt"), (OutputFormat.TTL, "turtle")):
            ours_path = os.path.join(tmp, f"ours.{fmt.value}")
            theirs_path = os.path.join(tmp, f"rdflib.{fmt.value}")
            ours, theirs = [], []
            for _ in range(args.repeat):
                t0 = time.perf_counter()
                result.write(ours_path, fmt, force=True)
                ours.append(time.perf_counter() - t0)
                t0 = time.perf_counter()
                graph = result.to_rdflib()
                built = time.perf_counter() - t0
                graph.serialize(theirs_path, format=rdflib_format, encoding="utf-8")
                theirs.append((time.perf_counter() - t0, built))
                del graph
            a = Graph().parse(ours_path, format=rdflib_format)
            b = Graph().parse(theirs_path, format=rdflib_format)
            out[fmt.value] = {
                "ours_seconds": [round(s, 2) for s in ours],
                "rdflib_seconds": [round(s, 2) for s, _ in theirs],
                "rdflib_graph_building_seconds": [round(b_, 2) for _, b_ in theirs],
                "ours_bytes": os.path.getsize(ours_path),
                "rdflib_bytes": os.path.getsize(theirs_path),
                "triples": len(a),
                "same_graph": set(a) == set(b),
            }
    print(json.dumps(out, indent=1))


if __name__ == "__main__":
    main()
