"""Entity-link accuracy of `mamakg.mapping.entities.KBLinker` on KnowledgeNet's gold mentions.

The linker alone, not the whole pipeline: every subject and object mention of a KnowledgeNet
fact that the annotators linked to Wikidata (and that is not a pronoun) is linked from its text,
jointly with the other gold mentions of its document, and compared with the gold Q-id.

Without a Wikidata dump (none is available offline here) the knowledge base is an alias table
learned from the training folds (mention text and canonical text -> Q-id, prior = count), imported
with `mamakg.mapping.kb.import_aliases`; it has no statements, so only priors rank candidates. With
``--kb`` a base built by ``mamakg kb build`` from a real dump is used instead.

Usage::

    python benchmarks/knowledgenet_links.py                            # train folds 1,2; test 3
    python benchmarks/knowledgenet_links.py --kb wikidata.kb --test-folds 1,2,3

Figures: gold mentions, candidate recall (the gold item is among the candidates: the ceiling),
linked share, precision (correct / linked), recall = accuracy (correct / gold).
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from collections import Counter
from pathlib import Path

from mamakg.mapping.entities import KBLinker
from mamakg.mapping.kb import import_aliases
from mamakg.normalize import squash
from mamakg.types import Mention, TextSpan

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_DATA = ROOT.parent / "shared" / "data" / "knowledgenet-dev" / "knowledgenet_folds123.jsonl"
PRONOUNS = frozenset(
    "he she it they him her them his hers its their theirs who whom whose which that i we you"
    .split()
)


def _qid(uri: str) -> str:
    return uri.rstrip("/").rsplit("/", 1)[-1] if uri else ""


def read_passages(path: Path, folds: set[int]) -> list[dict]:
    with open(path, encoding="utf-8") as handle:
        return [p for p in map(json.loads, handle) if p["fold"] in folds]


def alias_table(passages: list[dict]) -> list[tuple[str, str, int]]:
    """(mention, qid, count) of every linked, non-pronoun mention text and canonical text."""
    counts: Counter[tuple[str, str]] = Counter()
    for passage in passages:
        for fact in passage["facts"]:
            for slot in ("subject", "object"):
                qid = _qid(fact[f"{slot}Uri"])
                if not qid:
                    continue
                for text in {fact[f"{slot}Text"], fact.get(f"{slot}Canonical") or ""}:
                    if text and squash(text) not in PRONOUNS:
                        counts[(squash(text), qid)] += 1
    return [(m, q, n) for (m, q), n in sorted(counts.items())]


def gold_mentions(passages: list[dict]) -> tuple[list[list[Mention]], list[tuple[str, str, str]]]:
    """(facts as mention groups for `KBLinker.link_all`, gold (doc_id, key, qid) to score)."""
    groups, gold = [], set()
    for passage in passages:
        text, start = passage["passageText"], passage["passageStart"]

        def span(fact: dict, slot: str, text: str = text, start: int = start) -> TextSpan:
            a, b = fact[f"{slot}Start"] - start, fact[f"{slot}End"] - start
            return TextSpan(text[a:b], a, b)

        for fact in passage["facts"]:
            head, tail = span(fact, "subject"), span(fact, "object")
            m = Mention(doc_id=passage["documentId"], sent_index=0, sentence=text, sent_start=start,
                        head=head, relation=TextSpan("", 0, 0), tail=tail,
                        head_key=squash(head.text), relation_key=fact["property"],
                        tail_key=squash(tail.text), score=1.0)
            groups.append([m])
            for key, slot in ((m.head_key, "subject"), (m.tail_key, "object")):
                qid = _qid(fact[f"{slot}Uri"])
                if qid and key not in PRONOUNS:
                    gold.add((m.doc_id, key, qid))
    return groups, sorted(gold)


def evaluate(linker: KBLinker, passages: list[dict]) -> dict[str, float]:
    groups, gold = gold_mentions(passages)
    entities = linker.link_all(groups, {})
    n = len(gold)
    in_candidates = sum(1 for _, key, qid in gold
                        if qid in {c.qid for c in linker.candidates(key)})
    linked = sum(1 for _, key, _ in gold if entities[key].qid)
    correct = sum(1 for _, key, qid in gold if entities[key].qid == qid)
    return {
        "gold mentions": n,
        "candidate recall": in_candidates / n if n else 0.0,
        "linked": linked / n if n else 0.0,
        "precision": correct / linked if linked else 0.0,
        "recall (accuracy)": correct / n if n else 0.0,
    }


def _folds(text: str) -> set[int]:
    return {int(x) for x in text.split(",") if x.strip()}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--kb", default=None, help="A base from 'mamakg kb build' (default: "
                        "an alias table learned from --train-folds).")
    parser.add_argument("--train-folds", default="1,2")
    parser.add_argument("--test-folds", default="3")
    parser.add_argument("--min-link-score", type=float, default=0.5)
    args = parser.parse_args(argv)
    test = read_passages(args.data, _folds(args.test_folds))
    with tempfile.TemporaryDirectory(prefix="mamakg-kn-") as tmp:
        kb_path = args.kb
        if kb_path is None:
            table = Path(tmp) / "aliases.tsv"
            rows = alias_table(read_passages(args.data, _folds(args.train_folds)))
            table.write_text("".join(f"{m}\t{q}\t{n}\n" for m, q, n in rows), encoding="utf-8")
            kb_path = str(Path(tmp) / "aliases.kb")
            import_aliases(str(table), kb_path)
        linker = KBLinker.open(kb_path, args.min_link_score)
        try:
            scores = evaluate(linker, test)
        finally:
            linker.close()
    source = args.kb or f"alias table from folds {args.train_folds}"
    print(f"KnowledgeNet folds {args.test_folds}, {source}, "
          f"--min-link-score {args.min_link_score}\n")
    print("| " + " | ".join(scores) + " |")
    print("|" + "---|" * len(scores))
    print("| " + " | ".join(f"{v:.3f}" if isinstance(v, float) else str(v)
                            for v in scores.values()) + " |")


if __name__ == "__main__":
    sys.exit(main())
