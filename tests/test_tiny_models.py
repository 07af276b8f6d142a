"""Plumbing with tiny random-weight BERT and GPT-2 built from configs (nothing downloaded)."""

import copy
import platform

import numpy as np
import pytest
import torch
from tokenizers import BertWordPieceTokenizer
from transformers import AutoModel, BertConfig, GPT2Config, PreTrainedTokenizerFast

from mamakg.attention import AttentionModel
from mamakg.config import Config

from conftest import DATA
from helpers import sentence

SENTENCES = [
    ["Bob", "Dylan", "is", "a", "songwriter", "."],
    ["Paris", "is", "the", "capital", "of", "France", "."],
    ["He", "studied", "at", "the", "University", "of", "Hamburg", "."],
    ["Alice", "wrote", "a", "letter", "to", "Bob", "."],
    ["The", "cat", "sat", "on", "the", "mat", "."],
]


def _sentences():
    return [sentence(w, ["X"] * len(w), index=i) for i, w in enumerate(SENTENCES)]


@pytest.fixture(scope="module")
def tokenizer():
    """A WordPiece tokenizer over the tiny vocabulary in tests/data/vocab.txt."""
    wordpiece = BertWordPieceTokenizer(str(DATA / "vocab.txt"), lowercase=True)
    return PreTrainedTokenizerFast(
        tokenizer_object=wordpiece._tokenizer, unk_token="[UNK]", pad_token="[PAD]",
        cls_token="[CLS]", sep_token="[SEP]", mask_token="[MASK]", model_max_length=64,
    )


def _bert(tokenizer):
    torch.manual_seed(0)
    cfg = BertConfig(vocab_size=tokenizer.vocab_size, hidden_size=32, num_hidden_layers=2,
                     num_attention_heads=4, intermediate_size=37, max_position_embeddings=64)
    return AutoModel.from_config(cfg, attn_implementation="eager")


def _gpt2(tokenizer):
    torch.manual_seed(0)
    cfg = GPT2Config(vocab_size=tokenizer.vocab_size, n_embd=32, n_layer=2, n_head=4,
                     n_positions=64)
    return AutoModel.from_config(cfg, attn_implementation="eager")


@pytest.fixture(params=["bert", "gpt2"])
def lm(request, tokenizer):
    model = _bert(tokenizer) if request.param == "bert" else _gpt2(tokenizer)
    return AttentionModel(Config(device="cpu", batch_size=2), model=model, tokenizer=tokenizer)


def test_shapes_and_rows(lm):
    sents = _sentences()
    out = lm.attend(sents)
    assert [m.shape for m in out] == [(len(s), len(s)) for s in sents]
    for m in out:
        assert np.all(np.isfinite(m)) and np.all(m >= 0)
        assert m.sum() > 0


def test_an_encoder_is_read_as_it_is(tokenizer):
    lm = AttentionModel(Config(device="cpu"), model=_bert(tokenizer), tokenizer=tokenizer)
    assert not lm.info.causal
    out = lm.attend(_sentences())
    assert any(not np.allclose(np.triu(m, 1), np.tril(m, -1).T) for m in out)


def test_a_decoder_is_detected_and_its_forward_links_filled(tokenizer):
    lm = AttentionModel(Config(device="cpu"), model=_gpt2(tokenizer), tokenizer=tokenizer)
    assert lm.info.causal
    # a decoder attends backwards only; the forward link i -> j is read from j -> i
    for m in lm.attend(_sentences()):
        assert np.allclose(np.triu(m, 1), np.tril(m, -1).T)
        assert np.triu(m, 1).sum() > 0


@pytest.mark.parametrize("arch", ["bert", "gpt2", "llama"])
def test_results_independent_of_batch_size_and_order(tokenizer, arch):
    """Batches pad on the right, so neither a causal model's positions nor its weights depend
    on which sentences share a batch, even with a tokenizer that would pad on the left."""
    tokenizer = copy.deepcopy(tokenizer)
    tokenizer.padding_side = "left"
    if arch == "llama":  # grouped-query attention, rotary positions, read by the SDPA capture
        torch.manual_seed(0)
        model = AutoModel.from_config(_llama_config(tokenizer), attn_implementation="sdpa")
    else:
        model = {"bert": _bert, "gpt2": _gpt2}[arch](tokenizer)
    sents = _sentences()
    assert len({len(s.text) for s in sents}) > 1  # unequal lengths: padding happens
    one = AttentionModel(Config(device="cpu", batch_size=1), model=model, tokenizer=tokenizer)
    many = AttentionModel(Config(device="cpu", batch_size=4), model=model, tokenizer=tokenizer)
    a = one.attend(sents)
    b = many.attend(sents[::-1])[::-1]
    for x, y in zip(a, b):
        assert np.allclose(x, y, atol=1e-5)


