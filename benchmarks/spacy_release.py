"""What one spaCy release reads, and how fast, against another's: every token attribute the
build uses, over the evaluation texts, written to a file per release and compared.

    python benchmarks/spacy_release.py dump OUT.json [--limit N]
    PYTHONPATH=DIR python benchmarks/spacy_release.py dump OTHER.json   # another release
    python benchmarks/spacy_release.py compare OUT.json OTHER.json

Another release goes into a folder of its own, e.g. ``pip install --no-deps --target DIR
spacy==3.8.18 thinc==8.3.14 'confection>=1.3.2,<2'``, and is put first on ``PYTHONPATH``.
``dump`` parses the texts with the pipeline as `mamakg.parse.load_nlp` sets it up (numpy's
BLAS on one thread, as in a build's spaCy workers), and writes spaCy's and thinc's versions,
the CPU seconds of the parse per 1,000 sentences, and each document's tokens with their text,
tag, part of speech, dependency, head, lemma, morphology, entity label and position, sentence
start and stop-word flag, and its noun chunks. ``compare`` prints one JSON line: how many
documents and tokens differ, by attribute, with examples, and each release's seconds; it
exits 1 when any token differs.

The texts: the 575 KnowledgeNet/DBpedia abstracts of ../shared/data/raw-text, the passages of
KnowledgeNet folds 1-3, the CaRB dev sentences, corpora/demo.txt and the first 300 Re-DocRED
dev documents (measurement only; nothing of them is kept in the repository).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "data"
FIELDS = ("text", "tag", "pos", "dep", "head", "lemma", "morph", "ent_iob", "ent_type",
          "sent_start", "stop")


def texts(limit: int | None = None) -> list[str]:
    out = [json.loads(line)["text"] for line in
           (DATA / "raw-text" / "knowledgenet_fold5_dbpedia_abstracts.jsonl").open()]
    out += [json.loads(line)["passageText"] for line in
            (DATA / "knowledgenet-dev" / "knowledgenet_folds123.jsonl").open()]
    out += [line.strip() for line in (DATA / "carb-dev" / "dev_sentences.txt").open()
            if line.strip()]
    out += [line.strip() for line in (ROOT / "corpora" / "demo.txt").open() if line.strip()]
    documents = json.loads((DATA / "redocred-dev" / "dev_revised.json").read_text())
    out += [" ".join(" ".join(s) for s in d["sents"]) for d in documents[:300]]
    return out[:limit]


def dump(path: str, limit: int | None) -> None:
    import spacy
    import thinc

    from mamakg.parse import load_nlp, one_blas_thread

    corpus = texts(limit)
    nlp = load_nlp(None)
    with one_blas_thread():
        started = time.process_time()
        docs = list(nlp.pipe(corpus, batch_size=64))
        seconds = time.process_time() - started
    sentences = sum(1 for doc in docs for _ in doc.sents)
    readings = [{"tokens": [[t.text, t.tag_, t.pos_, t.dep_, t.head.i, t.lemma_, str(t.morph),
                             t.ent_iob_, t.ent_type_, bool(t.is_sent_start), t.is_stop]
                            for t in doc],
                 "chunks": [[c.start, c.end] for c in doc.noun_chunks]} for doc in docs]
    Path(path).write_text(json.dumps({
        "spacy": spacy.__version__, "thinc": thinc.__version__, "texts": len(corpus),
        "characters": sum(len(t) for t in corpus), "sentences": sentences,
        "cpu_seconds_per_1k_sentences": round(seconds * 1000 / sentences, 3),
        "documents": readings}))
    print(json.dumps({"spacy": spacy.__version__, "sentences": sentences,
                      "cpu_seconds_per_1k_sentences": round(seconds * 1000 / sentences, 3)}))


def compare(a_path: str, b_path: str, examples: int = 12) -> int:
    a, b = (json.loads(Path(p).read_text()) for p in (a_path, b_path))
    if a["texts"] != b["texts"]:
        print(f"the dumps read different texts ({a['texts']} and {b['texts']})", file=sys.stderr)
        return 2
    by_field: Counter[str] = Counter()
    shown: Counter[tuple[str, ...]] = Counter()
    documents = tokens = chunks = 0
    for da, db in zip(a["documents"], b["documents"]):
        differs = da["chunks"] != db["chunks"]
        chunks += differs
        if len(da["tokens"]) != len(db["tokens"]):
            by_field["tokenization"] += 1
            documents += 1
            continue
        for ta, tb in zip(da["tokens"], db["tokens"]):
            fields = [f for f, x, y in zip(FIELDS, ta, tb) if x != y]
            if fields:
                tokens += 1
                by_field.update(fields)
                for f in fields:
                    i = FIELDS.index(f)
                    shown[(f, ta[0], str(ta[i]), str(tb[i]))] += 1
            differs = differs or bool(fields)
        documents += differs
    print(json.dumps({
        "releases": [a["spacy"], b["spacy"]], "thinc": [a["thinc"], b["thinc"]],
        "texts": a["texts"], "sentences": a["sentences"],
        "cpu_seconds_per_1k_sentences": [a["cpu_seconds_per_1k_sentences"],
                                         b["cpu_seconds_per_1k_sentences"]],
        "documents_that_differ": documents, "tokens_that_differ": tokens,
        "documents_whose_noun_chunks_differ": chunks, "by_attribute": dict(by_field),
        "examples": [f"{word!r} {field}: {x!r} -> {y!r} ({n}x)"
                     for (field, word, x, y), n in shown.most_common(examples)]}))
    return 1 if tokens or chunks or by_field else 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    d = sub.add_parser("dump")
    d.add_argument("out")
    d.add_argument("--limit", type=int, default=None, help="the first N texts only")
    c = sub.add_parser("compare")
    c.add_argument("a")
    c.add_argument("b")
    args = parser.parse_args()
    if args.command == "dump":
        dump(args.out, args.limit)
    else:
        sys.exit(compare(args.a, args.b))


if __name__ == "__main__":
    main()
