"""Distant supervision (``mamakg build --kb``) measured on KnowledgeNet folds 1-3, each fold
with a knowledge base built only from other data than its own gold.

For the scored fold F, the base holds (as a small Wikidata-style dump, indexed by
``mamakg kb build``):

- from the KnowledgeNet folds other than F: every linked subject and object (label: the
  canonical text; aliases: the mention texts that are not pronouns) and the statement
  (subject, property, object) of each fact with both ends linked and an entity-valued property;
- from FewRel val, the T-REx sample and the REBEL sample (``--other`` off to leave them out):
  every linked head and tail (names and surface forms) and its (head, P-id, tail) statement.

The T-REx and REBEL samples are non-commercial: they only feed this measurement, in a
temporary folder; nothing of them is written anywhere else. Each fold's passages are then
built as documents (benchmarks/knowledgenet_documents.py) with ``--kb`` and without, and
scored by ``mamakg eval knowledgenet`` (label and uri modes).

    python benchmarks/knowledgenet_distant.py [--folds 1,2,3] [--limit N] [--no-other]

Prints a markdown table (and the commands it ran on stderr).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from knowledgenet_documents import documents, to_passages  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "data"
PRONOUNS = frozenset("he she it they him her them his hers its their who whom whose which that "
                     "i we you".split())


def _qid(uri: str) -> str:
    return uri.rstrip("/").rsplit("/", 1)[-1] if uri else ""


class Dump:
    """Items with names and item-to-item statements, written as Wikidata dump lines."""

    def __init__(self) -> None:
        self.names: dict[str, dict[str, int]] = defaultdict(dict)
        self.claims: dict[str, set[tuple[str, str]]] = defaultdict(set)

    def name(self, qid: str, text: str) -> None:
        text = " ".join(text.split())
        if qid.startswith("Q") and text and text.lower() not in PRONOUNS:
            self.names[qid][text] = self.names[qid].get(text, 0) + 1

    def statement(self, head: str, pid: str, tail: str) -> None:
        if head.startswith("Q") and tail.startswith("Q") and pid.startswith("P"):
            self.claims[head].add((pid, tail))

    def write(self, path: Path) -> int:
        lines = []
        for qid, names in sorted(self.names.items()):
            ordered = sorted(names, key=lambda n: (-names[n], -len(n), n))
            claims: dict[str, list[dict]] = defaultdict(list)
            for pid, tail in sorted(self.claims.get(qid, ())):
                claims[pid].append({"mainsnak": {"snaktype": "value", "datavalue": {
                    "value": {"entity-type": "item", "id": tail}}}, "rank": "normal"})
            lines.append(json.dumps({
                "type": "item", "id": qid,
                "labels": {"en": {"language": "en", "value": ordered[0]}},
                "aliases": {"en": [{"language": "en", "value": n} for n in ordered[1:]]},
                "claims": claims, "sitelinks": {}}, ensure_ascii=False))
        path.write_text("[\n" + ",\n".join(lines) + "\n]\n", encoding="utf-8")
        return len(lines)


def add_knowledgenet(dump: Dump, rows: list[dict]) -> None:
    for passage in rows:
        for f in passage["facts"]:
            s, o = _qid(f["subjectUri"]), _qid(f["objectUri"])
            for qid, slot in ((s, "subject"), (o, "object")):
                if qid:
                    dump.name(qid, f.get(f"{slot}Canonical") or "")
                    dump.name(qid, f[f"{slot}Text"])
            for pid in (f.get("wikidataProperty") or "").split("|"):
                if s and o and not f["property"].startswith("DATE"):
                    dump.statement(s, pid, o)


def add_other_sets(dump: Dump, data: Path) -> None:
    for line in (data / "trex-lama-sample" / "trex_lama_shared.jsonl").read_text(
            encoding="utf-8").splitlines():
        r = json.loads(line)
        for slot in ("subject", "object"):
            dump.name(r[slot]["qid"], r[slot]["label"])
            dump.name(r[slot]["qid"], r[slot]["surface"])
        dump.statement(r["subject"]["qid"], r["predicate_id"], r["object"]["qid"])
    fewrel = json.loads((data / "fewrel-val-wiki" / "val_wiki.json").read_text(encoding="utf-8"))
    for pid, items in fewrel.items():
        for item in items:
            tokens = item["tokens"]
            for slot in ("h", "t"):
                dump.name(item[slot][1], " ".join(tokens[i] for i in item[slot][2][0]))
            dump.statement(item["h"][1], pid, item["t"][1])
    for line in (data / "rebel-sample" / "rebel_sample.jsonl").read_text(
            encoding="utf-8").splitlines():
        r = json.loads(line)
        for e in r["entities"]:
            dump.name(e["uri"], e["surfaceform"])
        for t in r["triples"]:
            dump.statement(t["subject"]["uri"], t["predicate"]["uri"], t["object"]["uri"])


def mamakg(args: list[str]) -> str:
    print("$ mamakg " + " ".join(args), file=sys.stderr, flush=True)
    return subprocess.run([sys.executable, "-m", "mamakg", *args], check=True,
                          capture_output=True, text=True, cwd=ROOT).stdout


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--folds", default="1,2,3")
    parser.add_argument("--limit", type=int, default=None, help="first N passages per fold")
    parser.add_argument("--no-other", action="store_true",
                        help="only other KnowledgeNet folds feed the base")
    parser.add_argument("--out", default=None)
    args = parser.parse_args(argv)
    gold_path = args.data / "knowledgenet-dev" / "knowledgenet_folds123.jsonl"
    rows = [json.loads(x) for x in gold_path.read_text(encoding="utf-8").splitlines() if x]
    out = Path(args.out or tempfile.mkdtemp(prefix="mamakg-kn-distant-"))
    out.mkdir(parents=True, exist_ok=True)
    table = ["| fold | base: items / statements | --kb | mode | P | R | F1 | TP / FP / FN "
             "| relations mapped by distant supervision |", "|---|---|---|---|---|---|---|---|---|"]
    for fold in (int(f) for f in args.folds.split(",")):
        test = [r for r in rows if r["fold"] == fold][: args.limit]
        dump = Dump()
        add_knowledgenet(dump, [r for r in rows if r["fold"] != fold])
        if not args.no_other:
            add_other_sets(dump, args.data)
        n_items = dump.write(out / f"dump{fold}.json")
        n_statements = sum(len(c) for c in dump.claims.values())
        kb = out / f"fold{fold}.kb"
        mamakg(["kb", "build", str(out / f"dump{fold}.json"), "-o", str(kb), "--force"])
        gold = out / f"gold{fold}.jsonl"
        gold.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in test),
                        encoding="utf-8")
        docs = out / f"docs{fold}.jsonl"
        docs.write_text("".join(json.dumps(d, ensure_ascii=False) + "\n"
                                for d in documents(test)), encoding="utf-8")
        for use_kb in (False, True):
            pred = out / f"pred{fold}{'_kb' if use_kb else ''}.jsonl"
            mamakg(["-q", "build", str(docs), "--format", "jsonl", "-o", str(pred), "--force",
                    *(["--kb", str(kb)] if use_kb else [])])
            lines = pred.read_text(encoding="utf-8").splitlines()
            n_distant = len({json.loads(x)["relation"]["key"] for x in lines
                             if json.loads(x)["relation"]["map_method"] == "distant"})
            scored = out / f"scored{fold}{'_kb' if use_kb else ''}.jsonl"
            scored.write_text("".join(to_passages(lines, test)), encoding="utf-8")
            result = json.loads(mamakg(["eval", "knowledgenet", "--gold", str(gold), str(scored),
                                        "--mode", "label", "--mode", "uri", "--json"]))
            for mode in ("label", "uri"):
                r = result[mode]
                table.append(
                    f"| {fold} | {n_items} / {n_statements} | {'yes' if use_kb else 'no'} | "
                    f"{mode} | {100 * r['precision']:.1f} | {100 * r['recall']:.1f} | "
                    f"{100 * r['f1']:.1f} | {r['tp']} / {r['fp']} / {r['fn']} | "
                    f"{n_distant if use_kb else '-'} |")
    other = "other KnowledgeNet folds only" if args.no_other else \
        "other KnowledgeNet folds + FewRel val + T-REx sample + REBEL sample"
    print(f"Knowledge base per fold: {other}.\n")
    print("\n".join(table))


if __name__ == "__main__":
    main()