def test_alignment_merges_word_pieces(tokenizer):
    model = _bert(tokenizer)
    lm = AttentionModel(Config(device="cpu"), model=model, tokenizer=tokenizer)
    s = sentence(["songwriters", "is"], ["NOUN", "AUX"])
    (piece_att, offsets), = lm.piece_attention([s.text])
    # 'songwriters' is not in the tiny vocabulary: it splits into 'songwriter' '##s'
    assert offsets == [(0, 10), (10, 11), (12, 14)]
    (token_att,) = lm.attend([s])
    n_song = 2
    expected = piece_att[n_song:, :n_song].mean()  # row 'is', columns of 'songwriter'
    assert token_att[1, 0] == pytest.approx(expected, rel=1e-5)


def test_layer_and_head_reduce(tokenizer):
    model = _bert(tokenizer)
    sents = _sentences()[:2]
    last = AttentionModel(Config(device="cpu"), model=model, tokenizer=tokenizer).attend(sents)
    first = AttentionModel(Config(device="cpu", layer=0), model=model,
                           tokenizer=tokenizer).attend(sents)
    mx = AttentionModel(Config(device="cpu", head_reduce="max"), model=model,
                        tokenizer=tokenizer).attend(sents)
    assert not np.allclose(last[0], first[0])
    assert np.all(mx[0] >= last[0] - 1e-6)


def test_layer_out_of_range(tokenizer):
    from mamakg.errors import MamakgError

    with pytest.raises(MamakgError, match="out of range"):
        AttentionModel(Config(device="cpu", layer=5), model=_bert(tokenizer), tokenizer=tokenizer)


def test_sentence_longer_than_the_model_is_truncated_not_crashing(tokenizer):
    model = _bert(tokenizer)  # 64 positions
    lm = AttentionModel(Config(device="cpu"), model=model, tokenizer=tokenizer)
    words = ["cat"] * 100
    window = lm.attend_window([sentence(words, ["NOUN"] * 100), sentence(["cat"], ["NOUN"])])
    m = window.attentions[0]
    assert m.shape == (100, 100)
    assert m[-1].sum() == 0  # tokens past the model's limit get no attention
    assert window.n_truncated == 1


def test_full_pipeline_with_tiny_model(tokenizer):
    from mamakg.match import match_sentence

    model = _gpt2(tokenizer)
    lm = AttentionModel(Config(device="cpu"), model=model, tokenizer=tokenizer)
    s = sentence(["Bob", "Dylan", "is", "a", "songwriter"], ["PROPN", "PROPN", "AUX", "DET", "NOUN"],
                 chunks=[(0, 2), (3, 5)])
    (att,) = lm.attend([s])
    (cand,) = match_sentence(s, att, Config())
    assert cand.relation == (2,) and cand.score > 0


def test_truncation_is_counted_per_window_when_a_model_is_reused(tokenizer):
    from mamakg.pipeline import attend_windows, match_window

    lm = AttentionModel(Config(device="cpu"), model=_bert(tokenizer), tokenizer=tokenizer)
    long = sentence(["cat"] * 100, ["NOUN"] * 100)
    for _ in range(2):  # the CLI keeps one model per process across builds
        (window,) = attend_windows([long], lm, Config(device="cpu"))
        assert window.n_truncated == 1
        assert match_window(window, Config(device="cpu"))[1].n_truncated == 1


def _llama_config(tokenizer):
    from transformers import LlamaConfig

    torch.manual_seed(0)
    cfg = LlamaConfig(vocab_size=tokenizer.vocab_size, hidden_size=32, num_hidden_layers=2,
                      num_attention_heads=4, num_key_value_heads=2, intermediate_size=37,
                      max_position_embeddings=64)  # grouped-query attention: 2 key heads
    return cfg


@pytest.mark.parametrize("arch", ["bert", "gpt2", "llama"])
@pytest.mark.parametrize("layer", [0, -1])
@pytest.mark.parametrize("reduce", ["mean", "max"])
def test_single_layer_capture_equals_eager_attention_in_every_layer(tokenizer, arch, layer,
                                                                    reduce):
    """An SDPA model computes the weights of the layer read on their own; they must be the
    weights eager attention returns (padding, causal masks and grouped heads included)."""
    cfg = {"bert": lambda: _bert(tokenizer).config, "gpt2": lambda: _gpt2(tokenizer).config,
           "llama": lambda: _llama_config(tokenizer)}[arch]()
    config = Config(device="cpu", layer=layer, head_reduce=reduce, batch_size=3)
    out = {}
    for impl in ("eager", "sdpa"):
        torch.manual_seed(1)
        model = AutoModel.from_config(cfg, attn_implementation=impl)
        lm = AttentionModel(config, model=model, tokenizer=tokenizer)
        assert (lm._capture is not None) == (impl == "sdpa")
        out[impl] = lm.attend(_sentences())  # batches of 3 sentences of unequal length: padding
    for eager, captured in zip(out["eager"], out["sdpa"]):
        assert captured.shape == eager.shape
        assert np.allclose(captured, eager, atol=1e-6)


