"""The component figures behind docs/performance.md's list of changes, in one run.

    .venv/bin/python benchmarks/components.py [--sentences 2000]

On the throughput corpus (the raw-text abstracts, repeated) it measures:

- padding: padded pieces / real pieces for batches of 32 from windows of 512 sentences sorted
  by characters (the old batching) and by piece count (the pipeline's), and for the whole
  corpus sorted by characters (the old forward-only benchmark's batching);
- spaCy: seconds for the corpus with thinc's BLIS and with numpy's BLAS (what `load_nlp`
  does), and whether the two readings are identical;
- match: seconds of `match_sentences` for several `group_cells` (0: each sentence alone), for
  both presets;
- writers: seconds and tracemalloc peak of `Result.write` for N-Triples and Turtle.

Prints one JSON object. Timings depend on the machine and its load: report them with both.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
import tracemalloc

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from throughput import corpus_documents  # noqa: E402


def padding(texts: list[str], tokenizer, window: int = 512, batch: int = 32) -> dict:
    pieces = [len(ids) for ids in tokenizer(texts, truncation=True, max_length=512)["input_ids"]]
    real = sum(pieces)

    def ratio(windows: list[list[int]]) -> float:
        padded = sum(len(b) * max(pieces[i] for i in b)
                     for w in windows for b in (w[k:k + batch] for k in range(0, len(w), batch)))
        return round(padded / real, 3)

    spans = [list(range(a, min(a + window, len(texts)))) for a in range(0, len(texts), window)]
    return {
        "windows_by_chars": ratio([sorted(w, key=lambda i: len(texts[i])) for w in spans]),
        "windows_by_pieces": ratio([sorted(w, key=lambda i: pieces[i]) for w in spans]),
        "corpus_by_chars": ratio([sorted(range(len(texts)), key=lambda i: len(texts[i]))]),
    }


def spacy_blas(docs: list) -> dict:
    import spacy

    from mamakg.parse import DEFAULT_SPACY_MODELS, load_nlp

    def reading(nlp) -> tuple[float, list]:
        nlp(docs[0].text)  # warm-up
        t0 = time.perf_counter()
        out = [[(t.text, t.tag_, t.pos_, t.dep_, t.head.i, t.lemma_) for t in d]
               + [(c.start, c.end) for c in d.noun_chunks]
               for d in nlp.pipe((d.text for d in docs), batch_size=64)]
        return round(time.perf_counter() - t0, 2), out

    for name in DEFAULT_SPACY_MODELS:
        try:
            plain = spacy.load(name, exclude=["ner"])
            break
        except OSError:
            continue
    blis_s, blis = reading(plain)
    numpy_s, numpy_out = reading(load_nlp())
    return {"blis_s": blis_s, "numpy_blas_s": numpy_s, "identical": blis == numpy_out}


def match_groups(sentences: list, attentions: list, cells: list[int]) -> dict:
    from mamakg import match
    from mamakg.config import Config
    from mamakg.refine import number_entities

    out = {}
    for preset in ("default", "paper"):
        config = Config.preset(preset, device="cpu")
        sents = [number_entities(s) for s in sentences] if config.number_entities else sentences
        for size in cells:
            t0 = time.perf_counter()
            for w in range(0, len(sents), 512):
                match.match_sentences(sents[w:w + 512], attentions[w:w + 512], config,
                                      group_cells=size)
            out[f"{preset}_{size}"] = round(time.perf_counter() - t0, 2)
    return out


def writers(result) -> dict:
    from mamakg.config import OutputFormat

    out = {}
    for fmt in (OutputFormat.NT, OutputFormat.TTL):
        with tempfile.TemporaryDirectory() as tmp:
            path = os.path.join(tmp, f"g.{fmt.value}")
            t0 = time.perf_counter()
            result.write(path, fmt)
            seconds = time.perf_counter() - t0
            tracemalloc.start()
            result.write(path, fmt, force=True)
            peak = tracemalloc.get_traced_memory()[1]
            tracemalloc.stop()
            out[fmt.value] = {"seconds": round(seconds, 2), "peak_mib": round(peak / 2**20, 1),
                              "bytes": os.path.getsize(path)}
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sentences", type=int, default=2000)
    args = parser.parse_args()
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    from mamakg.attention import AttentionModel
    from mamakg.config import Config
    from mamakg.parse import load_nlp, parse_documents
    from mamakg.pipeline import build

    nlp = load_nlp()
    docs = corpus_documents(args.sentences, nlp)
    sentences = list(parse_documents(docs, nlp))
    lm = AttentionModel(Config(device="cpu"))
    attentions = lm.attend(sentences)
    report = {
        "sentences": len(sentences),
        "padding": padding([s.text for s in sentences], lm.tokenizer),
        "spacy": spacy_blas(docs),
        "match_seconds": match_groups(sentences, attentions, [0, 2_000, 8_000, 30_000]),
    }
    result = build(docs, Config.preset("default", device="cpu"), nlp=nlp, lm=lm)
    report["facts"] = result.summary.n_facts
    report["writers"] = writers(result)
    print(json.dumps(report))


if __name__ == "__main__":
    main()
