"""What embedding relation phrases a window at a time costs against embedding them at the end.

    python benchmarks/embed_ahead.py [--documents 3000]

Builds the first N abstracts of the throughput corpus (../shared/data/raw-text, CC BY-SA)
twice in one process, with a random-init tiny language model and the bundled sentence-
embedding model, everything in this process on the CPU: once embedding each window's new
relation phrases as it comes (`mamakg.mapping.facts.PrepareAhead`, what a build does where the
embedding model runs on an accelerator), once at the end (what a build does on a CPU). Prints
one JSON line per build: texts embedded, the embedding model's seconds (stage ``embed``), facts.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--documents", type=int, default=3000)
    args = parser.parse_args()
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    import throughput
    from transformers import AutoTokenizer

    import mamakg.pipeline as pipeline
    from mamakg.attention import AttentionModel, resolve_model
    from mamakg.config import Config
    from mamakg.mapping.facts import load_embedder, make_mappers
    from mamakg.parse import load_nlp

    config = Config.preset("default", batch_size=32, parse_processes=0, match_processes=0)
    nlp = load_nlp(None)
    docs = throughput.corpus_documents(args.documents, nlp)
    source, _, _ = resolve_model(None)
    tokenizer = AutoTokenizer.from_pretrained(source)
    lm = AttentionModel(config, model=throughput.random_model("tiny", tokenizer, "sdpa"),
                        tokenizer=tokenizer)
    for ahead in (True, False):
        pipeline.prepares_ahead = lambda mappers, on=ahead: on  # type: ignore[misc]
        mappers = make_mappers(config, load_embedder(config))
        result = pipeline.build(docs, config, nlp=nlp, lm=lm, mappers=mappers)
        assert mappers.embedder is not None
        print(json.dumps({
            "embedded": "a window at a time" if ahead else "at the end",
            "texts_embedded": len(mappers.embedder._cache),
            "embed_seconds": round(result.summary.timings.get("embed", 0.0), 2),
            "facts": len(result.facts)}), flush=True)


if __name__ == "__main__":
    main()
