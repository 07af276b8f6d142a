"""What telling a role from a verb by the parse would change: builds a corpus's mentions once
(``--preset default``), then runs the Map stage twice on them, with the role test of
`mamakg.mapping.semantic._is_role` guessed from strings (the default) and decided by the
relation's parts of speech (`KindMapper(role_by_pos=True)`), and prints one JSON object: the
facts of each, how many mapped facts differ, and the differing (head, relation, property,
tail) of each side.

    python benchmarks/role_by_pos.py CORPUS.jsonl [--limit N]
"""

from __future__ import annotations

import argparse
import json

from mamakg.api import Builder
from mamakg.mapping.facts import collect_facts, load_embedder
from mamakg.mapping.semantic import SemanticMapper
from mamakg.mapping.vectors import PropertyVectors
from mamakg.pipeline import StageClock, mention_rows
from mamakg.reader import read_documents
from mamakg.result import Summary
from mamakg.store import MentionStore


def _mapped(facts: list) -> set[tuple[str, str, str, str]]:
    return {(f.head.label, f.relation.label, f.relation.pid, f.tail.label)
            for f in facts if f.relation.pid}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("corpus")
    parser.add_argument("--limit", type=int, default=None)
    args = parser.parse_args()
    builder = Builder(device="cpu")
    config = builder.config
    nlp, lm = builder.models
    documents = read_documents([args.corpus], None)
    if args.limit:
        documents = (d for i, d in enumerate(documents) if i < args.limit)
    embedder = load_embedder(config)
    if embedder is None:
        raise SystemExit("role_by_pos: the bundled sentence-embedding model is not installed")
    vectors = PropertyVectors.bundled()
    summary = Summary()
    out = {}
    with MentionStore() as store:
        for rows in mention_rows(documents, nlp, lm, config, summary, StageClock({})):
            store.add_rows(rows)
        found = {}
        for name, by_pos in (("strings", False), ("parse", True)):
            chain = SemanticMapper(vectors, embedder.embed, min_score=config.min_map_score,
                                   role_by_pos=by_pos)
            facts = collect_facts(store, config, Summary(), mappers=chain)
            found[name] = _mapped(facts)
            out[f"facts_{name}"] = len(facts)
            out[f"mapped_{name}"] = len(found[name])
    out["only_strings"] = sorted(found["strings"] - found["parse"])
    out["only_parse"] = sorted(found["parse"] - found["strings"])
    print(json.dumps(out, ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()
