"""Filter stage (paper section 2.1): keep the candidates that pass the paper's constraints.

Sentence level (`check_candidate`), per candidate:
  1. the matching degree reaches `min_score`;
  2. the relation is a contiguous span of the sentence (at most `max_relation_len` tokens);
  3. the normalized relation is not empty and not stop words only;
  4. with `drop_self_loops`, head and tail are not the same entity.
Corpus level: a relation must occur with at least `min_relation_pairs` distinct (head, tail)
pairs; the disk-backed store in `mamakg.store` counts them (`mamakg.mapping.facts`).
Pure: no torch, no spaCy.
"""

from __future__ import annotations

import dataclasses
import enum

from mamakg.config import Config
from mamakg.mapping.arguments import clause_readings, narrow_readings, span_type
from mamakg.normalize import entity_key, has_content, relation_key
from mamakg.types import Candidate, Mention

__all__ = ["Drop", "check_candidate", "is_self_loop", "to_mention"]


class Drop(str, enum.Enum):
    """Why a candidate was dropped (counted in the run summary)."""

    LOW_SCORE = "low_score"
    NOT_CONTIGUOUS = "not_contiguous"
    TOO_LONG = "too_long"
    NO_CONTENT = "no_content"
    RARE_RELATION = "rare_relation"
    SELF_LOOP = "self_loop"
    PRONOUN = "unresolved_pronoun"  # Map stage: a pronoun it could not resolve (graph only)
    VALUE_HEAD = "value_head"  # Map stage: a head that is a number or date (graph only)


def check_candidate(candidate: Candidate, config: Config) -> Drop | None:
    """The first sentence-level constraint the candidate breaks, or None if it passes."""
    if candidate.score < config.min_score:
        return Drop.LOW_SCORE
    rel = candidate.relation
    if not rel or list(rel) != list(range(rel[0], rel[-1] + 1)):
        return Drop.NOT_CONTIGUOUS
    if len(rel) > config.max_relation_len:
        return Drop.TOO_LONG
    if not has_content(candidate.sentence, rel, copula=config.copula_relations):
        return Drop.NO_CONTENT
    if config.drop_self_loops and is_self_loop(candidate):
        return Drop.SELF_LOOP
    return None


def is_self_loop(candidate: Candidate) -> bool:
    """Whether head and tail normalize to the same entity ("it ... it")."""
    s = candidate.sentence
    return entity_key(s, *candidate.head) == entity_key(s, *candidate.tail)


def _with_clause_readings(narrow: tuple[Mention, ...], clause: tuple[Mention, ...],
                          mention: Mention) -> tuple[Mention, ...]:
    """The narrow readings and the clause readings of a mention, one per (head, tail) pair
    that is not the mention's own: the narrow one, unless its relation is a bare copula where
    the clause reading says more ("is a British [Labour Party] politician": "politician")."""
    pairs = {(r.head.start, r.tail.start): r for r in narrow}
    for r in clause:
        pair = (r.head.start, r.tail.start)
        if pair == (mention.head.start, mention.tail.start):
            continue
        if pair not in pairs or pairs[pair].relation_key == "be":
            pairs[pair] = r
    return tuple(pairs.values())


def to_mention(candidate: Candidate, store_path: bool = True,
               score: float | None = None, clause: bool = False) -> Mention:
    """The `Mention` of a candidate that passed `check_candidate`; `score` replaces the
    matching degree as the mention's confidence when given (`mamakg.refine.confidence`; the
    matching degree is then kept as `Mention.degree`). The mention carries what its head and
    tail are and, where the chunks hold narrower named entities, the reading between those
    (`mamakg.mapping.arguments`), for the Map stage; with `clause`, also the readings of its
    chunks' entities with the subject of their clause."""
    s = candidate.sentence
    rel = candidate.relation
    mention = Mention(
        doc_id=s.doc_id,
        sent_index=s.index,
        sentence=s.text,
        sent_start=s.start,
        head=s.char_span(*candidate.head),
        relation=s.char_span(rel[0], rel[-1] + 1),
        tail=s.char_span(*candidate.tail),
        head_key=entity_key(s, *candidate.head),
        relation_key=relation_key(s, rel),
        tail_key=entity_key(s, *candidate.tail),
        score=round(candidate.score if score is None else score, 6),
        path=candidate.path if store_path else (),
        head_type=span_type(s, *candidate.head),
        tail_type=span_type(s, *candidate.tail),
        degree=None if score is None or score == candidate.score else round(candidate.score, 6),
    )
    if not s.entities:
        return mention
    readings = narrow_readings(s, mention, candidate.head, candidate.tail, rel)
    if clause:
        readings = _with_clause_readings(
            readings, clause_readings(s, mention, candidate.head, candidate.tail), mention)
    return dataclasses.replace(mention, readings=readings) if readings else mention
