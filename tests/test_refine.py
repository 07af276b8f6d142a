"""Refinements of candidates (mamakg.refine) on hand-built sentences."""

import numpy as np
import pytest

from mamakg.config import Confidence, Config, PairMode, Preset, RelationSpan
from mamakg.filters import Drop, check_candidate, to_mention
from mamakg.refine import (
    confidence,
    extend_tail,
    first_to_last,
    number_entities,
    refine,
    trim_edges,
    verb_subject,
    whole_gap,
)
from mamakg.types import Candidate, PathStep

from helpers import dylan, sentence


def senate():
    """'Obama , and was a member of the Senate' with chunks [Obama] [a member] [the Senate]."""
    return sentence(
        ["Obama", ",", "and", "was", "a", "member", "of", "the", "Senate"],
        ["PROPN", "PUNCT", "CCONJ", "AUX", "DET", "NOUN", "ADP", "DET", "PROPN"],
        deps=["nsubj", "punct", "cc", "ROOT", "det", "attr", "prep", "det", "pobj"],
        lemmas=["obama", ",", "and", "be", "a", "member", "of", "the", "senate"],
        chunks=[(0, 1), (4, 6), (7, 9)],
    )


def born():
    """'He was born in Paris' with chunks [He] [Paris]."""
    return sentence(["He", "was", "born", "in", "Paris"], ["PRON", "AUX", "VERB", "ADP", "PROPN"],
                    deps=["nsubjpass", "auxpass", "ROOT", "prep", "pobj"],
                    lemmas=["he", "be", "bear", "in", "paris"], chunks=[(0, 1), (4, 5)])


def cand(s, head, tail, rel, score=0.5, path=()):
    return Candidate(s, head, tail, tuple(rel), score, tuple(path))


def test_first_to_last_fills_gaps():
    c = cand(born(), (0, 1), (4, 5), (1, 3))
    assert check_candidate(c, Config()) is Drop.NOT_CONTIGUOUS  # paper: dropped
    filled = first_to_last(c)
    assert filled.relation == (1, 2, 3)
    assert check_candidate(filled, Config()) is None
    assert to_mention(filled).relation.text == "was born in"


def test_trim_edges_strips_punctuation_and_conjunctions():
    s = senate()
    c = trim_edges(cand(s, (0, 1), (4, 6), (1, 2, 3)))
    assert c.relation == (3,)
    assert to_mention(c).relation.text == "was"


def test_trim_edges_runs_on_over_prepositions_to_the_tail():
    c = trim_edges(cand(born(), (0, 1), (4, 5), (1, 2)))
    assert c.relation == (1, 2, 3)


def test_trim_edges_may_leave_nothing_and_the_filter_drops_it():
    s = senate()
    c = trim_edges(cand(s, (0, 1), (4, 6), (1, 2)))
    assert c.relation == ()
    assert check_candidate(c, Config()) is Drop.NOT_CONTIGUOUS


def test_trim_edges_leaves_gapped_relations_alone():
    c = cand(born(), (0, 1), (4, 5), (1, 3))
    assert trim_edges(c) is c


def test_extend_tail_over_preposition_and_chunk():
    s = senate()
    c = extend_tail(cand(s, (0, 1), (4, 6), (3,)))
    assert c.tail == (4, 9)
    m = to_mention(c)
    assert m.tail.text == "a member of the Senate"
    assert m.tail_key == "member of the senate"
    # nothing to extend over at the end of the sentence
    last = cand(born(), (0, 1), (4, 5), (1, 2, 3))
    assert extend_tail(last) is last


def test_extend_tail_over_a_run_of_prepositional_phrases():
    s = sentence(["He", "was", "a", "clerk", "in", "the", "depot", "at", "Kettering", "in",
                  "1941", "."],
                 ["PRON", "AUX", "DET", "NOUN", "ADP", "DET", "NOUN", "ADP", "PROPN", "ADP",
                  "NUM", "PUNCT"], chunks=[(0, 1), (2, 4), (5, 7), (8, 9)])
    assert extend_tail(cand(s, (0, 1), (2, 4), (1,))).tail == (2, 9)  # stops before "in 1941"
    assert extend_tail(cand(number_entities(s), (0, 1), (2, 4), (1,))).tail == (2, 11)


