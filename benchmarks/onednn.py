"""What oneDNN's linear kernel does for the models' forward passes on this CPU.

    python benchmarks/onednn.py
    python benchmarks/onednn.py --sentences 2000 --models minilm bert-base

On a CPU a build runs every linear layer of its language model and of its phrase-embedding
model with oneDNN's kernel (`mamakg.attention.onednn_linears`); ``MAMAKG_ONEDNN=0`` keeps
torch's own (MKL). Prints one JSON line:

- ``layers``: GFLOP/s of one linear layer of each model's shapes on 1,024 rows (a batch of
  32 sentences of 32 pieces), torch's kernel against oneDNN's, and the largest difference
  of their outputs;
- ``forward``: seconds of each model's forward passes over sentences of
  ../shared/data/raw-text (the KnowledgeNet/DBpedia abstracts, CC BY-SA), in the build's
  batches (32, sorted by length), both ways, and the largest difference of the attention
  read (``minilm`` is the bundled model, the others random weights of that shape);
- ``embed``: seconds of the phrase-embedding model (the bundled MiniLM) over short texts
  like a build's relation phrases (runs of 2-3 words from each sentence), both ways, and the
  smallest cosine between a text's two vectors.

Both ways run in this process on torch's threads (``--threads``, default torch's choice);
the forward passes and the embedding run oneDNN, then torch's kernel, then oneDNN again, so
a drift of the machine's speed shows.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from throughput import RANDOM_CONFIGS, RAW, random_model  # noqa: E402

SHAPES = {"minilm": (384, 1536), **{k: (v["hidden_size"], v["intermediate_size"])
                                    for k, v in RANDOM_CONFIGS.items() if "hidden_size" in v}}


def _rate(layer, x, flops: float, repeat: int = 20) -> float:
    """GFLOP/s of `layer` on `x`."""
    for _ in range(3):
        layer(x)
    started = time.perf_counter()
    for _ in range(repeat):
        layer(x)
    return round(flops * repeat / (time.perf_counter() - started) / 1e9, 1)


def layers(names: list[str]) -> dict[str, dict[str, float]]:
    import torch

    from mamakg.attention import onednn_linears

    out = {}
    rows = 1024
    for name in names:
        width, inner = SHAPES[name]
        for shape in ((width, inner), (inner, width)):
            layer = torch.nn.Linear(*shape).eval()
            x = torch.randn(rows, shape[0], generator=torch.Generator().manual_seed(0))
            flops = 2.0 * rows * shape[0] * shape[1]
            with torch.inference_mode():
                want = layer(x)
                torch_rate = _rate(layer, x, flops)
                changed = onednn_linears(layer)
                got = layer(x)
                onednn_rate = _rate(layer, x, flops)
            out[f"{name} {shape[0]}x{shape[1]}"] = {
                "torch_gflops": torch_rate, "onednn_gflops": onednn_rate if changed else None,
                "max_abs_difference": float((got - want).abs().max())}
    return out


def _lm(name: str, onednn: bool):
    from transformers import AutoTokenizer

    from mamakg.attention import AttentionModel, resolve_model
    from mamakg.config import Config

    os.environ["MAMAKG_ONEDNN"] = "1" if onednn else "0"
    config = Config(device="cpu", batch_size=32)
    if name == "minilm":
        return AttentionModel(config)
    source, _, _ = resolve_model(None)
    tokenizer = AutoTokenizer.from_pretrained(source)
    return AttentionModel(config, model=random_model(name, tokenizer, "sdpa"),
                          tokenizer=tokenizer)


def forward(names: list[str], texts: list[str]) -> dict[str, dict[str, float]]:
    import numpy as np
    import torch

    out = {}
    for name in names:
        seconds: dict[str, list[float]] = {"torch": [], "onednn": []}
        read = {}
        for way in ("onednn", "torch", "onednn"):
            lm = _lm(name, way == "onednn")
            enc = lm.encode(texts)
            lengths = [len(ids) for ids in enc["input_ids"]]
            order = sorted(range(len(texts)), key=lambda i: (lengths[i], i))
            batches = [lm.to_device(lm.batch_inputs(enc, order[b:b + 32]))
                       for b in range(0, len(order), 32)]
            with torch.inference_mode():
                lm.layer_attention(batches[0])  # warm-up
                started = time.perf_counter()
                weights = [lm.layer_attention(inputs) for inputs in batches]
                seconds[way].append(time.perf_counter() - started)
            read[way] = weights
        difference = max(float(np.abs(a.float().numpy() - b.float().numpy()).max())
                         for a, b in zip(read["torch"], read["onednn"], strict=True))
        out[name] = {"sentences": len(texts),
                     "torch_seconds": [round(s, 2) for s in seconds["torch"]],
                     "onednn_seconds": [round(s, 2) for s in seconds["onednn"]],
                     "max_abs_difference_of_attention": difference}
    return out


def embed(phrases: list[str]) -> dict[str, object]:
    import numpy as np

    from mamakg.attention import Embedder

    seconds: dict[str, list[float]] = {"torch": [], "onednn": []}
    vectors = {}
    for way in ("onednn", "torch", "onednn"):
        os.environ["MAMAKG_ONEDNN"] = "1" if way == "onednn" else "0"
        embedder = Embedder()
        embedder.embed(phrases[:64])  # warm-up
        embedder._cache.clear()
        started = time.perf_counter()
        vectors[way] = embedder.embed(phrases)
        seconds[way].append(time.perf_counter() - started)
    cosine = float(np.min(np.sum(vectors["torch"] * vectors["onednn"], axis=1)))
    return {"phrases": len(phrases), "torch_seconds": [round(s, 2) for s in seconds["torch"]],
            "onednn_seconds": [round(s, 2) for s in seconds["onednn"]],
            "min_cosine": round(cosine, 7)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sentences", type=int, default=1000)
    parser.add_argument("--models", nargs="+", default=["minilm", "bert-base"],
                        choices=sorted(SHAPES))
    parser.add_argument("--threads", type=int, default=None)
    args = parser.parse_args()
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    import torch

    if args.threads:
        torch.set_num_threads(args.threads)
    texts = []
    for line in RAW.read_text(encoding="utf-8").splitlines():
        texts.extend(s.strip() + "." for s in json.loads(line)["text"].split(". ") if s.strip())
        if len(texts) >= args.sentences:
            break
    texts = texts[:args.sentences]
    # short texts like the relation phrases a build embeds: 2-3 words from each sentence
    phrases = sorted({" ".join(t.split()[i:i + 2 + i % 3]) for t in texts for i in (1, 3)}
                     - {""})
    report = {"threads": torch.get_num_threads(), "cpus": os.cpu_count(),
              "onednn_available": torch.backends.mkldnn.is_available(),
              "layers": layers(args.models), "forward": forward(args.models, texts),
              "embed": embed(phrases)}
    print(json.dumps(report))


if __name__ == "__main__":
    main()