ONEDNN = torch.backends.mkldnn.is_available() and platform.machine().lower() in ("x86_64",
                                                                               "amd64")
"""Whether a build runs linear layers on oneDNN here (`attention.onednn_linears`)."""


def _linear_layers(model):
    from transformers.pytorch_utils import Conv1D

    return [m for m in model.modules() if isinstance(m, torch.nn.Linear | Conv1D)]


@pytest.mark.skipif(not ONEDNN, reason="torch without oneDNN, or not x86-64")
@pytest.mark.parametrize("arch", ["bert", "gpt2", "llama"])
def test_linear_layers_on_onednn_give_the_attention_torchs_kernels_give(tokenizer, arch,
                                                                         monkeypatch):
    """On a CPU in float32 every linear layer (GPT-2's Conv1D, Llama's layers without a bias)
    runs oneDNN's kernel; the attention read is torch's own to float32 rounding."""
    if arch == "llama":
        torch.manual_seed(0)
        model = AutoModel.from_config(_llama_config(tokenizer), attn_implementation="sdpa")
    else:
        model = {"bert": _bert, "gpt2": _gpt2}[arch](tokenizer)
    config = Config(device="cpu", batch_size=3)
    monkeypatch.setenv("MAMAKG_ONEDNN", "0")
    plain = AttentionModel(config, model=model, tokenizer=tokenizer)
    assert not any(type(m).__name__.startswith("OneDnn") for m in model.modules())
    want = plain.attend(_sentences())
    monkeypatch.delenv("MAMAKG_ONEDNN")
    onednn = AttentionModel(config, model=model, tokenizer=tokenizer)  # the same model, changed
    layers = _linear_layers(model)
    assert layers and all(type(m).__name__.startswith("OneDnn") for m in layers)
    assert plain.onednn_layers == 0 and onednn.onednn_layers == len(layers)
    for a, b in zip(want, onednn.attend(_sentences()), strict=True):
        assert np.allclose(a, b, atol=1e-6)


def test_onednn_is_not_used_where_it_cannot_serve(tokenizer, monkeypatch):
    """Left alone: a model not in float32, and a layer kind whose oneDNN result disagrees with
    torch's (a kernel that fails or is wrong on this machine); under autograd a changed
    layer runs torch's own forward pass."""
    import mamakg.attention as attention

    class Wrong(torch.nn.Linear):
        def forward(self, x):
            return super().forward(x) * 1.01

    class Failing(torch.nn.Linear):
        def forward(self, x):
            raise RuntimeError("no kernel for this machine")

    probe = torch.nn.Linear(8, 4)
    assert not attention._agrees(probe, Wrong)
    assert not attention._agrees(probe, Failing)
    assert attention._agrees(probe, torch.nn.Linear)
    bf16 = _bert(tokenizer).to(torch.bfloat16)
    assert attention.onednn_linears(bf16) == 0
    monkeypatch.setattr(attention, "_agrees", lambda *_: False)
    model = _bert(tokenizer)
    assert attention.onednn_linears(model) == 0
    assert all(type(m) is torch.nn.Linear for m in _linear_layers(model))
    monkeypatch.undo()
    if not ONEDNN:
        return
    assert attention.onednn_linears(model) == len(_linear_layers(model)) > 0
    layer = _linear_layers(model)[0]
    rows = torch.randn(2, layer.in_features)
    out = layer(rows)  # autograd on: torch's kernel
    assert out.requires_grad
    assert torch.equal(out, torch.nn.functional.linear(rows, layer.weight, layer.bias))


def test_a_model_on_onednn_pickles_for_a_spawned_worker(tokenizer):
    """A build hands its embedding model to spawned worker processes where fork is missing:
    the changed layers' classes are found again by name."""
    import pickle

    import mamakg.attention as attention

    model = _bert(tokenizer).eval()
    attention.onednn_linears(model)
    again = pickle.loads(pickle.dumps(model))
    assert [type(m) for m in _linear_layers(again)] == [type(m) for m in _linear_layers(model)]
    assert not ONEDNN or type(_linear_layers(again)[0]).__name__ == "OneDnnLinear"
