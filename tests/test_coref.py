"""Pronouns are never entities: resolved within their document or left out
(mamakg.mapping.coref)."""

from __future__ import annotations

from mamakg.mapping.coref import antecedent_kinds, resolve_document
from mamakg.types import Mention, TextSpan


def m(doc, index, head, rel, tail, head_type, tail_type):
    text = f"{head} {rel} {tail}"
    a, b = len(head) + 1, len(head) + len(rel) + 2
    return Mention(doc, index, text, 0, TextSpan(head, 0, len(head)),
                   TextSpan(rel, a, a + len(rel)), TextSpan(tail, b, b + len(tail)),
                   head.lower(), rel, tail.lower(), 1.0, head_type=head_type,
                   tail_type=tail_type)


def test_he_and_it_resolve_to_the_first_named_person_and_thing():
    doc = [m("d", 0, "Ann Lee", "founded", "Acme", "PERSON", "ORG"),
           m("d", 1, "She", "was born in", "Paris", "PRON", "GPE"),
           m("d", 2, "It", "is based in", "Lyon", "PRON", "GPE")]
    out = resolve_document(doc)
    assert [(r.mention.head_key, r.mention.head_type, r.resolved) for r in out] == [
        ("ann lee", "PERSON", ()), ("ann lee", "PERSON", ("head",)), ("acme", "ORG", ("head",))]
    # texts and offsets stay as written
    assert out[1].mention.head.text == "She"


def test_unresolvable_pronouns_are_left_out():
    doc = [m("d", 0, "He", "was born in", "Paris", "PRON", "GPE"),  # no one named before
           m("d", 1, "I", "like", "Acme", "PRON", "ORG"),  # first person: never
           m("d", 2, "which", "owns", "Acme", "PRON", "ORG")]  # relative: never here
    assert [r.mention for r in resolve_document(doc)] == [None, None, None]


def test_antecedents_must_come_first_and_fit_the_pronoun():
    doc = [m("d", 0, "Acme", "hired", "Bob Day", "ORG", "PERSON"),
           m("d", 1, "He", "lives in", "Rome", "PRON", "GPE"),
           m("d", 1, "They", "sell", "tools", "PRON", "")]
    out = resolve_document(doc)
    assert out[0].mention is not None
    assert out[1].mention.head_key == "bob day"
    assert out[2].mention.head_key == "acme"
    assert antecedent_kinds("his") == frozenset({"PERSON"})
