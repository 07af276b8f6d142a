"""Map stage, annotate: what the Map stage needs from a mention's sentence, read while the
parse is at hand, right after Match and the sentence-level Filter
(`mamakg.pipeline.match_window`): what head and tail are (`Mention.head_type`,
`Mention.tail_type`) and, with ``--entity-boundaries``, the entity each chunk stands for as a
node (`Mention.head_node`, `Mention.tail_node`, keyed by `head_key`, `tail_key`), the
parts of speech of the relation's words (`Mention.relation_pos`) and the mention read between
the named entities inside its chunks, and with ``--chunk-facts`` inside one chunk, along
the sentence's chains of places and from a person's life dates in brackets
(`Mention.readings`), from `mamakg.mapping.arguments`, `mamakg.mapping.places` and
`mamakg.mapping.lifespans`. After this step the Map stage reads
only mentions, never a sentence.

Pure: works on `Sentence` columns, no spaCy.
"""

from __future__ import annotations

from collections.abc import Callable

from mamakg.mapping.arguments import (
    Spans,
    adjunct_readings,
    chunk_readings,
    clause_readings,
    cuts_a_name,
    listed_role_readings,
    narrow_readings,
    node_room,
    node_span,
    possessor_readings,
    relational_tail,
    role_readings,
    span_type,
)
from mamakg.mapping.lifespans import event_readings, life_readings
from mamakg.mapping.places import place_readings
from mamakg.normalize import entity_key, relation_key
from mamakg.types import Candidate, Mention, Sentence, evolve

__all__ = ["SentenceReadings", "annotate"]


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


def _nodes(s: Sentence, head: tuple[int, int], tail: tuple[int, int],
           relation: tuple[int, ...]) -> tuple[dict[str, object], Spans]:
    """The changes that give a mention the entities its chunks stand for as its nodes
    (`node_span`, within the words the relation and the other chunk leave, `node_room`):
    their spans, keys and kinds, and the relation that takes in a noun of the tail chunk
    (`relational_tail`); the chunks stay its head and tail. Also the two `node_span`s, as
    `narrow_readings` takes them."""
    changes: dict[str, object] = {}
    spans: list[tuple[int, int] | None] = []
    for slot, chunk, other in (("head", head, tail), ("tail", tail, head)):
        node = node_span(s, *chunk, node_room(s, chunk, other, relation))
        spans.append(node)
        if slot == "tail":
            related = relational_tail(s, chunk, node, relation)
            if related is not None:  # "was a member of | the Advisory Council"
                rel, key, (start, end, _) = related
                node = start, end
                changes["relation_node"] = s.char_span(rel[0], rel[-1] + 1)
                changes["relation_key"] = relation_key(s, key)
                changes["relation_pos"] = tuple(s.pos[t] for t in range(rel[0], rel[-1] + 1))
        if node is not None:
            changes[f"{slot}_node"] = s.char_span(*node)
            changes[f"{slot}_key"] = entity_key(s, *node)
            changes[f"{slot}_type"] = span_type(s, *node)
    return changes, (spans[0], spans[1])


