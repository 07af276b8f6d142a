"""Refinements of a beam-search candidate before the Filter stage checks it (not in the paper).

Each one is a `Config` field; the paper preset switches them all off, and `default` keeps the
ones that measured better on more than one dev set (docs/quality.md, ablation table):

- `relation_span` FIRST_LAST: the relation is every token from the first to the last one on
  the path (the paper's filter drops a path that skips a token); GAP: every token between
  head and tail, the path kept as provenance;
- `relation_edges`: a relation does not start or end with punctuation or a conjunction, and it
  runs on to the tail over the prepositions and particles that directly precede it
  ("born [in] Paris");
- `extend_tail`: a tail directly followed by "preposition + noun chunk" takes them in, as long
  as such pairs follow ("[a member of the Senate]", "[a clerk in the depot at Kettering]");
- `number_entities`: numbers, amounts and dates outside noun chunks become chunks too (applied
  to the sentence before the Match stage);
- `verb_subject`: the head is the noun chunk holding the subject of the relation's verb
  (through coordination and relative pronouns) when that is not the chunk just before it;
- `drop_self_loops`: a fact whose head and tail normalize to the same entity is dropped
  (a Filter-stage check: `mamakg.filters.check_candidate`);
- `confidence`: the score written on a mention: the matching degree (paper), its mean per
  step, or two tiers, relations with a verb above relations without one.

Pure: works on `Sentence` columns, no torch, no spaCy.
"""

from __future__ import annotations

from mamakg.config import Confidence, Config, RelationSpan
from mamakg.english import RELATIVIZERS, is_month
from mamakg.normalize import clause_subject, main_verb
from mamakg.types import Candidate, Sentence, evolve

__all__ = ["confidence", "extend_tail", "first_to_last", "number_entities", "refine", "trim_edges",
           "verb_subject", "whole_gap"]

_EDGE_POS = frozenset({"PUNCT", "CCONJ", "SCONJ", "SYM", "SPACE"})
"""Parts of speech a relation may not start or end with."""
_BRIDGE_POS = frozenset({"ADP", "PART"})
"""Parts of speech that join a relation to the tail that follows them."""
_VERB_POS = frozenset({"VERB", "AUX"})


def first_to_last(candidate: Candidate) -> Candidate:
    """The relation as the whole span from its first to its last token."""
    rel = candidate.relation
    span = tuple(range(rel[0], rel[-1] + 1)) if rel else rel
    return candidate if span == rel else evolve(candidate, relation=span)


def whole_gap(candidate: Candidate) -> Candidate:
    """The relation as every token between the head and the tail, whichever of them the path
    visited (with consecutive chunk pairs the gap holds no other chunk)."""
    gap = tuple(range(candidate.head[1], candidate.tail[0]))
    return evolve(candidate, relation=gap) \
        if gap and gap != candidate.relation else candidate


def trim_edges(candidate: Candidate) -> Candidate:
    """Strip punctuation and conjunctions from both ends of a contiguous relation, then run it
    on to the tail when only prepositions or particles lie between them.

    The relation may come back empty; the Filter stage then drops it.
    """
    s, rel = candidate.sentence, list(candidate.relation)
    if not rel or rel != list(range(rel[0], rel[-1] + 1)):
        return candidate
    while rel and s.pos[rel[0]] in _EDGE_POS:
        rel.pop(0)
    while rel and s.pos[rel[-1]] in _EDGE_POS:
        rel.pop()
    if rel:
        gap = range(rel[-1] + 1, candidate.tail[0])
        if len(gap) and all(s.pos[t] in _BRIDGE_POS for t in gap):
            rel.extend(gap)
    trimmed = tuple(rel)
    return candidate if trimmed == candidate.relation else \
        evolve(candidate, relation=trimmed)


def extend_tail(candidate: Candidate) -> Candidate:
    """Extend the tail over the run of "preposition + noun chunk" that directly follows it:
    "a member | of | the Senate" -> tail "a member of the Senate"; "a clerk | in | the depot |
    at | Kettering" -> tail "a clerk in the depot at Kettering"."""
    s = candidate.sentence
    starts = {start: end for start, end in s.chunks}
    tail_start, end = candidate.tail
    while end + 1 < len(s) and s.pos[end] == "ADP" and end + 1 in starts:
        end = starts[end + 1]
    if end == candidate.tail[1]:
        return candidate
    return evolve(candidate, tail=(tail_start, end))


