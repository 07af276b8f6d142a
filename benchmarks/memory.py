"""Peak memory (max RSS) of `mamakg build` on 1x and 10x copies of corpora/demo.txt.

    .venv/bin/python benchmarks/memory.py [--scales 1 10] [--format nt]

Each build runs as its own `mamakg` process (CPU, bundled models), once without and once
with --workdir; the peak RSS of that process comes from wait4(2). Prints one JSON line per
build. The difference between scales is what the corpus adds on top of the models.
"""

from __future__ import annotations

import argparse
import json
import os
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
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        raise SystemExit(f"failed ({proc.returncode}): {' '.join(command)}")
    return usage.ru_maxrss / 1024, time.perf_counter() - started  # Linux: KiB


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scales", type=int, nargs="+", default=[1, 10])
    parser.add_argument("--format", default="nt")
    args = parser.parse_args()
    tmp = tempfile.mkdtemp(prefix="mamakg-mem-")
    with open(os.path.join(ROOT, "corpora", "demo.txt"), encoding="utf-8") as handle:
        text = handle.read()
    mamakg = [sys.executable, "-m", "mamakg", "-q", "build", "--device", "cpu"]
    for scale in args.scales:
        corpus = os.path.join(tmp, f"demo-x{scale}.txt")
        with open(corpus, "w", encoding="utf-8") as handle:
            handle.write(text * scale)
        for mode in ("plain", "workdir"):
            out = os.path.join(tmp, f"x{scale}-{mode}.{args.format}")
            extra = ["--workdir", os.path.join(tmp, f"work-x{scale}"), "--shard-docs", "25"] \
                if mode == "workdir" else []
            rss, seconds = peak_rss([*mamakg, corpus, "-o", out, *extra])
            print(json.dumps({"scale": scale, "documents": 25 * scale, "mode": mode,
                              "peak_rss_mib": round(rss), "seconds": round(seconds, 1),
                              "output_bytes": os.path.getsize(out)}), flush=True)


if __name__ == "__main__":
    main()
