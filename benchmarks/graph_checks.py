"""What a graph built from plain text looks like to a reader: the 575 KnowledgeNet/DBpedia
abstracts of shared/data/raw-text (no gold), built with the default preset, checked for

- pronouns among the 50 most frequent entity labels (by support, as ``mamakg show`` ranks);
- entities whose label is only a number or a date (`mamakg.mapping.values.is_value`);
- the most common fact score and the share of facts that have it (a score that ranks must
  not be one value for many facts);
- mapped / partial / unmapped facts, literal values, and the best 10 facts by score;
- nodes: entity nodes whose label is only digits and punctuation; facts headed by a literal
  value or a number/date label; lowercase nodes (common nouns) whose facts come from more than
  one document, and of those the ones that are ever a head or the tail of an open fact (a
  common noun shared across documents should only be the value of a mapped property: a class
  such as an occupation).

    python benchmarks/graph_checks.py [--graph GRAPH.jsonl] [--out DIR] [build options...]

Without ``--graph`` it builds the abstracts first (``mamakg build ... --format jsonl``).
Prints one JSON object.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RAW = ROOT.parent / "shared" / "data" / "raw-text" / "knowledgenet_fold5_dbpedia_abstracts.jsonl"


def check(path: Path, top: int = 50) -> dict[str, object]:
    sys.path.insert(0, str(ROOT))
    from mamakg.inspect.browse import summarize
    from mamakg.mapping.arguments import is_pronoun
    from mamakg.mapping.values import is_value
    from mamakg.rdf.load import load_graph

    graph = load_graph(str(path))
    summary = summarize(graph, top=top)
    labels = [e["label"] for e in summary["top_entities"]]
    entities = {}
    for fact in graph.facts:
        for entity in (fact.head, fact.tail):
            if not entity.is_literal:
                entities[entity.key] = entity.label
    scores = Counter(round(f.score, 6) for f in graph.facts)
    value, n = scores.most_common(1)[0] if scores else (None, 0)
    best = sorted(graph.facts, key=lambda f: (-f.score, f.head.key, f.relation.key,
                                              f.tail.key))[:10]
    nodes = _node_checks(graph.facts, is_pronoun, is_value)
    return {
        **nodes,
        "graph": str(path), "facts": len(graph.facts), "status": summary["status"],
        "entities": len(entities),
        "literal_values": sum(1 for f in graph.facts if f.tail.is_literal),
        f"pronouns_in_top_{top}": [x for x in labels if is_pronoun(x)],
        "value_entities": sorted(label for label in entities.values() if is_value(label)),
        "most_common_score": value, "most_common_score_share": round(n / len(graph.facts), 4)
        if graph.facts else 0.0,
        "distinct_scores": len(scores),
        f"top_{top}_entities": labels,
        "best_10": [f"{f.score:.4f} {f.head.label} --{f.relation.pid_label or f.relation.label}--> "
                    f"{f.tail.label}" for f in best],
    }


def _node_checks(facts: list, is_pronoun, is_value) -> dict[str, object]:
    """The node figures of the module docstring."""
    no_words = sorted({e.label for f in facts for e in (f.head, f.tail)
                       if not e.is_literal and not any(c.isalpha() for c in e.label)})
    value_heads = [f"{f.head.label} --{f.relation.pid_label or f.relation.label}--> "
                   f"{f.tail.label}" for f in facts
                   if f.head.is_literal or is_value(f.head.label)]
    docs: dict[str, set[str]] = {}
    labels: dict[str, str] = {}
    for f in facts:
        for e in (f.head, f.tail):
            if e.is_literal or e.qid or any(c.isupper() for c in e.label) \
                    or is_pronoun(e.label) or not any(c.isalpha() for c in e.label):
                continue
            labels[e.key] = e.label
            docs.setdefault(e.key, set()).update(m.doc_id for m in f.mentions)
    shared = {k for k, d in docs.items() if len(d) > 1}
    bad = Counter()
    for f in facts:
        if f.head.key in shared:
            bad[f"head: {labels[f.head.key]}"] += 1
        if f.tail.key in shared and not f.relation.pid:
            bad[f"open tail: {labels[f.tail.key]}"] += 1
    return {
        "digit_or_punct_nodes": no_words,
        "literal_or_value_heads": value_heads[:20], "n_literal_or_value_heads": len(value_heads),
        "lowercase_nodes": len(docs), "lowercase_nodes_in_several_documents": len(shared),
        "shared_lowercase_nodes_top": sorted(
            ((labels[k], len(docs[k])) for k in shared), key=lambda x: (-x[1], x[0]))[:15],
        "shared_lowercase_as_head_or_open_tail": sum(bad.values()),
        "shared_lowercase_as_head_or_open_tail_top": bad.most_common(15),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--graph", type=Path, default=None, help="check this graph, build none")
    parser.add_argument("--out", default=None, help="folder for the built graph")
    args, build_options = parser.parse_known_args()
    path = args.graph
    if path is None:
        out = Path(args.out or tempfile.mkdtemp(prefix="mamakg-checks-"))
        out.mkdir(parents=True, exist_ok=True)
        path = out / "abstracts.jsonl"
        command = [sys.executable, "-m", "mamakg", "build", str(RAW), "--format", "jsonl",
                   "-o", str(path), "--force", *build_options]
        print("$ mamakg " + " ".join(command[3:]), file=sys.stderr, flush=True)
        env = dict(os.environ, HF_HUB_OFFLINE="1", TRANSFORMERS_OFFLINE="1")
        subprocess.run(command, check=True, cwd=ROOT, env=env)
    print(json.dumps(check(path), indent=1, ensure_ascii=False))


if __name__ == "__main__":
    main()
