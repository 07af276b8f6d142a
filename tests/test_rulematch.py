"""The attribute ruler's matches found with array operations (`mamakg.rulematch`) are the
ones spaCy's own Matcher finds, in the same order, and the documents come out the same."""

from __future__ import annotations

import copy
import pickle

import pytest
import spacy
from spacy.tokens import Doc

from mamakg.rulematch import RuleMatcher, speed_up

WORDS = [
    ("I", "PRP", "nsubj"), ("ai", "VBP", "aux"), ("n't", "RB", "neg"), ("gon", "VBG", "ROOT"),
    ("na", "TO", "aux"), ("go", "VB", "xcomp"), (",", ",", "punct"), ("y'", "PRP", "nsubj"),
    ("all", "DT", "det"), ("\n", "_SP", ""), ("There", "EX", "expl"), ("is", "VBZ", "ROOT"),
    ("nothin'", "NN", "attr"), ("that", "WDT", "nsubj"), ("gets", "VBZ", "relcl"),
    ("it", "PRP", "dobj"), ("but", "CC", "advmod"), ("nuthin'", "NN", "dobj"),
    ("if", "IN", "mark"), ("that", "DT", "det"), ("dog", "NN", "nsubj"), ("got", "VBD", "advcl"),
    ("gon", "NN", "dobj"),
]


def _ruler():
    nlp = spacy.blank("en")
    ruler = nlp.add_pipe("attribute_ruler")
    ruler.add([[{"TAG": "PRP"}]], {"POS": "PRON"})
    ruler.add([[{"TAG": "VBZ", "LOWER": {"IN": ["is", "'s"]}}]], {"POS": "AUX", "LEMMA": "be"})
    ruler.add([[{"LOWER": "i", "DEP": "nsubj"}]], {"MORPH": "Case=Nom|Person=1"})
    ruler.add([[{"TAG": {"IN": ["VBP", "VBZ"]}, "LOWER": "ai"}, {"LOWER": {"REGEX": "^n'?t$"}}]],
              {"LEMMA": "be"})
    ruler.add([[{"LOWER": {"REGEX": "^n[ou]thin'$"}}]], {"LEMMA": "nothing"})
    ruler.add([[{"LOWER": "gon"}, {"LOWER": "na"}]], {"LEMMA": "to"}, index=1)
    ruler.add([[{"LOWER": {"REGEX": "^y'?$"}}, {"LOWER": "all"}]], {"LEMMA": "you"})
    ruler.add([[{"DEP": {"NOT_IN": ["det", "quantmod", ""]}, "TAG": {"IN": ["DT", "WDT"]}}]],
              {"POS": "PRON"})
    ruler.add([[{"DEP": "expl"}, {"LOWER": {"IN": ["is", "are"]}}]], {"POS": "VERB"}, index=-1)
    ruler.add([[{"TAG": "VBZ", "LOWER": "gets"}], [{"TAG": "VBD", "LOWER": "got"}]],
              {"LEMMA": "get"})
    ruler.add([[{"TAG": "CC", "LOWER": "but", "DEP": "advmod"}]], {"POS": "ADV"})
    ruler.add([[{"IS_SPACE": True}]], {"TAG": "_SP", "POS": "SPACE"})
    ruler.add([[{"TAG": "PRP"}]], {"POS": "X"})  # a later rule overrides an earlier one
    return nlp, ruler


def _docs(vocab) -> list[Doc]:
    words, tags, deps = zip(*WORDS)
    heads = [0] * len(words)
    whole = Doc(vocab, words=list(words), tags=list(tags), deps=list(deps), heads=heads)
    docs = [whole]
    for begin, end in ((0, 3), (3, 5), (4, 9), (10, 12), (12, 23), (0, 1)):  # edges cut patterns
        docs.append(Doc(vocab, words=list(words[begin:end]), tags=list(tags[begin:end]),
                        deps=list(deps[begin:end]), heads=[0] * (end - begin)))
    docs.append(Doc(vocab, words=[]))
    return docs


def _reading(doc: Doc) -> list[tuple[str, ...]]:
    return [(t.text, t.tag_, t.pos_, t.dep_, str(t.morph), t.lemma_) for t in doc]


def test_the_matches_of_spacys_matcher_in_its_order():
    nlp, ruler = _ruler()
    fast = RuleMatcher.of(ruler)
    assert fast is not None
    docs = _docs(nlp.vocab)
    expected = [ruler.match(doc) for doc in docs]
    assert any(len(m) > 10 for m in expected)  # the text exercises the rules
    assert fast.batch(docs) == expected
    assert [fast(doc) for doc in docs] == expected
    assert fast.batch(docs[3:5]) == expected[3:5]
    sent = pickle.loads(pickle.dumps(fast))  # as a process started by spawning receives it
    assert sent.batch(docs) == expected


def test_a_sped_up_ruler_writes_what_spacys_writes():
    nlp, ruler = _ruler()
    plain = [_reading(ruler(doc)) for doc in _docs(nlp.vocab)]
    assert speed_up(nlp)
    one_by_one = [_reading(ruler(doc)) for doc in _docs(nlp.vocab)]
    piped = [_reading(doc) for doc in ruler.pipe(_docs(nlp.vocab), batch_size=3)]
    assert one_by_one == plain and piped == plain
    assert plain[0][1][4] == "" and plain[0][0][2] == "X"  # the override, as spaCy applies it
    copy.deepcopy(ruler.pipe)  # plain data: it goes to worker processes as it is


def test_a_ruler_without_patterns_is_left_as_it_is():
    nlp = spacy.blank("en")
    ruler = nlp.add_pipe("attribute_ruler")
    assert RuleMatcher.of(ruler) is None and not speed_up(nlp)
    assert [t.text for t in nlp("A cat sat")] == ["A", "cat", "sat"]  # the ruler runs


@pytest.mark.parametrize("pattern", [
    [{"LOWER": "a", "OP": "?"}],         # operators are not handled here
    [{"LEMMA": "be"}],                   # nor attributes other than the four
    [{"LOWER": {"FUZZY": "colour"}}],    # nor other predicates
])
def test_a_ruler_with_other_patterns_is_left_as_it_is(pattern):
    nlp, ruler = _ruler()
    ruler.add([pattern], {"POS": "X"})
    assert RuleMatcher.of(ruler) is None
    assert not speed_up(nlp)
    assert "match" not in vars(ruler) and "pipe" not in vars(ruler)


def test_the_english_pipeline_reads_as_spacy_loads_it(nlp):
    """The pipeline `load_nlp` gives has the array matcher and reads text with every kind of
    rule of en_core_web_sm's ruler as the pipeline spaCy loads does."""
    from mamakg.parse import DEFAULT_SPACY_MODELS

    ruler = nlp.get_pipe("attribute_ruler")
    assert isinstance(vars(ruler).get("match"), RuleMatcher)
    for name in DEFAULT_SPACY_MODELS:
        try:
            plain = spacy.load(name)
            break
        except OSError:
            continue
    texts = ["I ain't gonna do it, y'all. Let's go! C'm on, it's nothin'. You got ta see it.",
             "There is a cat; there are dogs.\n\n  Nuthin' but   tabs\there, but that's it.",
             "\"Quote\" ``this'' if you will. Do you have it? I'd have done it. It is I.", ""]

    def reading(docs):
        return [[(t.text, t.tag_, t.pos_, t.dep_, str(t.morph), t.lemma_) for t in doc]
                for doc in docs]

    assert reading(nlp.pipe(texts)) == reading(plain.pipe(texts))
    assert reading(nlp(t) for t in texts) == reading(plain(t) for t in texts)
