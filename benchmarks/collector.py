"""What Python's cyclic garbage collector costs a build's own process, with the setting a
build uses (`mamakg.scale.processes.long_lived_heap`: the heap alive at the start frozen out
of the collector's passes, its youngest pass after 1,000,000 new objects) and without it (the
interpreter's defaults), each in a fresh process, one after the other.

    python benchmarks/collector.py [--sentences 5000] [--runs 1]

The build is that of `benchmarks/throughput.py --random-init tiny` (the 575 abstracts of
../shared/data/raw-text repeated, a 1-layer random BERT, so the figures are the rest of the
pipeline), then its N-Triples written. Prints one JSON line per run: the collector's seconds
and passes in the build's process by generation (timed with `gc.callbacks`, the process's
threads together), the build's and the writing's wall seconds, and the CPU seconds of the
build's process and of its worker processes.
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def one_run(setting: str, sentences: int) -> dict[str, object]:
    """Build and write in this process, the collector timed; `setting`: "build" (as mamakg
    sets it) or "defaults" (`long_lived_heap` made a no-op)."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    sys.path.insert(0, str(ROOT / "benchmarks"))
    import throughput
    from transformers import AutoTokenizer

    import mamakg.pipeline
    import mamakg.rdf.writers
    from mamakg.attention import AttentionModel, resolve_model
    from mamakg.config import Config, OutputFormat
    from mamakg.parse import load_nlp

    if setting == "defaults":
        for module in (mamakg.pipeline, mamakg.rdf.writers):
            module.long_lived_heap = contextlib.nullcontext  # type: ignore[attr-defined]
    config = Config.preset("default", batch_size=32)
    nlp = load_nlp(None)
    docs = throughput.corpus_documents(sentences, nlp)
    source, _, _ = resolve_model(None)
    tokenizer = AutoTokenizer.from_pretrained(source)
    lm = AttentionModel(config, model=throughput.random_model("tiny", tokenizer, "sdpa"),
                        tokenizer=tokenizer)

    seconds = [0.0, 0.0, 0.0]
    passes = [0, 0, 0]
    begun: list[float] = []
    pid = os.getpid()

    def timed(phase: str, info: dict[str, int]) -> None:
        if os.getpid() != pid:  # a forked worker inherits the callback
            return
        if phase == "start":
            begun.append(time.perf_counter())
        elif begun:
            seconds[info["generation"]] += time.perf_counter() - begun.pop()
            passes[info["generation"]] += 1

    own0, workers0 = time.process_time(), throughput._children_cpu_seconds()
    gc.callbacks.append(timed)
    try:
        started = time.perf_counter()
        result = mamakg.pipeline.build(docs, config, nlp=nlp, lm=lm)
        built = time.perf_counter()
        with tempfile.TemporaryDirectory() as tmp:
            result.write(os.path.join(tmp, "g.nt"), OutputFormat.NT)
        written = time.perf_counter()
    finally:
        gc.callbacks.remove(timed)
    return {
        "setting": setting,
        "sentences": result.summary.n_sentences,
        "facts": result.summary.n_facts,
        "collector_seconds_by_generation": [round(s, 2) for s in seconds],
        "collector_passes_by_generation": passes,
        "collector_seconds": round(sum(seconds), 2),
        "build_seconds": round(built - started, 2),
        "write_seconds": round(written - built, 2),
        "cpu_seconds_build_process": round(time.process_time() - own0, 2),
        "cpu_seconds_workers": round(throughput._children_cpu_seconds() - workers0, 2),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sentences", type=int, default=5000)
    parser.add_argument("--runs", type=int, default=1, help="pairs of runs, alternating")
    parser.add_argument("--one", choices=["build", "defaults"], help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        print(json.dumps(one_run(args.one, args.sentences)))
        return
    for _ in range(args.runs):
        for setting in ("defaults", "build"):
            done = subprocess.run([sys.executable, __file__, "--one", setting, "--sentences",
                                   str(args.sentences)], capture_output=True, text=True,
                                  check=False)
            if done.returncode != 0:
                sys.exit(f"the {setting} run failed:\n{done.stderr[-2000:]}")
            print(done.stdout.strip().splitlines()[-1], flush=True)


if __name__ == "__main__":
    main()
