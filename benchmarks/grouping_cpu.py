"""What the corpus-level step of the Map stage (grouping resolved mentions into facts, with the
comparison of relation phrases it starts with) costs in worker processes, as a build on this
machine runs it, against the same step in the build's own process.

    python benchmarks/grouping_cpu.py [--sentences 5000] [--pairs 2]

The build is that of `benchmarks/throughput.py --random-init tiny` (the 575 abstracts of
../shared/data/raw-text repeated, a 1-layer random BERT), with the bundled sentence-embedding
model mapping relations. Each pair builds the corpus twice, each time in a fresh process,
one after the other: with worker processes as a build on this machine starts them
(``--match-processes`` unset), then with none (``match_processes=0``: grouping, and Match,
in the build's own process). Prints one JSON line per build: the step's seconds (the
build's own ``collect`` less its idle wait for the workers, plus the workers' busy seconds
``collect_workers``), the workers' apart, the embedding model's forward passes (``embed``,
timed apart, not counted), the facts and a digest of them (their ``jsonl`` records: the
same digest, the same facts). The difference between the two is what moving the step to
processes costs: forking them, each reading the mention store and packing its facts
(`mamakg.packed.FactPart`), and the build's process joining them.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

WHERE = {"workers": None, "build process": 0}
"""Where the step runs -> the build's ``match_processes``."""


def one_build(where: str, sentences: int) -> dict[str, object]:
    """Build the corpus in this process with the step `where` (`WHERE`)."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    from throughput import RAW, corpus_documents, random_model
    from transformers import AutoTokenizer

    from mamakg.attention import AttentionModel, resolve_model
    from mamakg.config import Config, OutputFormat
    from mamakg.mapping.facts import load_embedder, make_mappers
    from mamakg.parse import load_nlp
    from mamakg.pipeline import build
    from mamakg.rdf.writers import render

    if not RAW.exists():
        sys.exit(f"grouping_cpu: {RAW} not found (the shared data folder)")
    config = Config.preset("default", batch_size=32, match_processes=WHERE[where])
    nlp = load_nlp(None)
    docs = corpus_documents(sentences, nlp)
    source, _, _ = resolve_model(None)
    tokenizer = AutoTokenizer.from_pretrained(source)
    lm = AttentionModel(config, model=random_model("tiny", tokenizer, "sdpa"),
                        tokenizer=tokenizer)
    mappers = make_mappers(config, load_embedder(config))
    started = time.perf_counter()
    result = build(docs, config, nlp=nlp, lm=lm, mappers=mappers)
    wall = time.perf_counter() - started
    t = result.summary.timings
    own = t.get("collect", 0.0) - t.get("collect_waiting", 0.0)
    workers = t.get("collect_workers", 0.0)
    records = render(result.facts, result.run, OutputFormat.JSONL, config.base_iri)
    return {"grouped_in": where, "sentences": result.summary.n_sentences,
            "collect_seconds": round(own + workers, 2), "of_which_workers": round(workers, 2),
            "embed_seconds": round(t.get("embed", 0.0), 2), "build_seconds": round(wall, 2),
            "facts": len(result.facts),
            "facts_digest": hashlib.sha256(records).hexdigest()[:16]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sentences", type=int, default=5000)
    parser.add_argument("--pairs", type=int, default=2)
    parser.add_argument("--one", choices=sorted(WHERE), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        print(json.dumps(one_build(args.one, args.sentences)))
        return
    for pair in range(1, args.pairs + 1):
        for where in WHERE:
            done = subprocess.run([sys.executable, __file__, "--one", where, "--sentences",
                                   str(args.sentences)], capture_output=True, text=True,
                                  check=False)
            if done.returncode != 0:
                sys.exit(f"the build with grouping in the {where} failed:\n"
                         f"{done.stderr[-2000:]}")
            line = json.loads(done.stdout.strip().splitlines()[-1])
            print(json.dumps({"pair": pair, **line}), flush=True)


if __name__ == "__main__":
    main()
