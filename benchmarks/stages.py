"""Throughput of each stage of a sharded build on this machine (figures for docs/scaling.md).

    .venv/bin/python benchmarks/stages.py [--repeat 4] [--device cpu]

Runs corpora/demo.txt (repeated --repeat times) through: read, parse (spaCy, one process),
attend + match + filter (the language model), shard write, and the corpus-level aggregate
(loading every shard into the mention store + collect_facts). Prints one JSON object.
Speed figures depend on the machine and its load: report them with the machine.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import tempfile
import time

from mamakg.config import Config
from mamakg.filters import check_candidate, to_mention
from mamakg.mapping.annotate import annotate
from mamakg.match import match_sentence
from mamakg.parse import parse_documents
from mamakg.pipeline import StageClock, attend_windows, load_models, match_windows
from mamakg.reader import read_documents
from mamakg.result import Summary
from mamakg.scale.workdir import WorkOptions, build_workdir

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=4, help="copies of the demo corpus")
    parser.add_argument("--device", default="cpu")
    args = parser.parse_args()
    config = Config(device=args.device)
    out: dict[str, object] = {"machine": f"{platform.machine()}, {os.cpu_count()} CPUs",
                              "load_average": os.getloadavg()[0], "device": args.device}
    tmp = tempfile.mkdtemp(prefix="mamakg-bench-")
    corpus = os.path.join(tmp, "corpus.txt")
    with open(os.path.join(ROOT, "corpora", "demo.txt"), encoding="utf-8") as handle:
        text = handle.read()
    with open(corpus, "w", encoding="utf-8") as handle:
        handle.write(text * args.repeat)

    nlp, lm = load_models(config)
    started = time.perf_counter()
    docs = list(read_documents([corpus]))
    out["read_docs_per_s"] = round(len(docs) / (time.perf_counter() - started))

    started = time.perf_counter()
    sentences = list(parse_documents(docs, nlp, max_tokens=config.max_tokens))
    parse_s = time.perf_counter() - started
    out["sentences"] = len(sentences)
    out["parse_sentences_per_s_1_process"] = round(len(sentences) / parse_s, 1)

    started = time.perf_counter()
    attention = list(lm.attend(sentences))
    out["attend_sentences_per_s"] = round(len(sentences) / (time.perf_counter() - started), 1)

    started = time.perf_counter()
    n_candidates = n_mentions = 0
    for sentence, matrix in zip(sentences, attention, strict=True):
        for candidate in match_sentence(sentence, matrix, config):
            n_candidates += 1
            if check_candidate(candidate, config) is None:
                annotate(to_mention(candidate, config.store_path), candidate)
                n_mentions += 1
    elapsed = time.perf_counter() - started
    out["match_filter_sentences_per_s_1_core"] = round(len(sentences) / elapsed, 1)
    out["candidates_per_sentence"] = round(n_candidates / len(sentences), 2)
    out["mentions_per_sentence"] = round(n_mentions / len(sentences), 2)

    summary = Summary()
    started = time.perf_counter()
    windows = attend_windows(sentences, lm, config)
    sum(len(rows) for rows, _ in match_windows(windows, config, StageClock(summary.timings)))
    elapsed = time.perf_counter() - started
    out["attend_match_filter_sentences_per_s"] = round(len(sentences) / elapsed, 1)

    work = os.path.join(tmp, "work")
    started = time.perf_counter()
    build_workdir([corpus], config, work, models=lambda: (nlp, lm),
                  options=WorkOptions(shard_docs=25))
    elapsed = time.perf_counter() - started
    out["workdir_build_sentences_per_s"] = round(len(sentences) / elapsed, 1)
    shard_dir = os.path.join(work, "shards")
    n_bytes = sum(os.path.getsize(os.path.join(shard_dir, f)) for f in os.listdir(shard_dir))
    out["shard_bytes_per_sentence"] = round(n_bytes / len(sentences))

    started = time.perf_counter()
    again = build_workdir([corpus], config, work, models=lambda: (nlp, lm))
    agg_s = time.perf_counter() - started
    out["aggregate_mentions_per_s"] = round(again.summary.n_mentions / agg_s)
    out["aggregate_note"] = "reload all shards + corpus filter + map (no shard rebuilt)"

    json.dump(out, sys.stdout, indent=1)
    print()


if __name__ == "__main__":
    main()
