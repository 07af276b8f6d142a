"""Map stage, annotate: what the Map stage needs from a mention's sentence, read while the
parse is at hand, right after Match and the sentence-level Filter
(`mamakg.pipeline.match_window`): what head and tail are (`Mention.head_type`,
`Mention.tail_type`), the parts of speech of the relation's words (`Mention.relation_pos`) and
the mention read between the named entities inside its chunks (`Mention.readings`), from
`mamakg.mapping.arguments`. After this step the Map stage reads only mentions, never a
sentence.

Pure: works on `Sentence` columns, no spaCy.
"""

from __future__ import annotations

import dataclasses

from mamakg.mapping.arguments import clause_readings, narrow_readings, span_type
from mamakg.types import Candidate, Mention

__all__ = ["annotate"]


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


def annotate(mention: Mention, candidate: Candidate, clause: bool = False) -> Mention:
    """The mention of `candidate` (`mamakg.filters.to_mention`) with what its head and tail
    are and, where the chunks hold narrower named entities, its readings between those;
    with `clause`, also the readings of its chunks' entities with the subject of their
    clause."""
    s = candidate.sentence
    rel = candidate.relation
    mention = dataclasses.replace(mention, head_type=span_type(s, *candidate.head),
                                  tail_type=span_type(s, *candidate.tail),
                                  relation_pos=tuple(s.pos[t] for t in rel))
    if not s.entities:
        return mention
    readings = narrow_readings(s, mention, candidate.head, candidate.tail, rel)
    if clause:
        readings = _with_clause_readings(
            readings, clause_readings(s, mention, candidate.head, candidate.tail), mention)
    return dataclasses.replace(mention, readings=readings) if readings else mention
