"""KnowledgeNet passages fed to mamakg as the documents they come from, and its facts handed
back to the scorer by passage.

KnowledgeNet annotates sentences (passages) of documents; a passage often refers to its
document's subject by a pronoun ("He was born in ..."), which mamakg resolves within the
document it reads. So each KnowledgeNet document becomes one input document: its annotated
passages placed at their own offsets from the first one (the text between them, which the
data set does not hold, is spaces; the text before the first passage is left out, since
leading spaces change spaCy's parse of the first sentence). Scoring stays by passage
(shared/data/SCORING.md section 4.1): each mention of mamakg's JSONL facts is given the
passage that holds its head (``doc_id`` = the passage id, ``sent_start`` relative to the
passage), which is what ``mamakg eval knowledgenet`` reads.

    python benchmarks/knowledgenet_documents.py documents GOLD.jsonl -o docs.jsonl
    python benchmarks/knowledgenet_documents.py passages GOLD.jsonl FACTS.jsonl -o by_passage.jsonl
"""

from __future__ import annotations

import argparse
import bisect
import json
from collections import defaultdict
from collections.abc import Iterable, Iterator
from pathlib import Path


def documents(passages: Iterable[dict]) -> Iterator[dict]:
    """``{"id": documentId, "text": ...}`` per document, passages at their offsets."""
    by_doc: dict[str, list[dict]] = defaultdict(list)
    for p in passages:
        by_doc[p["documentId"]].append(p)
    for doc_id, rows in by_doc.items():
        rows = sorted(rows, key=lambda r: r["passageStart"])
        base, text = rows[0]["passageStart"], ""
        for p in rows:
            start = p["passageStart"] - base
            text = text[:start] + " " * (start - len(text)) + p["passageText"]
        yield {"id": doc_id, "text": text}


def to_passages(fact_lines: Iterable[str], passages: Iterable[dict]) -> Iterator[str]:
    """The JSONL facts with each mention moved to the passage holding its head (mentions
    outside every passage are dropped)."""
    spans: dict[str, list[tuple[int, int, str]]] = defaultdict(list)
    for p in passages:
        spans[p["documentId"]].append((p["passageStart"], p["passageEnd"], p["passageId"]))
    base = {}
    for doc_id, rows in spans.items():
        rows.sort()
        base[doc_id] = rows[0][0]  # the input document starts at its first passage
    for line in fact_lines:
        if not line.strip():
            continue
        fact = json.loads(line)
        moved = []
        for m in fact["mentions"]:
            rows = spans.get(m["doc_id"], [])
            if not rows:
                continue
            sent_start = base[m["doc_id"]] + m["sent_start"]  # a document offset
            at = sent_start + m["head"]["start"]
            k = bisect.bisect_right(rows, (at, float("inf"), "")) - 1
            if k < 0 or not rows[k][0] <= at < rows[k][1]:
                continue
            moved.append({**m, "doc_id": rows[k][2], "sent_start": sent_start - rows[k][0]})
        if moved:
            yield json.dumps({**fact, "mentions": moved}, ensure_ascii=False) + "\n"


def _read(path: Path) -> list[dict]:
    return [json.loads(x) for x in path.read_text(encoding="utf-8").splitlines() if x.strip()]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="what", required=True)
    d = sub.add_parser("documents", help="passages -> one JSONL document per document")
    d.add_argument("gold", type=Path)
    d.add_argument("-o", "--output", type=Path, required=True)
    p = sub.add_parser("passages", help="mamakg JSONL facts -> facts by passage")
    p.add_argument("gold", type=Path)
    p.add_argument("facts", type=Path)
    p.add_argument("-o", "--output", type=Path, required=True)
    args = parser.parse_args()
    gold = _read(args.gold)
    if args.what == "documents":
        lines = [json.dumps(doc, ensure_ascii=False) + "\n" for doc in documents(gold)]
    else:
        lines = list(to_passages(args.facts.read_text(encoding="utf-8").splitlines(), gold))
    args.output.write_text("".join(lines), encoding="utf-8")


if __name__ == "__main__":
    main()
