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

from mamakg.config import Config
from mamakg.normalize import entity_key, has_content, relation_key
from mamakg.types import Candidate, Drop, Mention, PathStep

__all__ = ["Drop", "check_candidate", "is_self_loop", "to_mention"]


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


def to_mention(candidate: Candidate, store_path: bool = True,
               score: float | None = None) -> Mention:
    """The `Mention` of a candidate that passed `check_candidate`: its spans and keys; `score`
    replaces the matching degree as the mention's confidence when given
    (`mamakg.refine.confidence`; the matching degree is then kept as `Mention.degree`). What
    head and tail are, and the readings between named entities, are the Map stage's
    (`mamakg.mapping.annotate`)."""
    s = candidate.sentence
    rel = candidate.relation
    return Mention(
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
        # weights rounded as the store's JSON keeps them: a mention reads the same decoded
        path=tuple(PathStep(step.text, round(float(step.weight), 6)) for step in candidate.path)
        if store_path else (),
        degree=None if score is None or score == candidate.score else round(candidate.score, 6),
    )
