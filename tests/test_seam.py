"""The stage seam: `attend_windows` gives `Window`s whose token matrices are the reference
alignment's (align.py: `pieces_to_tokens` + `group_mean`, and `causal_fill` for a decoder),
merged on the device for a whole batch at once; `match_window` gives the mentions and counts
every caller adds up."""

from __future__ import annotations

import time

import numpy as np
import pytest
from test_tiny_models import SENTENCES, _bert, _gpt2, tokenizer  # noqa: F401  (fixture)

from mamakg.align import (
    causal_fill,
    group_mean,
    joined_plan,
    merge_plan,
    pieces_to_tokens,
    row_merges,
)
from mamakg.attention import AttentionModel
from mamakg.config import Config
from mamakg.pipeline import attend_windows, match_window
from mamakg.types import Window

from helpers import dylan, sentence


def _dense(plan, n_pieces):
    """The (B, T, P) averaging matrix of a plan."""
    out = np.zeros((len(plan.n_tokens), max(plan.n_tokens), n_pieces))
    out[plan.row, plan.token, plan.piece] = plan.weight
    return out


def _random_rows(rng, n_rows):
    """Rows of a batch as a tokenizer and spaCy might cut random texts: each row's piece
    offsets at their positions (special and padding pieces as empty spans), token offsets,
    text length, and the real pieces."""
    pieces_rows, tokens_rows, lengths, atts = [], [], [], []
    for _ in range(n_rows):
        # tokens: random words and gaps; pieces: random cuts of the text, some spanning a gap
        n = int(rng.integers(1, 9))
        tokens, at = [], 0
        for _ in range(n):
            at += int(rng.integers(0, 2))
            size = int(rng.integers(1, 6))
            tokens.append((at, at + size))
            at += size
        cuts = sorted({0, at, *rng.integers(0, at + 1, size=int(rng.integers(0, 6))).tolist()})
        pieces = [(a, z) for a, z in zip(cuts, cuts[1:]) if rng.random() < 0.9]  # some missing
        if rng.random() < 0.3:
            pieces = pieces[: len(pieces) // 2]  # cut short: the model's limit
        padded = [(0, 0), *pieces, (0, 0)] + [(0, 0)] * int(rng.integers(0, 3))  # CLS, SEP, pad
        pieces_rows.append(padded)
        tokens_rows.append(tokens)
        lengths.append(at)
        atts.append(pieces)
    return pieces_rows, tokens_rows, lengths, atts


def test_merge_plan_equals_the_reference_alignment_on_random_offsets():
    rng = np.random.default_rng(0)
    pieces_rows, tokens_rows, lengths, atts = _random_rows(rng, 30)
    width = max(len(p) for p in pieces_rows)
    plan = merge_plan(pieces_rows, tokens_rows, lengths)
    merge = _dense(plan, width)
    batch = rng.random((len(pieces_rows), width, width))
    merged = merge @ batch @ merge.transpose(0, 2, 1)  # (B, T, T)
    for b, (pieces, tokens) in enumerate(zip(atts, tokens_rows)):
        keep = [1 + k for k in range(len(pieces))]  # positions of the real pieces
        reference = group_mean(batch[b][np.ix_(keep, keep)], pieces_to_tokens(pieces, tokens))
        n = len(tokens)
        assert np.allclose(merged[b, :n, :n], reference, rtol=0, atol=1e-12)
        assert plan.n_tokens[b] == n
        groups = pieces_to_tokens(pieces, tokens)
        cut = bool(pieces) and pieces[-1][1] < lengths[b]
        assert plan.truncated[b] == (cut and any(not g for g in groups))


def test_a_batch_plan_joined_from_rows_made_apart_is_the_plan_of_the_batch():
    """Rows' merges made together (`row_merges`, as a spaCy worker makes a task's) join into
    any batch of them (`joined_plan`, in the order the Attend stage batches them) as the very
    plan `merge_plan` makes of that batch."""
    rng = np.random.default_rng(1)
    pieces_rows, tokens_rows, lengths, _ = _random_rows(rng, 40)
    merges = row_merges(pieces_rows, tokens_rows, lengths)
    for batch in ([int(i) for i in rng.permutation(40)[:k]] for k in (1, 7, 40)):
        expected = merge_plan([pieces_rows[i] for i in batch], [tokens_rows[i] for i in batch],
                              [lengths[i] for i in batch])
        got = joined_plan([merges[i][0] for i in batch], [len(tokens_rows[i]) for i in batch],
                          [merges[i][1] for i in batch])
        for field in ("row", "token", "piece", "weight"):
            a, b = getattr(got, field), getattr(expected, field)
            assert a.dtype == b.dtype and a.tobytes() == b.tobytes(), field
        assert (got.n_tokens, got.truncated) == (expected.n_tokens, expected.truncated)
    assert any(cut for _, cut in merges) and not all(cut for _, cut in merges)


@pytest.mark.parametrize("arch", ["bert", "gpt2"])
def test_windows_hold_the_reference_alignment_of_each_sentence(tokenizer, arch):  # noqa: F811
    model = {"bert": _bert, "gpt2": _gpt2}[arch](tokenizer)
    sents = [sentence(w, ["X"] * len(w), index=i) for i, w in enumerate(SENTENCES)]
    sents.append(sentence(["songwriters", "is"], ["NOUN", "AUX"]))
    config = Config(device="cpu", batch_size=len(sents))  # one batch, as piece_attention runs
    lm = AttentionModel(config, model=model, tokenizer=tokenizer)
    (window,) = attend_windows(sents, lm, config)
    assert window.sentences == tuple(sents) and window.n_truncated == 0
    for s, (piece_att, offsets), got in zip(sents, lm.piece_attention([s.text for s in sents]),
                                            window.attentions):
        if lm.info.causal:
            piece_att = causal_fill(piece_att)
        reference = group_mean(piece_att, pieces_to_tokens(offsets, s.offsets))
        assert got.dtype == np.float32
        assert np.allclose(got, reference.astype(np.float32), rtol=0, atol=1e-7)


def test_windows_cut_the_stream_and_count_their_own_truncations(tokenizer):  # noqa: F811
    lm = AttentionModel(Config(device="cpu"), model=_bert(tokenizer), tokenizer=tokenizer)
    config = Config(device="cpu", batch_size=2)  # windows of 16 x 2 sentences
    long = sentence(["cat"] * 100, ["NOUN"] * 100)  # past the tiny model's 64 positions
    sents = [dylan()] * 40 + [long]
    started = time.perf_counter()
    windows = list(attend_windows(iter(sents), lm, config))
    elapsed = time.perf_counter() - started
    assert [len(w.sentences) for w in windows] == [32, 9]
    assert [w.n_truncated for w in windows] == [0, 1]
    # on a CPU, the seconds of the model's own work: some, within the stage's
    assert all(w.device_seconds > 0 for w in windows)
    assert sum(w.device_seconds for w in windows) <= elapsed


def test_windows_launched_ahead_are_the_same_windows(tokenizer):  # noqa: F811
    """With `ahead` (an accelerator's default) the next window is launched before a window is
    handed on: the windows and their edges are those of one window at a time."""
    lm = AttentionModel(Config(device="cpu"), model=_bert(tokenizer), tokenizer=tokenizer)
    config = Config(device="cpu", batch_size=2)  # windows of 16 x 2 sentences
    sents = [sentence(w, ["X"] * len(w), doc_id=f"d{i // 7}", index=i % 7)
             for i, w in enumerate((SENTENCES * 20)[:75])]
    events: list[str] = []
    launch = lm.launch_window

    def spy(batch):
        events.append(f"launch {batch[0].doc_id}")
        return launch(batch)

    lm.launch_window = spy
    ahead = []
    for window in attend_windows(iter(sents), lm, config, ahead=True):
        events.append(f"window {window.sentences[0].doc_id}")
        ahead.append(window)
    assert events == ["launch d0", "launch d4", "window d0", "launch d9", "window d4",
                      "window d9"]
    one_at_a_time = list(attend_windows(iter(sents), lm, config, ahead=False))
    assert not lm.runs_ahead  # on a CPU, one at a time is the default
    assert [len(w.sentences) for w in ahead] == [32, 32, 11]
    for a, b in zip(ahead, one_at_a_time, strict=True):
        assert (a.sentences, a.n_truncated) == (b.sentences, b.n_truncated)
        assert (a.continues_before, a.continues_after) == (b.continues_before, b.continues_after)
        assert all(np.array_equal(x, y) for x, y in zip(a.attentions, b.attentions))
    assert [(w.continues_before, w.continues_after) for w in ahead] == \
        [(False, True), (True, True), (True, False)]


def test_match_pieces_cut_a_window_where_documents_begin():
    from mamakg.pipeline import match_pieces

    docs = ["a", "a", "a", "b", "c", "c", "c", "c", "d"]
    sents = tuple(sentence(["Bob", "Dylan"], ["PROPN"] * 2, doc_id=d, index=i)
                  for i, d in enumerate(docs))
    window = Window(sents, tuple(np.full((2, 2), i, dtype=np.float32) for i in range(9)), 3,
                    1.5, continues_before=True, continues_after=True)
    pieces = list(match_pieces(window, size=2))
    assert [[s.doc_id for s in p.sentences] for p in pieces] == \
        [["a", "a", "a"], ["b", "c", "c", "c", "c"], ["d"]]  # "b" alone is under 2
    assert [(p.continues_before, p.continues_after) for p in pieces] == \
        [(True, False), (False, False), (False, True)]
    assert [(p.n_truncated, p.device_seconds) for p in pieces] == [(3, 1.5), (0, 0), (0, 0)]
    assert sum((p.sentences for p in pieces), ()) == sents
    assert [float(a[0, 0]) for p in pieces for a in p.attentions] == list(range(9))
    assert list(match_pieces(window, size=9)) == [window]  # small enough: the window itself
    (one_doc,) = match_pieces(Window(sents[4:8], window.attentions[4:8]), size=1)
    assert one_doc.sentences == sents[4:8]  # a document is never cut


def test_match_window_counts_what_it_saw():
    s = dylan()
    att = np.zeros((5, 5))
    att[1, 2] = att[2, 4] = 0.4  # Dylan -> is -> songwriter
    trunc = sentence(["Bob"], ["PROPN"])
    trunc = type(trunc)(**{**trunc.__dict__, "truncated": True})
    window = Window((s, trunc), (att, np.zeros((1, 1))), 1)
    mentions, counts = match_window(window, Config(copula_relations=True))
    assert [(m.head.text, m.relation.text, m.tail.text) for m in mentions] == \
        [("Bob Dylan", "is", "a songwriter")]
    assert (counts.n_sentences, counts.n_truncated, counts.n_candidates) == (2, 2, 1)
    assert counts.dropped == ()
    mentions, counts = match_window(window, Config())  # the paper's: a copula alone is no relation
    assert mentions == [] and counts.dropped == (("no_content", 1),)


def test_a_window_checks_its_matrices():
    with pytest.raises(ValueError, match="does not fit"):
        Window((dylan(),), (np.zeros((4, 4)),))
    with pytest.raises(ValueError, match="one attention matrix per sentence"):
        Window((dylan(),), ())


@pytest.mark.parametrize("arch", ["bert", "gpt2"])
def test_pieces_cut_where_sentences_are_parsed_give_the_same_window(tokenizer, arch):  # noqa: F811
    """`Sentence.pieces` (made by the model's `PieceMaker` in a spaCy worker) are what the
    Attend stage would cut itself: the window is the same, truncation included, and a window
    with one sentence lacking them cuts them all itself."""
    import dataclasses

    model = {"bert": _bert, "gpt2": _gpt2}[arch](tokenizer)
    lm = AttentionModel(Config(device="cpu"), model=model, tokenizer=tokenizer)
    sents = [sentence(w, ["X"] * len(w), index=i) for i, w in enumerate(SENTENCES)]
    sents.append(sentence(["cat"] * 100, ["NOUN"] * 100))  # past the tiny model's positions
    cut = lm.piece_maker()(sents)
    with_pieces = [dataclasses.replace(s, pieces=p) for s, p in zip(sents, cut)]
    assert all(p.type_ids is not None for p in cut) == ("token_type_ids" in lm.encode(["x"]))
    plain, read = lm.attend_window(sents), lm.attend_window(with_pieces)
    assert read.n_truncated == plain.n_truncated == 1
    for a, b in zip(read.attentions, plain.attentions):
        assert np.array_equal(a, b)
    # pieces that are not the model's own would show: they are read when every sentence has them
    other = [dataclasses.replace(s, pieces=cut[0]) for s in sents]
    assert not np.array_equal(lm.attend_window(other).attentions[1], plain.attentions[1])
    mixed = [*other[:-1], sents[-1]]
    assert all(np.array_equal(a, b) for a, b in
               zip(lm.attend_window(mixed).attentions, plain.attentions))
