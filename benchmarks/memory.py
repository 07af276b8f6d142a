"""Peak memory (max RSS) of `mamakg build` on 1x and 10x copies of corpora/demo.txt, and on
one long single-line document against the same text split into lines.

    .venv/bin/python benchmarks/memory.py [--scales 1 10] [--format nt] [--modes plain workdir]
        [--build-args="--match-processes 0"]
    .venv/bin/python benchmarks/memory.py --scales --long-mb 5

Each build runs as its own `mamakg` process (CPU, bundled models), once without and once
with --workdir; the peak RSS of that process (the largest of it and its worker processes:
wait4(2) of the process, RUSAGE_CHILDREN of the workers it waited for) and its seconds.
Prints one JSON line per build. The difference between scales is what the corpus adds on top
of the models. `--long-mb N` builds one document of about N MB on one line, made of the
raw-text abstracts (../shared/data/raw-text, CC BY-SA) joined by spaces, and the same
abstracts one per line: a long document should cost about what its lines cost.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shlex
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def peak_rss(command: list[str]) -> tuple[float, float]:
    """(peak RSS in MiB, seconds) of one child process."""
    env = dict(os.environ, HF_HUB_OFFLINE="1", TRANSFORMERS_OFFLINE="1")
    started = time.perf_counter()
    proc = subprocess.Popen(command, cwd=ROOT, env=env)
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        raise SystemExit(f"failed ({proc.returncode}): {' '.join(command)}")
    # the build's own peak; its workers' show in RUSAGE_CHILDREN (grandchildren waited for by
    # the build count there too), which holds the largest of all children so far
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    peak = max(usage.ru_maxrss, children if children > before else 0)
    return peak / 1024, time.perf_counter() - started  # Linux: KiB


RAW = os.path.join(os.path.dirname(ROOT), "shared", "data", "raw-text",
                   "knowledgenet_fold5_dbpedia_abstracts.jsonl")


def long_document(tmp: str, megabytes: float, fmt: str) -> None:
    """One N MB line against the same abstracts one per line."""
    with open(RAW, encoding="utf-8") as handle:
        texts = [json.loads(line)["text"] for line in handle]
    chosen, size = [], 0
    while size < megabytes * 1_000_000:
        text = texts[len(chosen) % len(texts)]
        chosen.append(text)
        size += len(text.encode("utf-8")) + 1
    mamakg = [sys.executable, "-m", "mamakg", "-q", "build", "--device", "cpu"]
    for mode, joiner in (("one line", " "), ("lines", "\n")):
        corpus = os.path.join(tmp, f"long-{mode.replace(' ', '-')}.txt")
        with open(corpus, "w", encoding="utf-8") as handle:
            handle.write(joiner.join(chosen) + "\n")
        out = os.path.join(tmp, f"long-{mode.replace(' ', '-')}.{fmt}")
        rss, seconds = peak_rss([*mamakg, corpus, "-o", out])
        print(json.dumps({"long_document_mb": megabytes, "abstracts": len(chosen),
                          "mode": mode, "peak_rss_mib": round(rss), "seconds": round(seconds, 1),
                          "output_bytes": os.path.getsize(out)}), flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scales", type=int, nargs="*", default=[1, 10])
    parser.add_argument("--format", default="nt")
    parser.add_argument("--modes", nargs="+", choices=["plain", "workdir"],
                        default=["plain", "workdir"])
    parser.add_argument("--build-args", default="",
                        help="more options for each `mamakg build`, as one string")
    parser.add_argument("--long-mb", type=float, default=None,
                        help="also build one document of this many MB on one line, and the "
                             "same text split into lines")
    args = parser.parse_args()
    tmp = tempfile.mkdtemp(prefix="mamakg-mem-")
    if args.long_mb:
        long_document(tmp, args.long_mb, args.format)
    with open(os.path.join(ROOT, "corpora", "demo.txt"), encoding="utf-8") as handle:
        text = handle.read()
    mamakg = [sys.executable, "-m", "mamakg", "-q", "build", "--device", "cpu",
              *shlex.split(args.build_args)]
    for scale in args.scales:
        corpus = os.path.join(tmp, f"demo-x{scale}.txt")
        with open(corpus, "w", encoding="utf-8") as handle:
            handle.write(text * scale)
        for mode in args.modes:
            out = os.path.join(tmp, f"x{scale}-{mode}.{args.format}")
            extra = ["--workdir", os.path.join(tmp, f"work-x{scale}"), "--shard-docs", "25"] \
                if mode == "workdir" else []
            rss, seconds = peak_rss([*mamakg, corpus, "-o", out, *extra])
            print(json.dumps({"scale": scale, "documents": 25 * scale, "mode": mode,
                              "peak_rss_mib": round(rss), "seconds": round(seconds, 1),
                              "output_bytes": os.path.getsize(out)}), flush=True)


if __name__ == "__main__":
    main()