def test_number_entities_adds_runs_of_numbers_outside_chunks():
    s = sentence(["It", "rose", "to", "4.25", "in", "1990", "and", "the", "10", "cats"],
                 ["PRON", "VERB", "ADP", "NUM", "ADP", "NUM", "CCONJ", "DET", "NUM", "NOUN"],
                 chunks=[(0, 1), (7, 10)])
    assert number_entities(s).chunks == ((0, 1), (3, 4), (5, 6), (7, 10))  # "10" is inside
    plain = sentence(["It", "rose"], ["PRON", "VERB"], chunks=[(0, 1)])
    assert number_entities(plain) is plain


def test_copula_relations_only_when_asked():
    c = cand(dylan(), (0, 2), (3, 5), (2,))
    assert check_candidate(c, Config()) is Drop.NO_CONTENT  # paper: "is" is a stop word
    assert check_candidate(c, Config(copula_relations=True)) is None
    aux = cand(born(), (0, 1), (4, 5), (1,))  # "was" as an auxiliary is no relation
    assert check_candidate(aux, Config(copula_relations=True)) is Drop.NO_CONTENT


def test_self_loops_dropped_only_when_asked():
    s = sentence(["it", "is", "it"], ["PRON", "VERB", "PRON"], chunks=[(0, 1), (2, 3)])
    c = cand(s, (0, 1), (2, 3), (1,))
    assert check_candidate(c, Config()) is None
    assert check_candidate(c, Config(drop_self_loops=True)) is Drop.SELF_LOOP


def test_confidence_sum_mean_tiered():
    path = (PathStep("He", 0.0), PathStep("was", 0.2), PathStep("born", 0.3), PathStep("Paris", 0.1))
    verb = cand(born(), (0, 1), (4, 5), (1, 2), score=0.6, path=path)
    assert confidence(verb, Confidence.SUM) == pytest.approx(0.6)
    assert confidence(verb, Confidence.MEAN) == pytest.approx(0.2)  # 3 steps
    assert confidence(verb, Confidence.TIERED) == 1.0
    prep = cand(born(), (0, 1), (4, 5), (3,), score=0.9)
    assert confidence(prep, Confidence.TIERED) == 0.5
    assert to_mention(prep, score=0.5).score == 0.5


def test_refine_applies_what_the_config_switches_on():
    s = senate()
    c = cand(s, (0, 1), (4, 6), (1, 3))
    assert refine(c, Config()) is c  # paper settings: untouched
    config = Config(relation_span=RelationSpan.FIRST_LAST, relation_edges=True, extend_tail=True)
    r = refine(c, config)
    assert (r.relation, r.tail) == ((3,), (4, 9))


def test_presets():
    paper = Config.preset(Preset.PAPER)
    assert paper == Config()  # the paper's settings are the field defaults
    assert (paper.relation_span, paper.relation_edges, paper.extend_tail, paper.confidence,
            paper.pairs) == (RelationSpan.CONTIGUOUS, False, False, Confidence.SUM, PairMode.ALL)
    default = Config.preset("default")
    assert default.relation_span is RelationSpan.GAP and default.extend_tail
    assert default.number_entities and default.verb_subject
    assert not paper.number_entities and not paper.verb_subject
    assert Config.preset("default", confidence="sum").confidence is Confidence.SUM
    with pytest.raises(Exception, match="tiered"):
        Config(confidence="bogus")


def test_pipeline_mentions_use_refinements_and_constant_attention():
    from mamakg.pipeline import match_window
    from mamakg.types import Window

    s = senate()
    window = Window((s,), (np.eye(len(s), k=1) + 0.01,))
    config = Config.preset("default")
    mentions, counts = match_window(window, config)
    assert counts.n_sentences == 1 and counts.n_candidates >= len(mentions)
    triples = {(m.head.text, m.relation.text, m.tail.text, m.score) for m in mentions}
    assert ("Obama", "was", "a member of the Senate", 1.0) in triples
    flat = config.replace(constant_attention=True)
    mentions, _ = match_window(window, flat)
    assert mentions
    for m in mentions:  # every step of every path weighs the same, 1 / n_tokens
        assert [step.weight for step in m.path[1:]] == pytest.approx([1 / len(s)] * (len(m.path) - 1))


def _parsed(words, pos, deps, heads, chunks, lemmas=None):
    import dataclasses

    return dataclasses.replace(sentence(words, pos, deps=deps, chunks=chunks, lemmas=lemmas),
                               heads=tuple(heads))


