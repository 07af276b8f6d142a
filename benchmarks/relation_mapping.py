"""Relation mapping to Wikidata P-ids, measured on sentences that each carry one labelled fact:
the T-REx sample and FewRel's validation set (shared/data/SCORING.md section 4.3).

    python benchmarks/relation_mapping.py [--limit N] [--out DIR] [--doc docs/relation-mapping.md]

For each set: the sentences are written as a JSONL corpus (one document per sentence), built
with ``mamakg build --format jsonl`` (default preset) in a work folder, then built again from
that folder with each Map-stage component switched off (`ABLATIONS`: only the corpus-level
half runs again, over the same mentions), and each build is scored two ways:

- end-to-end recall: a sentence is a hit when some fact extracted from it has the gold P-id and
  head and tail that normalize to the gold subject and object (label or surface form; FewRel:
  its lower-cased names); micro recall, and macro recall over relations;
- Map-stage accuracy: among the sentences where mamakg extracted a fact whose head and tail, as
  a mention gives them (the nodes' spans in the sentence), overlap the gold subject and object
  mentions (either order), how often the relation of the most confident such fact (the
  graph's own ranking, ``score``) maps to the gold P-id, how often it maps to another one,
  and how often the mapper abstains (leaves the relation open); macro-F1 over the gold
  relations.

Precision cannot be computed: the other true facts of a sentence are not labelled. The data
are only read (the T-REx sample is non-commercial: figures only, never the data itself).
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "data"


@dataclass(frozen=True)
class Record:
    id: str
    text: str
    pid: str
    subject: tuple[str, ...]
    """Acceptable names of the subject (label, surface)."""
    object: tuple[str, ...]
    subject_span: tuple[int, int] | None
    """Character span of the subject mention in `text`, when known."""
    object_span: tuple[int, int] | None


def _find(text: str, names: tuple[str, ...]) -> tuple[int, int] | None:
    for name in names:
        at = text.find(name)
        if name and at >= 0:
            return at, at + len(name)
    return None


def trex_records(path: Path) -> list[Record]:
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        r = json.loads(line)
        subject = (r["subject"]["surface"], r["subject"]["label"])
        obj = (r["object"]["surface"], r["object"]["label"])
        out.append(Record(r["id"], r["sentence"], r["predicate_id"], subject, obj,
                          _find(r["sentence"], subject), _find(r["sentence"], obj)))
    return out


def fewrel_records(path: Path) -> list[Record]:
    out = []
    for pid, items in sorted(json.loads(path.read_text(encoding="utf-8")).items()):
        for i, item in enumerate(items):
            tokens = item["tokens"]
            starts, at = [], 0
            for token in tokens:
                starts.append(at)
                at += len(token) + 1
            text = " ".join(tokens)

            def span(ids: list[int], starts: list[int] = starts, tokens: list[str] = tokens
                     ) -> tuple[int, int]:
                return starts[ids[0]], starts[ids[-1]] + len(tokens[ids[-1]])

            out.append(Record(f"{pid}-{i}", text, pid, (item["h"][0],), (item["t"][0],),
                              span(item["h"][2][0]), span(item["t"][2][0])))
    return out


def _overlaps(a: tuple[int, int] | None, b: tuple[int, int]) -> bool:
    return a is not None and a[0] < b[1] and b[0] < a[1]


def _doc_span(mention: dict, slot: str) -> tuple[int, int]:
    """Character span in its document of the node a mention gives its fact's head or tail:
    the node's own span where it is narrower than the noun chunk read (``head_node``,
    ``tail_node``: the date "February 7, 1983" of the chunk "February 7, 1983 in Riverside"),
    else the chunk's."""
    span = mention.get(f"{slot}_node") or mention[slot]
    return span["start"] + mention["sent_start"], span["end"] + mention["sent_start"]


def _links(r: Record, mention: dict) -> bool:
    """Whether the nodes a mention gives its fact overlap the gold subject and object, either
    way: the fact is one between them (a date read from "born February 7, 1983 in Riverside"
    is no fact between a person and Riverside)."""
    head, tail = _doc_span(mention, "head"), _doc_span(mention, "tail")
    return ((_overlaps(r.subject_span, head) and _overlaps(r.object_span, tail))
            or (_overlaps(r.object_span, head) and _overlaps(r.subject_span, tail)))


