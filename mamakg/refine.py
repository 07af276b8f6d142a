"""Refinements of a beam-search candidate before the Filter stage checks it (not in the paper).

Each one is a `Config` field; the paper preset switches them all off, and `default` keeps the
ones that measured better on more than one dev set (docs/quality.md, ablation table):

- `relation_span` FIRST_LAST: the relation is every token from the first to the last one on
  the path (the paper's filter drops a path that skips a token);
- `relation_edges`: a relation does not start or end with punctuation or a conjunction, and it
  runs on to the tail over the prepositions and particles that directly precede it
  ("born [in] Paris");
- `extend_tail`: a tail directly followed by "preposition + noun chunk" takes them in
  ("[a member of the Senate]");
- `drop_self_loops`: a fact whose head and tail normalize to the same entity is dropped
  (a Filter-stage check: `mamakg.filters.check_candidate`);
- `confidence`: the score written on a mention: the matching degree (paper), its mean per
  step, or two tiers, relations with a verb above relations without one.

Pure: works on `Sentence` columns, no torch, no spaCy.
"""

from __future__ import annotations

import dataclasses

from mamakg.config import Confidence, Config, RelationSpan
from mamakg.types import Candidate

__all__ = ["confidence", "extend_tail", "first_to_last", "refine", "trim_edges"]

_EDGE_POS = frozenset({"PUNCT", "CCONJ", "SCONJ", "SYM", "SPACE"})
"""Parts of speech a relation may not start or end with."""
_BRIDGE_POS = frozenset({"ADP", "PART"})
"""Parts of speech that join a relation to the tail that follows them."""
_VERB_POS = frozenset({"VERB", "AUX"})


def first_to_last(candidate: Candidate) -> Candidate:
    """The relation as the whole span from its first to its last token."""
    rel = candidate.relation
    if not rel:
        return candidate
    return dataclasses.replace(candidate, relation=tuple(range(rel[0], rel[-1] + 1)))


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
    return dataclasses.replace(candidate, relation=tuple(rel))


def extend_tail(candidate: Candidate) -> Candidate:
    """Extend the tail over a directly following preposition and the noun chunk after it:
    "a member | of | the Senate" -> tail "a member of the Senate"."""
    s = candidate.sentence
    end = candidate.tail[1]
    if end + 1 >= len(s) or s.pos[end] != "ADP":
        return candidate
    for start, chunk_end in s.chunks:
        if start == end + 1:
            return dataclasses.replace(candidate, tail=(candidate.tail[0], chunk_end))
    return candidate


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
    relation span, relation edges, tail extension)."""
    if config.relation_span is RelationSpan.FIRST_LAST:
        candidate = first_to_last(candidate)
    if config.relation_edges:
        candidate = trim_edges(candidate)
    if config.extend_tail:
        candidate = extend_tail(candidate)
    return candidate
