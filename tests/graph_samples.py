"""Hand-made facts for the inspect / export / database tests (no model needed)."""

from __future__ import annotations

from hypothesis import assume
from hypothesis import strategies as st

from mamakg.rdf.vocab import IRIs
from mamakg.types import Entity, Fact, Mention, PathStep, Relation, RunInfo, TextSpan

BASE = "https://example.org/kg/"
MANIFEST = RunInfo(mamakg_version="0.1.0", model="tiny", model_revision="r1", spacy_model="none",
                   config={"beam_size": 6, "min_score": 0.005})


def mention(head: Entity, relation: Relation, tail: Entity, sentence: str, heads: str,
            rels: str, tails: str, *, doc_id: str = "t.txt:1", index: int = 0,
            score: float = 0.25, path: tuple[PathStep, ...] | None = None) -> Mention:
    """A mention whose spans are the first occurrences of the texts, in order."""
    h = sentence.index(heads)
    r = sentence.index(rels, h + len(heads))
    t = sentence.index(tails, r + len(rels))
    if path is None:
        path = (PathStep(heads, 0.0), PathStep(rels, score / 2), PathStep(tails, score / 2))
    return Mention(doc_id=doc_id, sent_index=index, sentence=sentence, sent_start=0,
                   head=TextSpan(heads, h, h + len(heads)),
                   relation=TextSpan(rels, r, r + len(rels)),
                   tail=TextSpan(tails, t, t + len(tails)),
                   head_key=head.key, relation_key=relation.key, tail_key=tail.key,
                   score=score, path=path)


def fact(head: Entity, relation: Relation, tail: Entity, mentions: list[Mention]) -> Fact:
    return Fact(head, relation, tail, score=max(m.score for m in mentions),
                support=len({(m.doc_id, m.sent_index) for m in mentions}),
                mentions=tuple(mentions))


def sample_facts() -> list[Fact]:
    """Three facts: mapped, partial (its head shares a Q-id with the mapped fact's head),
    and one open fact full of quotes, backslashes, brackets, a line break and non-ASCII text.
    Sorted by keys, like a build's."""
    bob = Entity("bob dylan", "Bob Dylan", "Q392", 0.875)
    dylan = Entity("dylan", "Dylan", "Q392", 0.875)
    duluth = Entity("duluth", "Duluth", "Q485708", 0.75, aliases=("Twin Ports", "Zenith City"))
    songs = Entity("song", "songs")
    born = Relation("bear in", "was born in", "P19", 0.75, "label", "place of birth")
    wrote = Relation("write", "wrote")
    odd = Entity('he say "hi" \\ <x> {y}', 'He said "hi" \\ <x> {y}')
    cafe = Entity("café ; drop", "Café ; DROP", aliases=('Café "Drop" ; x',))
    says = Relation("$rows ]->( ?x", "$rows ]->( ?x")
    facts = [
        fact(bob, born, duluth, [
            mention(bob, born, duluth, "Bob Dylan was born in Duluth.", "Bob Dylan",
                    "was born in", "Duluth", doc_id="t.txt:2", score=0.5),
            mention(bob, born, duluth, "Bob Dylan was born in Duluth, Minnesota.", "Bob Dylan",
                    "was born in", "Duluth", doc_id="t.txt:10", score=0.375),
        ]),
        fact(dylan, wrote, songs, [
            mention(dylan, wrote, songs, "Dylan wrote songs.", "Dylan", "wrote", "songs",
                    doc_id="t.txt:3", index=1, path=()),
        ]),
        fact(odd, says, cafe, [
            mention(odd, says, cafe, 'He said "hi" \\ <x> {y} $rows ]->( ?x Café ; DROP\nend',
                    'He said "hi" \\ <x> {y}', "$rows ]->( ?x", "Café ; DROP",
                    doc_id="ü.txt:1", score=0.0625),
        ]),
    ]
    return sorted(facts, key=lambda f: (f.head.key, f.relation.key, f.tail.key))


def rounded(value):
    """`value` with every float rounded to 6 decimals, as the RDF outputs store them."""
    import dataclasses

    if isinstance(value, float):
        return round(value, 6)
    if isinstance(value, tuple) and hasattr(value, "_fields"):  # a named tuple (PathStep)
        return type(value)(*(rounded(v) for v in value))
    if isinstance(value, (list, tuple)):
        return type(value)(rounded(v) for v in value)
    if dataclasses.is_dataclass(value):
        return dataclasses.replace(value, **{f.name: rounded(getattr(value, f.name))
                                             for f in dataclasses.fields(value) if f.init})
    return value


# -- hypothesis: one fact whose every text is drawn from nasty characters --------------------

NASTY = st.text(
    alphabet=st.sampled_from(list('aZ09 _-.~"\'\\\n\r\t<>{}[]()$?:;,`#@%&|/*=+!^') +
                             ["é", "ß", "中", "🙂", "\u00a0", "\u200b"]),
    min_size=1, max_size=12)


@st.composite
def nasty_fact(draw):
    head_label, rel_label, tail_label = draw(NASTY), draw(NASTY), draw(NASTY)
    qid = draw(st.sampled_from([None, "Q42"]))
    head = Entity(draw(NASTY), head_label, qid, 0.5 if qid else 0.0)
    tail = Entity(draw(NASTY), tail_label)
    iris = IRIs(BASE)
    assume(iris.entity(head) != iris.entity(tail))
    pid = draw(st.sampled_from([None, "P31"]))
    relation = Relation(draw(NASTY), rel_label, pid, 0.5 if pid else 0.0,
                        "label" if pid else "none", draw(NASTY) if pid else None)
    sentence = f"{head_label} {rel_label} {tail_label}"
    a, b = len(head_label) + 1, len(head_label) + 1 + len(rel_label) + 1
    score = draw(st.floats(0, 1, allow_nan=False))
    mention = Mention(draw(NASTY), 0, sentence, 0, TextSpan(head_label, 0, len(head_label)),
                      TextSpan(rel_label, a, a + len(rel_label)),
                      TextSpan(tail_label, b, b + len(tail_label)),
                      head.key, relation.key, tail.key, score,
                      (PathStep(head_label, 0.0), PathStep(tail_label, score)))
    return Fact(head, relation, tail, score, 1, (mention,))
