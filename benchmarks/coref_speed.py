"""Speed of the Map stage's per-document name resolution (`mapping.coref.resolve_document`),
and a check that it resolves as an earlier version of the module did.

    python benchmarks/coref_speed.py [--documents 400] [--mentions FILE] [--old-rev REV]
                                     [--repeat 3]

The mentions are real: the Match stage's mentions (before resolution, readings included) of
the first `--documents` KnowledgeNet/DBpedia abstracts of ../shared/data/raw-text (CC BY-SA),
built with the bundled models and the default preset. Building them takes minutes on a CPU;
with `--mentions FILE` they are read from FILE when it exists and written there otherwise.

The old module is `mamakg/mapping/coref.py` as commit `--old-rev` had it (read with
``git show`` into a temporary folder and imported from there); both run on every document
with each combination of the sieve's switches (`pronouns`, `names`, `descriptions`), and the
script fails when any document resolves differently. Prints one JSON object: documents,
mentions, and per switch combination the seconds and milliseconds per document of each (the
fastest of `--repeat` runs), the mentions resolved or dropped, and the documents that differ.
"""

from __future__ import annotations

import argparse
import importlib.util
import itertools
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RAW = ROOT.parent / "shared" / "data" / "raw-text" / "knowledgenet_fold5_dbpedia_abstracts.jsonl"
OLD_REV = "822c74c"
"""The last commit before resolve_document was made fast."""


def build_mentions(n_documents: int) -> list:
    """The mentions the Match stage finds in the first abstracts, in corpus order."""
    from mamakg.attention import AttentionModel
    from mamakg.config import Config
    from mamakg.parse import load_nlp
    from mamakg.pipeline import StageClock, mention_rows
    from mamakg.result import Summary
    from mamakg.store import MentionStore
    from mamakg.types import Document

    lines = RAW.read_text(encoding="utf-8").splitlines()[:n_documents]
    documents = [Document(f"doc{i}", json.loads(line)["text"]) for i, line in enumerate(lines)]
    config = Config.preset("default", parse_processes=0, match_processes=0)
    nlp, lm = load_nlp(config.spacy_model), AttentionModel(config)
    summary = Summary()
    with MentionStore() as store:
        for rows in mention_rows(documents, nlp, lm, config, summary,
                                 StageClock(summary.timings)):
            store.add_rows(rows)
        return list(store.mentions())


def load_mentions(n_documents: int, path: str | None) -> list:
    from mamakg.types import Mention

    if path and os.path.exists(path):
        with open(path, encoding="utf-8") as handle:
            return [Mention.from_json(line) for line in handle if line.strip()]
    mentions = build_mentions(n_documents)
    if path:
        with open(path, "w", encoding="utf-8") as handle:
            handle.writelines(m.to_json() + "\n" for m in mentions)
    return mentions


def old_module(rev: str, folder: str):
    """mamakg/mapping/coref.py as `rev` had it, imported under another name."""
    source = subprocess.run(["git", "show", f"{rev}:mamakg/mapping/coref.py"], cwd=ROOT,
                            capture_output=True, text=True, check=True).stdout
    path = os.path.join(folder, "coref_old.py")
    with open(path, "w", encoding="utf-8") as handle:
        handle.write(source)
    spec = importlib.util.spec_from_file_location("coref_old", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up
    spec.loader.exec_module(module)
    return module


def documents(mentions: list) -> list[list]:
    return [list(group) for _, group in itertools.groupby(mentions, key=lambda m: m.doc_id)]


def outcome(resolutions: list) -> list[tuple]:
    """What a resolution says, as plain values (the two modules' classes differ)."""
    return [(r.mention, r.original, r.resolved) for r in resolutions]


def timed(resolve, docs: list[list], switches: dict[str, bool], repeat: int) -> tuple[float, list]:
    """The fewest seconds of `repeat` runs over every document, and what the last gave."""
    best = float("inf")
    for _ in range(repeat):
        started = time.perf_counter()
        out = [outcome(resolve(doc, **switches)) for doc in docs]
        best = min(best, time.perf_counter() - started)
    return best, out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--documents", type=int, default=400)
    parser.add_argument("--mentions", default=None, help="a cache of the mentions (jsonl)")
    parser.add_argument("--old-rev", default=OLD_REV)
    parser.add_argument("--repeat", type=int, default=3, help="runs timed; the fastest counts")
    args = parser.parse_args()
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    from mamakg.mapping import coref

    mentions = load_mentions(args.documents, args.mentions)
    docs = documents(mentions)
    report: dict[str, object] = {"documents": len(docs), "mentions": len(mentions),
                                 "readings": sum(len(m.readings) for m in mentions)}
    differing = 0
    with tempfile.TemporaryDirectory() as folder:
        old = old_module(args.old_rev, folder)
        for pronouns, names, descriptions in itertools.product((False, True), repeat=3):
            switches = {"pronouns": pronouns, "names": names, "descriptions": descriptions}
            old_s, old_out = timed(old.resolve_document, docs, switches, args.repeat)
            new_s, new_out = timed(coref.resolve_document, docs, switches, args.repeat)
            differ = sum(a != b for a, b in zip(old_out, new_out, strict=True))
            differing += differ
            resolved = sum(bool(r[2]) or r[0] is None for doc in new_out for r in doc)
            report[",".join(k for k, v in switches.items() if v) or "none"] = {
                "old_s": round(old_s, 3), "new_s": round(new_s, 3),
                "old_ms_per_doc": round(1000 * old_s / len(docs), 3),
                "new_ms_per_doc": round(1000 * new_s / len(docs), 3),
                "changed_mentions": resolved, "documents_differing": differ}
    report["all_equal"] = differing == 0
    print(json.dumps(report, indent=1))
    if differing:
        sys.exit(1)


if __name__ == "__main__":
    main()
