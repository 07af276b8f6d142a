"""CPU seconds of the Match stage's window step and of the Map stage's per-document step, in
one process (the collector set as in a build), on the same parsed and attended windows:
what a change to either costs or saves, apart from spaCy and the model.

    .venv/bin/python benchmarks/stage_cpu.py [--documents 300] [--runs 3]

Reads the first N abstracts of the shared raw-text sample, parses them with the bundled spaCy
pipeline, attends them with a random-init tiny BERT (the forward pass is nearly free), then
times `pipeline.match_window` over every window and `mapping.resolve.resolve_window` over all
their mentions, then the reading back of the resolved rows' mentions (`store.decode`, what
the processes that group facts do with the mention store's rows), `--runs` times each (CPU
seconds of this process). Prints one JSON line with the seconds of each run and a digest of
each step's output, so that two commits can be compared: equal digests, the same mentions
and resolved rows.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from throughput import RAW, random_model  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--documents", type=int, default=300)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    if not RAW.exists():
        sys.exit(f"stage_cpu: {RAW} not found (the shared data folder)")

    from transformers import AutoTokenizer

    from mamakg.attention import AttentionModel, resolve_model
    from mamakg.config import Config
    from mamakg.mapping.resolve import resolve_window
    from mamakg.parse import load_nlp, parse_documents
    from mamakg.pipeline import attend_windows, match_window
    from mamakg.scale.processes import long_lived_heap
    from mamakg.store import decode
    from mamakg.types import Document

    config = Config.preset("default")
    nlp = load_nlp(None)
    texts = [json.loads(line)["text"] for line in RAW.read_text(encoding="utf-8").splitlines()]
    docs = [Document(f"d{i}", t) for i, t in enumerate(texts[: args.documents])]
    sentences = list(parse_documents(docs, nlp, max_tokens=config.max_tokens))
    source, _, _ = resolve_model(None)
    tokenizer = AutoTokenizer.from_pretrained(source)
    lm = AttentionModel(config, model=random_model("tiny", tokenizer, "sdpa"),
                        tokenizer=tokenizer)
    windows = list(attend_windows(sentences, lm, config))

    match_s, resolve_s, decode_s = [], [], []
    matched: list = []
    resolved = None
    with long_lived_heap():  # the collector set as in a build
        for _ in range(args.runs):
            t0 = time.process_time()
            matched = [match_window(w, config)[0] for w in windows]
            match_s.append(round(time.process_time() - t0, 2))
        mentions = [m for found in matched for m in found]
        for _ in range(args.runs):
            t0 = time.process_time()
            resolved = resolve_window(mentions, None, None, config)
            resolve_s.append(round(time.process_time() - t0, 2))
        assert resolved is not None
        payloads = [r[4] for p in resolved.parts for r in p.rows]
        for _ in range(args.runs):
            t0 = time.process_time()
            for payload in payloads:
                decode(payload)
            decode_s.append(round(time.process_time() - t0, 3))
    match_digest = hashlib.sha256("\n".join(m.to_json() for m in mentions).encode()).hexdigest()
    rows = [(p.doc_id, [(*r[:4], decode(r[4]).to_json()) for r in p.rows],
             [(r[:4], why) for r, why in p.dropped]) for p in resolved.parts]
    resolve_digest = hashlib.sha256(repr(rows).encode()).hexdigest()
    print(json.dumps({"documents": len(docs), "sentences": len(sentences),
                      "mentions": len(mentions), "match_window_cpu_s": match_s,
                      "resolve_window_cpu_s": resolve_s, "decode_rows_cpu_s": decode_s,
                      "resolved_rows": len(payloads), "match_digest": match_digest[:16],
                      "resolve_digest": resolve_digest[:16]}))


if __name__ == "__main__":
    main()