def _subject_of(s: Sentence, verb: int) -> int | None:
    """The token that is the subject of `verb` (`normalize.clause_subject`, through
    coordination); a relative pronoun ("the man who founded Y") stands for the noun its clause
    modifies."""
    subject, verb = clause_subject(s, verb)
    if subject is not None and s.lemmas[subject] in RELATIVIZERS and \
            s.deps[verb] == "relcl" and s.heads[verb] >= 0:
        return s.heads[verb]
    return subject


def verb_subject(candidate: Candidate) -> Candidate:
    """The head becomes the noun chunk holding the subject of the relation's verb, when that
    chunk comes before the relation and is not the head already: consecutive chunk pairs
    otherwise give "the president" for "Obama, the president, was born in Hawaii", and "who"
    for "a footballer who plays for the Jets"."""
    s, rel = candidate.sentence, candidate.relation
    if not s.heads or not rel:
        return candidate
    verb = main_verb(s, rel)
    if verb is None:
        return candidate
    subject = _subject_of(s, verb)
    if subject is None or candidate.head[0] <= subject < candidate.head[1]:
        return candidate
    for start, end in s.chunks:
        if start <= subject < end:
            if end <= rel[0] and (start, end) != candidate.tail:
                return evolve(candidate, head=(start, end))
            break
    return candidate


def _date_or_number(s: Sentence, t: int) -> bool:
    return s.pos[t] == "NUM" or (s.pos[t] == "PROPN" and is_month(s.words[t]))


def number_entities(sentence: Sentence) -> Sentence:
    """The sentence with each number, amount or date outside the noun chunks added as a chunk
    ("in [1941]", "[4.25] an hour", "on [16 November 1991]", "[November 16, 1991]"): spaCy's
    noun chunks need a noun, so these are otherwise never heads or tails.

    A run is a maximal sequence of numbers and month names (a comma may join a month or day to
    a following number) holding at least one number; a noun chunk inside a run (a lone
    "November") gives way to it; a run that overlaps a chunk otherwise (the "10" of "the 10
    cats") is not added."""
    s = sentence
    runs: list[tuple[int, int]] = []
    t = 0
    while t < len(s):
        if not _date_or_number(s, t):
            t += 1
            continue
        end = t + 1
        while end < len(s):
            if _date_or_number(s, end):
                end += 1
            elif s.words[end] == "," and end + 1 < len(s) and s.pos[end + 1] == "NUM":
                end += 2
            else:
                break
        if any(s.pos[k] == "NUM" for k in range(t, end)):
            runs.append((t, end))
        t = end
    if not runs:
        return sentence
    chunks = list(s.chunks)
    added = []
    for start, end in runs:
        overlapping = [c for c in chunks if c[0] < end and start < c[1]]
        if all(start <= c[0] and c[1] <= end for c in overlapping):
            chunks = [c for c in chunks if c not in overlapping]
            added.append((start, end))
    if not added:
        return sentence
    return evolve(sentence, chunks=tuple(sorted(chunks + added)))


def confidence(candidate: Candidate, mode: Confidence) -> float:
    """The score written on the mention.

    SUM: the matching degree (paper). MEAN: the matching degree per step of the path.
    TIERED: 1.0 for a relation with a verb or auxiliary, 0.5 without. Ranking within a tier by
    attention measured worse than no ranking at all (docs/quality.md), so there is none.
    """
    if mode is Confidence.SUM:
        return candidate.score
    if mode is Confidence.MEAN:
        n_steps = len(candidate.path) - 1 if candidate.path else len(candidate.relation) + 1
        return candidate.score / max(n_steps, 1)
    s = candidate.sentence
    return 1.0 if any(s.pos[t] in _VERB_POS for t in candidate.relation) else 0.5


def refine(candidate: Candidate, config: Config) -> Candidate:
    """The candidate after the span refinements that `config` switches on (in this order:
    relation span, relation edges, tail extension, verb subject)."""
    if config.relation_span is RelationSpan.FIRST_LAST:
        candidate = first_to_last(candidate)
    elif config.relation_span is RelationSpan.GAP:
        candidate = whole_gap(candidate)
    if config.relation_edges:
        candidate = trim_edges(candidate)
    if config.extend_tail:
        candidate = extend_tail(candidate)
    if config.verb_subject:
        candidate = verb_subject(candidate)
    return candidate
