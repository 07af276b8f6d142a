"""Map stage: a fact's confidence, graded so that ordering by it puts reliable facts first.

A mention's quality is

    q = tier x (1/2 + 1/2 x degree / (degree + DEGREE_HALF)) x kind(head) x kind(tail)

where tier is the mention's score (``--confidence tiered``: 1 for a relation with a verb, 0.5
without; the matching degree itself for ``sum``, capped at 1), degree is MAMA's matching
degree (the sum of attention on the path), and kind grades what an argument is (`ARGUMENT`):
a named entity above a date or number, above a pronoun resolved through its document, above a
common noun phrase; long arguments (more than `LONG_ARGUMENT` words) count a little less.

Support: the best quality in each document, combined across documents as independent
evidence (1 - product of (1 - q)), with further sentences of the same document adding a
little. A mapped relation weighs its mapping score in: x (OPEN + (1 - OPEN) x map score); an open
relation keeps the factor OPEN.
"""

from __future__ import annotations

from collections.abc import Sequence

from mamakg.mapping.arguments import is_pronoun
from mamakg.mapping.values import is_value
from mamakg.types import Mention, Relation

__all__ = ["ARGUMENT", "DEGREE_HALF", "LONG_ARGUMENT", "OPEN", "argument_quality",
           "fact_confidence", "mention_quality"]

DEGREE_HALF = 0.1
"""The matching degree at which its part of a mention's quality is halfway (3/4)."""
ARGUMENT = {"named": 1.0, "value": 0.9, "resolved": 0.85, "common": 0.7}
"""Quality of an argument by what it is."""
LONG_ARGUMENT = 5
"""Arguments of more words than this count 0.9 of their quality."""
OPEN = 0.7
"""The factor of an open relation; a mapped one's rises with its mapping score up to 1."""
SAME_DOCUMENT = 0.25
"""How much another sentence of the same document counts, as a share of independent evidence."""


def argument_quality(text: str, kind: str) -> float:
    """The quality of one head or tail: `text` as written, `kind` its type
    (`Mention.head_type` after pronoun resolution)."""
    if is_value(text):
        quality = ARGUMENT["value"]
    elif is_pronoun(text):
        quality = ARGUMENT["resolved"]
    elif kind and kind not in ("PRON", "NUM"):
        quality = ARGUMENT["named"]
    else:
        quality = ARGUMENT["common"]
    return quality * (0.9 if len(text.split()) > LONG_ARGUMENT else 1.0)


def mention_quality(m: Mention) -> float:
    """How reliable one mention is (0..1)."""
    degree = m.score if m.degree is None else m.degree
    tier = min(m.score, 1.0)
    graded = 0.5 + 0.5 * degree / (degree + DEGREE_HALF) if degree > 0 else 0.5
    return (tier * graded * argument_quality(m.head.text, m.head_type)
            * argument_quality(m.tail.text, m.tail_type))


def fact_confidence(mentions: Sequence[Mention], relation: Relation) -> float:
    """The confidence of a fact with these mentions and this relation (0..1).

    >>> from mamakg.types import Mention, Relation, TextSpan
    >>> def m(doc, sent, degree):
    ...     return Mention(doc, sent, "Ann met Bob", 0, TextSpan("Ann", 0, 3),
    ...                    TextSpan("met", 4, 7), TextSpan("Bob", 8, 11), "ann", "meet",
    ...                    "bob", 1.0, head_type="PERSON", tail_type="PERSON", degree=degree)
    >>> one = fact_confidence([m("d", 0, 0.3)], Relation("meet", "met"))
    >>> two = fact_confidence([m("d", 0, 0.3), m("e", 0, 0.3)], Relation("meet", "met"))
    >>> mapped = fact_confidence([m("d", 0, 0.3)], Relation("meet", "met", "P1", 0.9))
    >>> round(one, 4), one < two, one < mapped
    (0.6125, True, True)
    """
    by_doc: dict[str, list[float]] = {}
    for m in mentions:
        by_doc.setdefault(m.doc_id, []).append(mention_quality(m))
    miss = 1.0
    for qualities in by_doc.values():
        qualities.sort(reverse=True)
        miss *= 1.0 - qualities[0]
        for q in qualities[1:]:
            miss *= 1.0 - SAME_DOCUMENT * q
    factor = OPEN + (1.0 - OPEN) * (relation.map_score if relation.pid else 0.0)
    return round((1.0 - miss) * factor, 6)
