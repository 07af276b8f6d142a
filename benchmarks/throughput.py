"""Throughput of mamakg in one run: LM forward only, spaCy only, and end to end.

    python benchmarks/throughput.py --sentences 5000
    python benchmarks/throughput.py --device cuda --random-init bert-large --dtype bf16

Prints one JSON line: sent_per_s_e2e, sent_per_s_forward, ratio_e2e_to_forward,
sent_per_s_spacy, peak_rss_mb, device, model, dtype, batch_size, and the per-stage seconds
of the end-to-end build. The corpus is made of sentences of ../shared/data/raw-text (the
KnowledgeNet/DBpedia abstracts, CC BY-SA), repeated as needed.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RAW = ROOT.parent / "shared" / "data" / "raw-text" / "knowledgenet_fold5_dbpedia_abstracts.jsonl"

RANDOM_CONFIGS = {
    "bert-base": dict(kind="bert", hidden_size=768, num_hidden_layers=12, num_attention_heads=12,
                      intermediate_size=3072),
    "bert-large": dict(kind="bert", hidden_size=1024, num_hidden_layers=24,
                       num_attention_heads=16, intermediate_size=4096),
    "gpt2": dict(kind="gpt2", n_embd=768, n_layer=12, n_head=12),
}


def corpus_documents(n_sentences: int, nlp) -> list:
    """Documents of whole abstracts, repeated, holding about n_sentences sentences."""
    from mamakg.types import Document

    texts = [json.loads(line)["text"] for line in RAW.read_text(encoding="utf-8").splitlines()]
    per_doc = [sum(1 for _ in nlp(t).sents) for t in texts[:50]]
    avg = sum(per_doc) / len(per_doc)
    n_docs = max(1, round(n_sentences / avg))
    return [Document(f"doc{i}", texts[i % len(texts)]) for i in range(n_docs)]


def random_model(name: str, tokenizer, attention: str):
    import torch
    from transformers import AutoModel, BertConfig, GPT2Config

    spec = dict(RANDOM_CONFIGS[name])
    kind = spec.pop("kind")
    torch.manual_seed(0)
    if kind == "bert":
        cfg = BertConfig(vocab_size=tokenizer.vocab_size, **spec)
    else:
        cfg = GPT2Config(vocab_size=tokenizer.vocab_size, **spec)
    return AutoModel.from_config(cfg, attn_implementation=attention)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--device", default="cpu", choices=["cpu", "cuda"])
    parser.add_argument("--sentences", type=int, default=2000)
    parser.add_argument("--model", default=None, help="model id or folder (default: bundled)")
    parser.add_argument("--dtype", default="fp32", choices=["fp32", "bf16", "fp16"])
    parser.add_argument("--batch-size", type=int, default=None)
    parser.add_argument("--preset", default="default", choices=["default", "paper"],
                        help="settings preset, as `mamakg build --preset` [default]")
    parser.add_argument("--overlap", choices=["auto", "on", "off"], default="auto",
                        help="parse in a background thread while the model runs "
                             "(auto: only on an accelerator) [auto]")
    parser.add_argument("--attention", choices=["sdpa", "eager"], default="sdpa",
                        help="sdpa: what the pipeline does (only the read layer computes its "
                             "weights); eager: eager attention in every layer [sdpa]")
    parser.add_argument("--threads", type=int, default=None,
                        help="torch CPU threads (default: torch's choice)")
    parser.add_argument("--parse-processes", type=int, default=1,
                        help="spaCy worker processes, as `mamakg build --parse-processes` [1]")
    parser.add_argument("--random-init", choices=sorted(RANDOM_CONFIGS), default=None,
                        help="random weights of this shape (tokenizer: the bundled model's)")
    args = parser.parse_args()
    os.environ.setdefault("HF_HUB_OFFLINE", "1")

    import torch
    from transformers import AutoTokenizer

    from mamakg.attention import AttentionModel, resolve_model
    from mamakg.config import Config, OutputFormat
    from mamakg.parse import load_nlp, parse_documents
    from mamakg.pipeline import WINDOW, build

    batch = args.batch_size or (256 if args.device == "cuda" else 32)
    config = Config.preset(args.preset, model=args.model, device=args.device, dtype=args.dtype,
                           batch_size=batch, parse_processes=args.parse_processes)
    nlp = load_nlp(None)
    docs = corpus_documents(args.sentences, nlp)
    if args.threads:
        torch.set_num_threads(args.threads)
    model = tokenizer = None
    if args.random_init:
        source, _, _ = resolve_model(None)
        tokenizer = AutoTokenizer.from_pretrained(source)
        model = random_model(args.random_init, tokenizer, args.attention)
    elif args.attention == "eager":
        from transformers import AutoModel

        source, _, _ = resolve_model(args.model)
        model = AutoModel.from_pretrained(source, attn_implementation="eager")
    lm = AttentionModel(config, model=model, tokenizer=tokenizer)
    name = f"random-init {args.random_init}" if args.random_init else lm.info.name

    # (b) spaCy only
    t0 = time.perf_counter()
    sentences = list(parse_documents(docs, nlp, max_tokens=config.max_tokens,
                                     n_process=config.parse_processes))
    spacy_s = time.perf_counter() - t0
    n = len(sentences)

    def sync() -> None:
        if args.device == "cuda":
            torch.cuda.synchronize()

    # (a) forward only: the pipeline's windows, tokenizer call, sorting and batching; not its
    # alignment of pieces to words
    texts = [s.text for s in sentences]
    window = WINDOW * batch
    lm.piece_attention(texts[:batch])  # warm-up
    sync()
    t0 = time.perf_counter()
    for i in range(0, n, window):
        lm.piece_attentions(texts[i : i + window])
    sync()
    forward_s = time.perf_counter() - t0

    # (c) end to end, output written
    t0 = time.perf_counter()
    overlap = {"auto": None, "on": True, "off": False}[args.overlap]
    result = build(docs, config, nlp=nlp, lm=lm, overlap=overlap)
    with tempfile.TemporaryDirectory() as tmp:
        result.write(os.path.join(tmp, "g.nt"), OutputFormat.NT)
    e2e_s = time.perf_counter() - t0
    timings = dict(result.summary.timings)
    timings["write"] = e2e_s - result.summary.seconds

    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    report = {
        "sentences": n,
        "sent_per_s_e2e": round(n / e2e_s, 1),
        "sent_per_s_forward": round(n / forward_s, 1),
        "ratio_e2e_to_forward": round(forward_s / e2e_s, 3),
        "sent_per_s_spacy": round(n / spacy_s, 1),
        "peak_rss_mb": round(peak, 1),
        "device": str(lm.device) + (f" ({torch.cuda.get_device_name()})"
                                    if args.device == "cuda" else ""),
        "model": name,
        "dtype": args.dtype,
        "batch_size": batch,
        "preset": args.preset,
        "overlap": args.overlap,
        "attention": args.attention if lm._capture is not None or args.attention == "eager"
        else "eager (no SDPA for this model)",
        "facts": result.summary.n_facts,
        "stage_seconds": {k: round(v, 2) for k, v in sorted(timings.items())},
        "torch_threads": torch.get_num_threads(),
        "parse_processes": config.parse_processes,
    }
    print(json.dumps(report))
    sys.stdout.flush()


if __name__ == "__main__":
    main()
