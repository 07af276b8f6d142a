"""A benchmark run alternately on this checkout and on an earlier commit, loaded the same way.

    python benchmarks/ab.py OLD_COMMIT [--pairs 2] [--out FILE.jsonl] -- SCRIPT [ARGS...]

    python benchmarks/ab.py b947e96 --pairs 2 -- benchmarks/throughput.py --random-init tiny \\
        --sentences 5000 --check-graph

This machine's speed drifts by tens of percent over minutes (another job, the host), so two
trees are compared in pairs, one right after the other, the first of each pair alternating
(this checkout first in odd pairs). OLD_COMMIT is checked out into a temporary git worktree
(removed at the end); both trees run SCRIPT from this checkout (its `benchmarks/` helpers
included) with the `mamakg` package of their own tree first on `sys.path` and the editable
install's import hook taken out, so neither loads differently from the other. SCRIPT must
print one JSON object as its last line of standard output (`throughput.py`,
`stage_cpu.py`...). Prints a line per run with the figures that say most (end to end, the
ratios, all processes' CPU per 1,000 sentences, the phrase-embedding model's seconds, whether
the graph was the one-process build's, where SCRIPT reports them); `--out` keeps every run's
whole JSON object, one per line, with its tree and pair. The old tree runs its rule modules as
their sources unless `--native` compiles them there first (its `scripts/build_native.py`,
where it has one: a few minutes), so that compiled code is compared with compiled code.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

LOADER = """
import runpy, sys
tree, script, *args = sys.argv[1:]
sys.meta_path[:] = [f for f in sys.meta_path if "editable" not in repr(f).lower()]
sys.path.insert(0, tree)
import mamakg
assert mamakg.__file__.startswith(tree), (mamakg.__file__, tree)
sys.argv = [script, *args]
runpy.run_path(script, run_name="__main__")
"""
"""Runs SCRIPT with the package of one tree (argv: tree, script, its arguments)."""

SHOWN = (("sent_per_s_e2e", "end to end"), ("ratio_e2e_to_forward", "/ forward"),
         ("ratio_e2e_to_spacy", "/ spaCy"), ("cpu_rusage_per_1k", "CPU s / 1k"),
         ("embed", "embed s"), ("graph_identical_to_one_process_build", "graph same"),
         ("rule_modules", "rules"))


def figures(report: dict) -> dict[str, object]:
    """The figures of `SHOWN` that a report has (some are nested in throughput.py's), or,
    where it has none, its own top-level numbers and strings."""
    flat = dict(report)
    flat.update({k: v for k, v in report.get("budget", {}).items() if k not in flat})
    flat.setdefault("embed", report.get("main_process_seconds", {}).get("embed"))
    shown = {label: flat[key] for key, label in SHOWN if flat.get(key) is not None}
    return shown or {k: v for k, v in report.items()
                     if isinstance(v, int | float | str | bool | list)}


def run(tree: Path, script: str, args: list[str]) -> dict:
    done = subprocess.run([sys.executable, "-c", LOADER, str(tree), script, *args],
                          capture_output=True, text=True, check=False)
    lines = done.stdout.strip().splitlines()
    if done.returncode != 0 or not lines:
        sys.exit(f"ab: {script} failed on {tree} ({done.returncode}):\n{done.stderr[-2000:]}")
    return json.loads(lines[-1])


def compile_rules(tree: Path) -> None:
    """Compile a tree's rule modules where it can (`mamakg.native`); a tree from before
    them has nothing to compile."""
    script = tree / "scripts" / "build_native.py"
    if not script.exists():
        print(f"ab: {tree.name} has no compiled rule modules; it runs its sources",
              file=sys.stderr)
        return
    done = subprocess.run([sys.executable, str(script)], cwd=tree, capture_output=True,
                          text=True, check=False)
    if done.returncode != 0:
        sys.exit(f"ab: compiling the rule modules of {tree.name} failed:\n"
                 f"{done.stderr[-2000:]}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("old", help="the commit to compare with (any git revision)")
    parser.add_argument("--pairs", type=int, default=2)
    parser.add_argument("--out", help="a JSONL file for every run's whole report")
    parser.add_argument("--native", action="store_true",
                        help="compile the old tree's rule modules first (mamakg.native)")
    argv = sys.argv[1:]
    if "--" not in argv or argv.index("--") == len(argv) - 1:
        parser.error("give the benchmark after --, e.g. -- benchmarks/throughput.py")
    cut = argv.index("--")
    args, command = parser.parse_args(argv[:cut]), argv[cut + 1:]
    script = str((Path.cwd() / command[0]).resolve())
    with tempfile.TemporaryDirectory(prefix="mamakg-ab-") as tmp:
        old = Path(tmp) / "old"
        subprocess.run(["git", "-C", str(ROOT), "worktree", "add", "--detach", "--quiet",
                        str(old), args.old], check=True)
        try:
            if args.native:
                compile_rules(old)
            trees = {"this checkout": ROOT, args.old: old}
            reports = []
            for pair in range(1, args.pairs + 1):
                order = list(trees) if pair % 2 else list(trees)[::-1]
                for name in order:
                    report = run(trees[name], script, command[1:])
                    reports.append({"pair": pair, "tree": name, "report": report})
                    shown = ", ".join(f"{k} {v}" for k, v in figures(report).items())
                    print(f"pair {pair} {name}: {shown}", flush=True)
            if args.out:
                Path(args.out).write_text("".join(json.dumps(r) + "\n" for r in reports),
                                          encoding="utf-8")
        finally:
            subprocess.run(["git", "-C", str(ROOT), "worktree", "remove", "--force",
                            str(old)], check=False)


if __name__ == "__main__":
    main()