def test_verb_subject_skips_an_apposition():
    s = _parsed(["Obama", ",", "the", "president", ",", "was", "born", "in", "Hawaii"],
                ["PROPN", "PUNCT", "DET", "NOUN", "PUNCT", "AUX", "VERB", "ADP", "PROPN"],
                ["nsubjpass", "punct", "det", "appos", "punct", "auxpass", "ROOT", "prep",
                 "pobj"], [6, 0, 3, 0, 0, 6, 6, 6, 7], [(0, 1), (2, 4), (8, 9)])
    c = verb_subject(cand(s, (2, 4), (8, 9), [5, 6, 7]))
    assert c.head == (0, 1) and c.relation == (5, 6, 7) and c.tail == (8, 9)


def test_verb_subject_resolves_a_relative_pronoun_to_its_noun():
    s = _parsed(["a", "footballer", "who", "plays", "for", "the", "Jets"],
                ["DET", "NOUN", "PRON", "VERB", "ADP", "DET", "PROPN"],
                ["det", "ROOT", "nsubj", "relcl", "prep", "det", "pobj"],
                [1, 1, 3, 1, 3, 6, 4], [(0, 2), (2, 3), (5, 7)])
    assert verb_subject(cand(s, (2, 3), (5, 7), [3, 4])).head == (0, 2)


def test_verb_subject_follows_coordination_to_the_first_verb():
    s = _parsed(["He", "joined", "IBM", "and", "founded", "Apple"],
                ["PRON", "VERB", "PROPN", "CCONJ", "VERB", "PROPN"],
                ["nsubj", "ROOT", "dobj", "cc", "conj", "dobj"],
                [1, 1, 1, 1, 1, 4], [(0, 1), (2, 3), (5, 6)])
    assert verb_subject(cand(s, (2, 3), (5, 6), [3, 4])).head == (0, 1)
    assert verb_subject(cand(s, (0, 1), (2, 3), [1])).head == (0, 1)  # already the subject


def test_verb_subject_leaves_candidates_without_a_usable_subject():
    s = born()  # no heads: a hand-made sentence
    c = cand(s, (0, 1), (4, 5), [1, 2, 3])
    assert verb_subject(c) == c
    # the verb's subject is the tail (after the relation): left alone
    t = _parsed(["Paris", "was", "visited", "by", "him"], ["PROPN", "AUX", "VERB", "ADP", "PRON"],
                ["dobj", "auxpass", "ROOT", "agent", "nsubj"], [2, 2, 2, 2, 3],
                [(0, 1), (4, 5)])
    c = cand(t, (0, 1), (4, 5), [1, 2, 3])
    assert verb_subject(c) == c


def test_parsed_sentences_carry_heads(nlp):
    from mamakg.parse import parse_documents
    from mamakg.types import Document

    (s,) = parse_documents([Document("d", "Obama, the president, was born in Hawaii.")], nlp)
    assert len(s.heads) == len(s) and s.heads[s.words.index("born")] == s.words.index("born")
    assert s.heads[s.words.index("Obama")] == s.words.index("born")


def test_number_entities_keep_dates_whole():
    s = sentence(["He", "was", "born", "on", "16", "November", "1991", "and", "died", "on",
                  "May", "2", ",", "2001", "in", "Paris"],
                 ["PRON", "AUX", "VERB", "ADP", "NUM", "PROPN", "NUM", "CCONJ", "VERB", "ADP",
                  "PROPN", "NUM", "PUNCT", "NUM", "ADP", "PROPN"],
                 chunks=[(0, 1), (5, 6), (10, 11), (15, 16)])
    assert number_entities(s).chunks == ((0, 1), (4, 7), (10, 14), (15, 16))
    # a month name alone is no number; "may" the verb is no month
    t = sentence(["They", "may", "meet", "in", "June"], ["PRON", "AUX", "VERB", "ADP", "PROPN"],
                 chunks=[(0, 1), (4, 5)])
    assert number_entities(t) is t


def test_whole_gap_takes_every_token_between_head_and_tail():
    s = senate()
    c = whole_gap(cand(s, (0, 1), (4, 6), (3,)))  # the path visited "was" only
    assert c.relation == (1, 2, 3)
    assert refine(cand(s, (0, 1), (4, 6), (3,)), Config.preset("default")).relation == (3,)
    touching = cand(s, (4, 6), (6, 9), ())
    assert whole_gap(touching) is touching