def score(records: list[Record], facts_path: Path) -> dict[str, object]:
    from mamakg.evaluate.strings import norm

    by_doc: dict[str, list[tuple[dict, dict]]] = defaultdict(list)
    for line in facts_path.read_text(encoding="utf-8").splitlines():
        fact = json.loads(line)
        for mention in fact["mentions"]:
            by_doc[mention["doc_id"]].append((fact, mention))
    hits: Counter[str] = Counter()
    totals: Counter[str] = Counter()
    covered = mapped_right = mapped_other = abstained = 0
    predicted: Counter[str] = Counter()  # Map stage: per P-id predicted (for macro-F1)
    right: Counter[str] = Counter()
    for r in records:
        totals[r.pid] += 1
        subjects = {norm(n) for n in r.subject}
        objects = {norm(n) for n in r.object}
        found = by_doc.get(r.id, [])
        for fact, m in found:
            heads = {norm(fact["head"]["label"]), norm(m["head"]["text"])}
            tails = {norm(fact["tail"]["label"]), norm(m["tail"]["text"])}
            if fact["relation"]["pid"] == r.pid and heads & subjects and tails & objects:
                hits[r.pid] += 1
                break
        linked = [(fact["score"], fact) for fact, m in found if _links(r, m)]
        if not linked:
            continue
        covered += 1
        pid = max(linked, key=lambda x: x[0])[1]["relation"]["pid"]
        if pid is None:
            abstained += 1
            continue
        predicted[pid] += 1
        if pid == r.pid:
            mapped_right += 1
            right[pid] += 1
        else:
            mapped_other += 1
    n = len(records)
    relations = sorted(totals)
    macro_recall = sum(hits[p] / totals[p] for p in relations) / len(relations)
    f1s = []
    for p in relations:
        precision = right[p] / predicted[p] if predicted[p] else 0.0
        recall = right[p] / totals[p]
        f1s.append(2 * precision * recall / (precision + recall) if precision + recall else 0.0)
    return {
        "sentences": n, "relations": len(relations),
        "e2e_recall": sum(hits.values()) / n, "e2e_macro_recall": macro_recall,
        "map_covered": covered, "map_accuracy": mapped_right / covered if covered else 0.0,
        "map_other_pid": mapped_other / covered if covered else 0.0,
        "map_abstain": abstained / covered if covered else 0.0,
        "map_macro_f1": sum(f1s) / len(f1s),
        "map_right": mapped_right,
    }


ABLATIONS: list[tuple[str, list[str]]] = [
    ("default", []),
    ("--no-semantic-map (label/alias matcher only)", ["--no-semantic-map"]),
    ("--no-entity-readings", ["--no-entity-readings"]),
    ("--no-clause-readings", ["--no-clause-readings"]),
    ("--no-resolve-pronouns", ["--no-resolve-pronouns"]),
]
"""(row name, options on top of the default preset). A row of corpus-level settings reuses the
default build's work folder; one that changes what a sentence yields (`SENTENCE_LEVEL`) is
built in a folder of its own."""
SENTENCE_LEVEL = frozenset({"--no-clause-readings"})
"""Options of `ABLATIONS` whose readings are made when sentences are read (``Scope.MENTIONS``
settings), so a work folder built without them cannot be reused."""


def run(name: str, records: list[Record], out: Path, options: list[str], slug: str
        ) -> tuple[dict[str, object], str]:
    corpus = out / f"{name}_sentences.jsonl"
    if not corpus.exists():
        corpus.write_text("".join(json.dumps({"id": r.id, "text": r.text}, ensure_ascii=False)
                                  + "\n" for r in records), encoding="utf-8")
    pred = out / f"{name}_{slug}.jsonl"
    work = out / (f"{name}_work_{slug}" if SENTENCE_LEVEL & set(options) else f"{name}_work")
    args = ["build", str(corpus), "--format", "jsonl", "-o", str(pred), "--force",
            "--workdir", str(work), *options]
    cmd = [sys.executable, "-m", "mamakg", "-q", *args]
    env = dict(os.environ, HF_HUB_OFFLINE="1", TRANSFORMERS_OFFLINE="1")
    print("$ " + " ".join(cmd[2:]), file=sys.stderr, flush=True)
    subprocess.run(cmd, check=True, cwd=ROOT, env=env)
    shown = "mamakg " + " ".join(a.replace(str(out), "$OUT") for a in args)
    return score(records, pred), shown


