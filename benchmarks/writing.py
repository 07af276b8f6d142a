"""How long writing a graph's facts takes, per output format.

    .venv/bin/python benchmarks/writing.py GRAPH [--formats nt,ttl,jsonl] [--repeat 2]

Reads GRAPH (any graph mamakg wrote: .nt, .ttl, .jsonl, .graphml...; `mamakg.rdf.load`) once,
then times `mamakg.rdf.writers.write_graph` (what `Result.write` and ``mamakg build -o`` run)
for each format into a temporary file, `--repeat` times (wall and CPU seconds of this process,
and the CPU seconds of the writer processes it forks for N-Triples and Turtle: on a busy
machine the CPU seconds are the steadier). Each output's SHA-256 is printed too,
so two trees can be checked for the same bytes: run the script with each tree first on
PYTHONPATH and compare. Prints one JSON object.
"""

from __future__ import annotations

import argparse
import dataclasses
import hashlib
import json
import os
import pickle
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from throughput import _children_cpu_seconds  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("graph", help="a graph mamakg wrote")
    parser.add_argument("--formats", default="nt,ttl,jsonl",
                        help="comma-separated output formats [nt,ttl,jsonl]")
    parser.add_argument("--repeat", type=int, default=2, help="timed runs of each format [2]")
    parser.add_argument("--cache", help="keep the loaded facts in this pickle and read them "
                        "from it next time (reading a big graph takes minutes)")
    args = parser.parse_args()

    import mamakg
    from mamakg.config import OutputFormat
    from mamakg.rdf.load import load_graph
    from mamakg.rdf.writers import write_graph

    t0 = time.perf_counter()
    if args.cache and os.path.exists(args.cache):
        with open(args.cache, "rb") as handle:
            graph = pickle.load(handle)
    else:
        # without the rdflib graph it was read from: not needed here, large to pickle
        graph = dataclasses.replace(load_graph(args.graph), rdf=None)
        if args.cache:
            with open(args.cache, "wb") as handle:
                pickle.dump(graph, handle)
    out: dict[str, object] = {
        "mamakg": os.path.dirname(os.path.abspath(mamakg.__file__)),
        "graph": args.graph,
        "facts": len(graph.facts),
        "mentions": sum(len(f.mentions) for f in graph.facts),
        "load_seconds": round(time.perf_counter() - t0, 2),
    }
    run = graph.run_record
    with tempfile.TemporaryDirectory() as tmp:
        for name in args.formats.split(","):
            fmt = OutputFormat(name.strip())
            path = os.path.join(tmp, f"graph.{fmt.value}")
            seconds, cpu, workers = [], [], []
            for _ in range(args.repeat):
                t0, c0, w0 = time.perf_counter(), time.process_time(), _children_cpu_seconds()
                write_graph(graph.facts, run, path, fmt, graph.base, force=True)
                seconds.append(round(time.perf_counter() - t0, 2))
                cpu.append(round(time.process_time() - c0, 2))
                workers.append(round(_children_cpu_seconds() - w0, 2))
            with open(path, "rb") as handle:
                data = handle.read()
            out[fmt.value] = {"seconds": seconds, "cpu_seconds": cpu,
                              "worker_cpu_seconds": workers, "bytes": len(data),
                              "lines": data.count(b"\n"),
                              "sha256": hashlib.sha256(data).hexdigest()}
    print(json.dumps(out, indent=1))


if __name__ == "__main__":
    main()
