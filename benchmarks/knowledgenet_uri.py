"""Mapped-fact precision/recall on KnowledgeNet in ``uri`` mode (the official "Link F1" rule):
a predicted fact counts only when its relation maps to the gold property and both ends link to
the gold Wikidata items.

The knowledge base is an alias table learned from the gold links of the training folds (no
Wikidata dump is available offline here), so it has no statements: entities are ranked by prior
only and relations map by the property table (no distant supervision).

    python benchmarks/knowledgenet_uri.py                               # aliases 1,2; test 3
    python benchmarks/knowledgenet_uri.py --train-folds 1,2,3           # optimistic: gold fed it

Prints a markdown table; the commands it ran go to stderr.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from knowledgenet_links import DEFAULT_DATA, _folds, alias_table  # noqa: E402

from mamakg.mapping.kb import import_aliases  # noqa: E402


def mamakg(args: list[str]) -> str:
    command = [sys.executable, "-m", "mamakg", *args]
    print("$ mamakg " + " ".join(args), file=sys.stderr)
    return subprocess.run(command, check=True, capture_output=True, text=True).stdout


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--train-folds", default="1,2")
    parser.add_argument("--test-folds", default="3")
    args = parser.parse_args(argv)
    train, test = _folds(args.train_folds), _folds(args.test_folds)
    lines = [x for x in args.data.read_text(encoding="utf-8").splitlines() if x.strip()]
    rows = [json.loads(x) for x in lines]
    with tempfile.TemporaryDirectory(prefix="mamakg-kn-uri-") as tmp:
        out = Path(tmp)
        table = out / "aliases.tsv"
        aliases = alias_table([r for r in rows if r["fold"] in train])
        table.write_text("".join(f"{m}\t{q}\t{n}\n" for m, q, n in aliases), encoding="utf-8")
        kb = out / "aliases.kb"
        import_aliases(str(table), str(kb))
        gold = out / "gold.jsonl"
        gold.write_text("".join(x + "\n" for x, r in zip(lines, rows) if r["fold"] in test),
                        encoding="utf-8")
        passages = out / "passages.jsonl"
        passages.write_text("".join(
            json.dumps({"id": r["passageId"], "text": r["passageText"]}) + "\n"
            for r in rows if r["fold"] in test), encoding="utf-8")
        pred = out / "pred.jsonl"
        mamakg(["-q", "build", str(passages), "--kb", str(kb), "-o", str(pred)])
        print(f"KnowledgeNet folds {args.test_folds}, alias table from folds {args.train_folds}\n")
        print("| mode | P | R | F1 | TP / FP / FN |\n|---|---|---|---|---|")
        for mode in ("uri", "label"):
            result = json.loads(mamakg(["eval", "knowledgenet", "--gold", str(gold), str(pred),
                                        "--mode", mode, "--json"]))
            r = result[mode]
            print(f"| {mode} | {100 * r['precision']:.1f} | {100 * r['recall']:.1f} "
                  f"| {100 * r['f1']:.1f} | {r['tp']} / {r['fp']} / "
                  f"{r['fn']} |")


if __name__ == "__main__":
    main()