def annotate(mention: Mention, candidate: Candidate, clause: bool = False,
             boundaries: bool = False, chunk_facts: bool = False,
             read: SentenceReadings | None = None) -> Mention:
    """The mention of `candidate` (`mamakg.filters.to_mention`) with what its head and tail
    are and, where the chunks hold narrower named entities, its readings between those; with
    `clause`, also the readings of its chunks' entities with the subject of their clause, and
    those of the sentence's possessed nouns and listed roles (`possessor_readings`,
    `listed_role_readings`); with `boundaries`, the entities its chunks stand for as its nodes
    (`node_span`); with `chunk_facts`, also the readings between the entities inside one chunk
    (`chunk_readings`), those of the sentence's chains of places (`place_readings`) and of its
    people's births and deaths (`life_readings`, `event_readings`). `read`: the readings of
    the sentence as far as its earlier mentions read them (`SentenceReadings`), for the
    mentions of one sentence."""
    s = candidate.sentence
    if read is None:
        read = SentenceReadings()
    rel = candidate.relation
    changes: dict[str, object] = {"head_type": span_type(s, *candidate.head),
                                  "tail_type": span_type(s, *candidate.tail),
                                  "relation_pos": tuple(s.pos[t] for t in rel)}
    if rel and cuts_a_name(s, rel):
        changes["cuts_name"] = True
    spans: Spans | None = None
    if boundaries:
        nodes, spans = _nodes(s, candidate.head, candidate.tail, rel)
        changes.update(nodes)
    mention = evolve(mention, **changes)  # type: ignore[arg-type]
    if not s.entities:
        return mention
    readings = narrow_readings(s, mention, candidate.head, candidate.tail, rel, spans)
    if clause:
        readings = _with_clause_readings(
            readings, clause_readings(s, mention, candidate.head, candidate.tail), mention)
        readings = _adding(readings, adjunct_readings(s, mention, candidate.head,
                                                      candidate.tail, rel), keyed=True)
        readings = _adding(readings, role_readings(
            s, mention, candidate.head, candidate.tail, rel,
            spans[0] if spans is not None and mention.head_node is not None else None),
            keyed=True)
        readings = _adding(readings, read(possessor_readings, s, mention), keyed=True)
        # a listed role adds no pair that the mention's own readings have ("President & CEO of")
        readings = _adding(readings, read(listed_role_readings, s, mention), keyed=False)
    if chunk_facts:
        # a chunk reading adds no pair a reading has; a place reading no (pair, key) one has
        readings = _adding(readings, chunk_readings(s, mention, candidate.head, candidate.tail),
                           keyed=False)
        readings = _adding(readings, read(place_readings, s, mention), keyed=True)
        readings = _adding(readings, read(life_readings, s, mention), keyed=True)
        readings = _adding(readings, read(event_readings, s, mention), keyed=True)
    if mention.relation_node is not None:  # it is read between its entities: no reading
        readings = tuple(r for r in readings if r.fact_key != mention.fact_key)  # repeats it
    return evolve(mention, readings=readings) if readings else mention


class SentenceReadings:
    """The facts a sentence states whichever of its chunks a mention joins (its possessed
    nouns, listed roles, chains of places, lives and events: `possessor_readings`...), which
    every mention of the sentence carries as readings: read for its first mention, and for
    each later one the same readings with that mention's score and matching degree. One for
    the mentions of one sentence."""

    def __init__(self) -> None:
        self._found: dict[Callable[[Sentence, Mention], tuple[Mention, ...]],
                          tuple[Mention, ...]] = {}

    def __call__(self, readings: Callable[[Sentence, Mention], tuple[Mention, ...]],
                 s: Sentence, mention: Mention) -> tuple[Mention, ...]:
        """`readings(s, mention)`: such a function reads of the mention only what every
        mention of the sentence shares (its document, sentence) and its score and degree."""
        found = self._found.get(readings)
        if found is None:
            found = self._found[readings] = readings(s, mention)
        elif found and (found[0].score, found[0].degree) != (mention.score, mention.degree):
            found = tuple(evolve(r, score=mention.score, degree=mention.degree) for r in found)
        return found


def _adding(readings: tuple[Mention, ...], more: tuple[Mention, ...],
            keyed: bool) -> tuple[Mention, ...]:
    """The readings and those of `more` that do not repeat one of them: the same head and
    tail, and with `keyed` the same relation key too (a chunk reading of "Houston, Texas"
    and the sentence's place reading of it are one)."""
    def where(r: Mention) -> tuple[int, int, str]:
        return r.head.start, r.tail.start, r.relation_key if keyed else ""

    seen = {where(r) for r in readings}
    return readings + tuple(r for r in more if where(r) not in seen)
