"""CPU seconds of a build in one process, stage by stage: the figure to compare two
checkouts with on a machine whose speed drifts, by running both at once, one per core.

    python benchmarks/build_cpu.py [--sentences 2000]
    # two checkouts' packages at the same time, each on its own core:
    PYTHONPATH=OLD taskset -c 0 python benchmarks/build_cpu.py &
    PYTHONPATH=NEW taskset -c 1 python benchmarks/build_cpu.py & wait

Builds the sentences of ../shared/data/raw-text (as benchmarks/throughput.py makes its
corpus) with a random-init tiny BERT (the forward pass nearly free) in the build's own
process (no spaCy, Match or grouping workers), torch on one thread, the graph not written.
Prints one JSON line: the sentences, the facts, this process's CPU seconds for the build,
and the seconds of each stage (`Summary.timings`).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from throughput import RAW, corpus_documents, random_model  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sentences", type=int, default=2000)
    args = parser.parse_args()
    if not RAW.exists():
        sys.exit(f"build_cpu: {RAW} not found (the shared data folder)")
    os.environ.setdefault("HF_HUB_OFFLINE", "1")

    import torch
    from transformers import AutoTokenizer

    from mamakg.attention import AttentionModel, resolve_model
    from mamakg.config import Config
    from mamakg.parse import load_nlp
    from mamakg.pipeline import build

    torch.set_num_threads(1)
    config = Config.preset("default", parse_processes=0, match_processes=0)
    nlp = load_nlp(None)
    docs = corpus_documents(args.sentences, nlp)
    source, _, _ = resolve_model(None)
    tokenizer = AutoTokenizer.from_pretrained(source)
    lm = AttentionModel(config, model=random_model("tiny", tokenizer, "sdpa"),
                        tokenizer=tokenizer)
    build(docs[:20], config, nlp=nlp, lm=lm)  # warm-up: models and mappers loaded
    started = time.process_time()
    result = build(docs, config, nlp=nlp, lm=lm)
    cpu = time.process_time() - started
    print(json.dumps({"sentences": result.summary.n_sentences, "facts": len(result.facts),
                      "cpu_s": round(cpu, 2),
                      "stage_s": {k: round(v, 2) for k, v in result.summary.timings.items()}}))


if __name__ == "__main__":
    main()
