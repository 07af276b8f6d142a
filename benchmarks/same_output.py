"""Behaviour checks for changes that must not change what a build gives: builds the three
reference outputs of a checkout into a folder, and compares two such folders.

- CaRB dev (641 sentences), ``--preset default --format carb``: compared byte for byte;
- KnowledgeNet folds 1-3, one document per KnowledgeNet document (as benchmarks/quality.py
  builds them), ``--format jsonl``, handed back by passage and scored in label mode: TP / FP;
- the 575 KnowledgeNet/DBpedia abstracts of shared/data/raw-text, ``--format nt``: compared
  as sorted N-Triples lines.

    python benchmarks/same_output.py build OUT_DIR [--only carb,kn,abstracts] [build options...]
    python benchmarks/same_output.py compare OLD_DIR NEW_DIR

``build`` runs the package found first on ``sys.path`` (set ``PYTHONPATH`` to a checkout to
build an older commit's outputs): the working directory is left off it (``PYTHONSAFEPATH``),
or ``python -m mamakg`` run from this checkout would import this checkout whatever
``PYTHONPATH`` says. ``compare`` prints one line per output and exits 1 when any
differs.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "data"
ABSTRACTS = DATA / "raw-text" / "knowledgenet_fold5_dbpedia_abstracts.jsonl"
OUTPUTS = ("carb", "kn", "abstracts")


def _mamakg(args: list[str]) -> float:
    env = dict(os.environ, HF_HUB_OFFLINE="1", TRANSFORMERS_OFFLINE="1", PYTHONSAFEPATH="1")
    started = time.perf_counter()
    cmd = [sys.executable, "-m", "mamakg", "-q", *args]
    print("$ mamakg " + " ".join(args), file=sys.stderr, flush=True)
    done = subprocess.run(cmd, env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        sys.exit(f"same_output: failed ({done.returncode}): {' '.join(args)}\n{done.stderr}")
    return time.perf_counter() - started


def build(out: Path, only: list[str], options: list[str]) -> None:
    sys.path.insert(0, str(ROOT / "benchmarks"))
    out.mkdir(parents=True, exist_ok=True)
    seconds: dict[str, float] = {}
    if "carb" in only:
        seconds["carb"] = _mamakg(["build", str(DATA / "carb-dev" / "dev_sentences.txt"),
                                   "--format", "carb", "-o", str(out / "carb.tsv"), "--force",
                                   "--preset", "default", *options])
    if "kn" in only:
        from knowledgenet_documents import documents, to_passages

        gold = DATA / "knowledgenet-dev" / "knowledgenet_folds123.jsonl"
        rows = [json.loads(x) for x in gold.read_text(encoding="utf-8").splitlines() if x.strip()]
        docs = out / "kn_documents.jsonl"
        docs.write_text("".join(json.dumps(d, ensure_ascii=False) + "\n"
                                for d in documents(rows)), encoding="utf-8")
        pred = out / "kn.jsonl"
        seconds["kn"] = _mamakg(["build", str(docs), "--format", "jsonl", "-o", str(pred),
                                 "--force", "--preset", "default", *options])
        scored = out / "kn_by_passage.jsonl"
        scored.write_text("".join(to_passages(pred.read_text(encoding="utf-8").splitlines(),
                                              rows)), encoding="utf-8")
        env = dict(os.environ, HF_HUB_OFFLINE="1", PYTHONSAFEPATH="1")
        done = subprocess.run([sys.executable, "-m", "mamakg", "eval", "knowledgenet", "--gold",
                               str(gold), str(scored), "--mode", "label", "--json"],
                              env=env, capture_output=True, text=True, check=True)
        (out / "kn_score.json").write_text(done.stdout, encoding="utf-8")
    if "abstracts" in only:
        seconds["abstracts"] = _mamakg(["build", str(ABSTRACTS), "--format", "nt", "-o",
                                        str(out / "abstracts.nt"), "--force",
                                        "--preset", "default", *options])
    (out / "seconds.json").write_text(json.dumps(seconds, indent=1), encoding="utf-8")
    print(json.dumps(seconds))


def _kn(folder: Path) -> tuple[int, int] | None:
    path = folder / "kn_score.json"
    if not path.exists():
        return None
    score = json.loads(path.read_text(encoding="utf-8"))
    label = score.get("label", score)
    return label.get("tp"), label.get("fp")


def _nt_lines(path: Path) -> list[str]:
    """N-Triples lines without the run record's timing and version triples."""
    return sorted(line for line in path.read_text(encoding="utf-8").splitlines()
                  if "seconds" not in line and "mamakgVersion" not in line)


def compare(old: Path, new: Path) -> int:
    failed = 0
    if (old / "carb.tsv").exists() and (new / "carb.tsv").exists():
        same = (old / "carb.tsv").read_bytes() == (new / "carb.tsv").read_bytes()
        print(f"carb: {'byte-identical' if same else 'DIFFERS'}")
        failed += not same
    a, b = _kn(old), _kn(new)
    if a is not None and b is not None:
        print(f"knowledgenet label TP/FP: {a[0]}/{a[1]} -> {b[0]}/{b[1]}"
              f"{'' if a == b else '  DIFFERS'}")
        failed += a != b
    if (old / "abstracts.nt").exists() and (new / "abstracts.nt").exists():
        x, y = _nt_lines(old / "abstracts.nt"), _nt_lines(new / "abstracts.nt")
        same = x == y
        print(f"575 abstracts: {len(x)} -> {len(y)} N-Triples lines, "
              f"{'identical' if same else 'DIFFER (' + str(len(set(x) ^ set(y))) + ' lines)'}")
        failed += not same
    return 1 if failed else 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    b = sub.add_parser("build")
    b.add_argument("out")
    b.add_argument("--only", default=",".join(OUTPUTS))
    c = sub.add_parser("compare")
    c.add_argument("old")
    c.add_argument("new")
    args, rest = parser.parse_known_args()
    if args.command == "build":
        build(Path(args.out), args.only.split(","), rest)
    else:
        sys.exit(compare(Path(args.old), Path(args.new)))


if __name__ == "__main__":
    main()