def _pct(x: object) -> str:
    return f"{100 * float(x):.1f}"  # type: ignore[arg-type]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--limit", type=int, default=None, help="first N sentences of each set")
    parser.add_argument("--out", default=None, help="folder for corpora and predictions")
    parser.add_argument("--doc", default=str(ROOT / "docs" / "relation-mapping.md"))
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    out = Path(args.out or tempfile.mkdtemp(prefix="mamakg-relmap-")).resolve()
    out.mkdir(parents=True, exist_ok=True)
    sets = [("trex", trex_records(DATA / "trex-lama-sample" / "trex_lama_shared.jsonl")),
            ("fewrel", fewrel_records(DATA / "fewrel-val-wiki" / "val_wiki.json"))]
    started = time.perf_counter()
    rows = []
    for name, records in sets:
        records = records[: args.limit] if args.limit else records
        for config, options in ABLATIONS:
            slug = "facts" if not options else options[0].lstrip("-").replace("-", "_")
            result, shown = run(name, records, out, options, slug)
            print(json.dumps({"set": name, "config": config, **result}), flush=True)
            rows.append((name, config, result, shown))
    minutes = (time.perf_counter() - started) / 60
    label = {"trex": "T-REx sample", "fewrel": "FewRel val_wiki"}
    lines = [
        "# Relation mapping to Wikidata properties",
        "",
        "Produced by `python benchmarks/relation_mapping.py"
        + (f" --limit {args.limit}" if args.limit else "") + "`"
        f" ({datetime.datetime.now(datetime.timezone.utc):%Y-%m-%d %H:%M} UTC, "
        f"{minutes:.1f} min; do not edit by hand). Protocol: shared/data/SCORING.md section "
        "4.3; the script's docstring says exactly what counts. `--preset default`, bundled "
        "all-MiniLM-L6-v2: relations map by meaning (mamakg/mapping/semantic.py) and by the "
        "labels and aliases of Wikidata properties; no knowledge base, so no distant "
        "supervision. Each row below the default switches one Map-stage component off "
        "(the same mentions: the rows share a work folder, but for --no-clause-readings, "
        "whose readings are made while sentences are read).",
        "",
        "| set | config | sentences | e2e recall | e2e macro recall | linked head-tail "
        "mentions | Map accuracy | other P-id | abstains | Map macro-F1 |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for name, config, r, _ in rows:
        lines.append(
            f"| {label[name]} ({r['relations']} relations) | {config} | {r['sentences']} | "
            f"{_pct(r['e2e_recall'])} | "
            f"{_pct(r['e2e_macro_recall'])} | {r['map_covered']} | {_pct(r['map_accuracy'])} | "
            f"{_pct(r['map_other_pid'])} | {_pct(r['map_abstain'])} | "
            f"{_pct(r['map_macro_f1'])} |")
    lines += [
        "",
        "Map accuracy, other P-id and abstains are shares of the linked mentions (the sentences",
        "where mamakg extracted a fact between the gold subject and object: a mention whose",
        "nodes, as it gives them to its fact, overlap the two; the most confident such fact",
        "decides); recall is over all sentences. Commands (`$OUT` = the script's `--out`",
        "folder, where it writes each set as one JSON document per sentence):",
        "",
        "```sh",
        *[shown for _, _, _, shown in rows],
        "```",
        "",
    ]
    Path(args.doc).write_text("\n".join(lines), encoding="utf-8")
    print(f"relation_mapping: wrote {args.doc}", file=sys.stderr)


if __name__ == "__main__":
    main()
