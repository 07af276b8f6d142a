"""Re-DocRED / DocRED: score a graph's nodes and mapped facts against document-level gold.

A clean-room implementation of shared/data/SCORING.md section 4.2 (strict name match). The
unit is a document; the gold gives every mention of every entity (clustered) and the triples
between entities over DocRED's 96 Wikidata properties. Two kinds of figures:

- **nodes**: for each document, every entity node (not a literal value) that heads or tails a
  fact with a mention in that document, with its label and the head/tail texts of its
  mentions there. A node is *exact* when one of these strings equals (`norm`) a mention name
  of a gold entity of the document, *overlap only* when none does but one contains a gold
  name or lies inside one (whole words), else *unmatched*; the same shares over *name-like*
  nodes (a capital letter or a digit in the label); *split*: of the gold entities some node
  matches exactly, the share matched by two or more nodes of one document;
- **mapped facts**: per (document, fact) whose relation is a Wikidata property; those inside
  the schema are resolved to gold entities by name, deduplicated per document after inverse
  properties are rewritten (P40 child -> P22/P25, P355 -> P749, P527 <-> P361, ...), and
  scored: precision "all" (a fact whose head or tail is no annotated entity is a false
  positive), precision "restricted" (such facts dropped) and recall over the gold triples.

The graph's document ids name gold documents: the title (what `documents` writes as ``id``),
else the 0-based position in the gold file, else ``FILE:LINE`` (a text file with one document
a line: line N is document N-1).

    >>> gold = parse_gold(json.dumps([{"title": "Ann", "sents": [["Ann", "Lee", "lives",
    ...     "in", "Oslo", "."]], "vertexSet": [[{"name": "Ann Lee", "sent_id": 0,
    ...     "pos": [0, 2], "type": "PER"}], [{"name": "Oslo", "sent_id": 0, "pos": [4, 5],
    ...     "type": "LOC"}]], "labels": [{"h": 0, "t": 1, "r": "P551"}]}]))
    >>> next(documents(gold))
    {'id': 'Ann', 'text': 'Ann Lee lives in Oslo.'}
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field

from mamakg.errors import MamakgError
from mamakg.evaluate.strings import norm
from mamakg.types import Entity, Fact

__all__ = [
    "DOCRED_PROPERTIES",
    "DocredScore",
    "FactRecord",
    "GoldDocument",
    "NodeRecord",
    "NodeShares",
    "detokenize",
    "documents",
    "match_kind",
    "parse_gold",
    "score",
]

DOCRED_PROPERTIES = frozenset(
    "P6 P17 P19 P20 P22 P25 P26 P27 P30 P31 P35 P36 P37 P39 P40 P50 P54 P57 P58 P69 P86 P102 "
    "P108 P112 P118 P123 P127 P131 P136 P137 P140 P150 P155 P156 P159 P161 P162 P166 P170 "
    "P171 P172 P175 P176 P178 P179 P190 P194 P205 P206 P241 P264 P272 P276 P279 P355 P361 "
    "P364 P400 P403 P449 P463 P488 P495 P527 P551 P569 P570 P571 P576 P577 P580 P582 P585 "
    "P607 P674 P676 P706 P710 P737 P740 P749 P800 P807 P840 P937 P1001 P1056 P1198 P1336 "
    "P1344 P1365 P1366 P1376 P1412 P1441 P3373".split())
"""The 96 relations of DocRED (and Re-DocRED): the schema facts are scored on."""

INVERSES: dict[str, tuple[str, ...]] = {
    "P40": ("P22", "P25"), "P22": ("P40",), "P25": ("P40",),
    "P355": ("P749",), "P749": ("P355",),
    "P527": ("P361",), "P361": ("P527",),
    "P150": ("P131",), "P131": ("P150",),
    "P155": ("P156",), "P156": ("P155",),
    "P1365": ("P1366",), "P1366": ("P1365",),
    "P36": ("P1376",), "P1376": ("P36",),
    "P26": ("P26",), "P3373": ("P3373",),
}
"""(a, P, b) also reads as (b, Q, a) for each Q here: inverse and symmetric properties, so a
prediction matches the gold in whichever direction the gold states it."""

_OPEN_QUOTE_BEFORE = frozenset("([{$#£€")
_NO_SPACE_BEFORE = frozenset([",", ".", ";", ":", "!", "?", ")", "]", "}", "%", "'s", "’s",
                              "'", "’", "n't", "'m", "'re", "'ve", "'d", "'ll", "…", ".."])


def detokenize(tokens: Sequence[str]) -> str:
    """The text of a tokenised sentence: spaces where English writes them.

    >>> detokenize(['Wilfried', '"', 'Willi', '"', 'Schneider', '(', 'born', '1963', ')', ',',
    ...             'a', 'two', '-', 'year', 'deal', 'of', 'Obama', "'s", '.'])
    'Wilfried "Willi" Schneider (born 1963), a two-year deal of Obama\\'s.'
    """
    out: list[str] = []
    glue_next = False  # the previous token takes the next one without a space
    quote_open = False
    for token in tokens:
        if not token.strip():
            continue
        glue = glue_next or not out
        glue_next = False
        if token == '"':
            if quote_open:
                glue = True
            else:
                glue_next = True
            quote_open = not quote_open
        elif token == "-":
            glue = glue_next = True
        elif token in _NO_SPACE_BEFORE:
            glue = True
        elif token in _OPEN_QUOTE_BEFORE or token in ("“", "‘"):
            glue_next = True
        out.append(token if glue else " " + token)
    return "".join(out)


@dataclass(frozen=True)
class GoldDocument:
    """One annotated document."""

    doc_id: str
    """Its title (the id `documents` writes)."""
    index: int
    """0-based position in the gold file."""
    sentences: tuple[tuple[str, ...], ...]
    """The tokenised sentences."""
    entities: tuple[frozenset[str], ...]
    """The `norm` of every mention name of each entity (empty names left out)."""
    triples: frozenset[tuple[int, str, int]]
    """The gold (head entity, P-id, tail entity) triples, deduplicated."""

    @property
    def text(self) -> str:
        """The document as mamakg reads it: sentences detokenised, joined by spaces."""
        return " ".join(detokenize(s) for s in self.sentences)

    def entities_named(self, normed: str) -> frozenset[int]:
        """The entities with a mention name whose `norm` is `normed`."""
        return self.names().get(normed, frozenset())

    def names(self) -> dict[str, frozenset[int]]:
        """Every normalised mention name -> the entities that bear it."""
        cached = self.__dict__.get("_name_index")
        if cached is None:
            index: dict[str, set[int]] = {}
            for e, names in enumerate(self.entities):
                for name in names:
                    index.setdefault(name, set()).add(e)
            cached = {k: frozenset(v) for k, v in index.items()}
            object.__setattr__(self, "_name_index", cached)
        return cached


def parse_gold(text: str, source: str = "gold") -> list[GoldDocument]:
    """Documents of a DocRED-format JSON list (``title``, ``sents``, ``vertexSet``,
    ``labels``; ``labels`` may be absent, as in a test file)."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as err:
        raise MamakgError(f"{source} is not JSON: {err}") from err
    if not isinstance(data, list):
        raise MamakgError(f"{source}: not a DocRED file (need a JSON list of documents)")
    out = []
    for i, d in enumerate(data):
        try:
            entities = tuple(frozenset(n for m in cluster if (n := norm(str(m["name"]))))
                             for cluster in d["vertexSet"])
            triples = frozenset((int(x["h"]), str(x["r"]), int(x["t"]))
                                for x in d.get("labels") or ())
            sentences = tuple(tuple(str(t) for t in s) for s in d["sents"])
            out.append(GoldDocument(str(d.get("title", i)), i, sentences, entities, triples))
        except (KeyError, TypeError, ValueError, AttributeError) as err:
            raise MamakgError(f"{source}: document {i} is not in DocRED format (need title, "
                              f"sents, vertexSet with mention names, labels): {err}") from err
        if any(not (0 <= h < len(entities) and 0 <= t < len(entities)) for h, _, t in triples):
            raise MamakgError(f"{source}: document {i} has a label on an entity it lacks")
    return out


def documents(gold: Iterable[GoldDocument]) -> Iterator[dict[str, str]]:
    """The input of ``mamakg build``: ``{"id": title, "text": ...}`` per document (write
    them one JSON object a line)."""
    for d in gold:
        yield {"id": d.doc_id, "text": d.text}


def match_kind(strings: Iterable[str], doc: GoldDocument) -> str:
    """``exact`` when a string's `norm` is a gold mention name of the document; ``overlap``
    when none is but one holds a gold name or lies inside one (whole words); else
    ``unmatched``.

    >>> d = parse_gold('[{"title": "t", "sents": [], "vertexSet": [[{"name": "RBD"}]]}]')[0]
    >>> [match_kind([s], d) for s in ("R.B.D", "pop group RBD", "RBDs")]
    ['unmatched', 'overlap', 'unmatched']
    """
    normed = [n for n in map(norm, strings) if n]
    if any(doc.entities_named(n) for n in normed):
        return "exact"
    names = doc.names()
    for n in normed:
        padded = f" {n} "
        if any(f" {g} " in padded or padded in f" {g} " for g in names):
            return "overlap"
    return "unmatched"


# --- the graph's side ---------------------------------------------------------------------------


def name_like(label: str) -> bool:
    """Whether a node label looks like a name: it holds a capital letter or a digit."""
    return any(c.isupper() or c.isdigit() for c in label)


def _node_id(entity: Entity) -> str:
    return f"wd:{entity.qid}" if entity.qid else entity.key


@dataclass(frozen=True)
class NodeRecord:
    """One (document, entity node) pair and how it matches the document's gold entities."""

    doc_id: str
    node: str
    """The node's identity: its key, or ``wd:Q-id`` for a linked node."""
    label: str
    strings: tuple[str, ...]
    """The label, then the distinct head/tail texts of the node's mentions in the document."""
    name_like: bool
    kind: str
    """``exact``, ``overlap`` or ``unmatched`` (`match_kind`)."""
    entities: tuple[int, ...]
    """The gold entities (vertexSet indices) a string names exactly."""

    def to_dict(self) -> dict[str, object]:
        return {"record": "node", "doc_id": self.doc_id, "node": self.node,
                "label": self.label, "strings": list(self.strings),
                "name_like": self.name_like, "kind": self.kind,
                "entities": list(self.entities)}


@dataclass(frozen=True)
class FactRecord:
    """One (document, mapped fact) pair and how it resolves to the gold."""

    doc_id: str
    head: str
    pid: str
    tail: str
    in_schema: bool
    """Whether `pid` is one of the schema's properties (else the fact is only counted)."""
    head_strings: tuple[str, ...]
    tail_strings: tuple[str, ...]
    tail_literal: bool
    """Whether the tail is a literal value (a date or number), not a node."""
    head_entities: tuple[int, ...]
    """The gold entities the head names (empty: not an annotated entity)."""
    tail_entities: tuple[int, ...]
    correct: bool
    """Whether some reading of the fact (its entities, its inverse) is a gold triple."""
    duplicate: bool
    """Whether an earlier fact of the document made the same prediction (counted once)."""

    @property
    def resolved(self) -> bool:
        """Whether head and tail are both annotated entities."""
        return bool(self.head_entities and self.tail_entities)

    def to_dict(self) -> dict[str, object]:
        return {"record": "fact", "doc_id": self.doc_id, "head": self.head, "pid": self.pid,
                "tail": self.tail, "in_schema": self.in_schema,
                "head_strings": list(self.head_strings),
                "tail_strings": list(self.tail_strings), "tail_literal": self.tail_literal,
                "head_entities": list(self.head_entities),
                "tail_entities": list(self.tail_entities), "resolved": self.resolved,
                "correct": self.correct, "duplicate": self.duplicate}


@dataclass(frozen=True)
class NodeShares:
    """How many (document, node) pairs match a gold mention exactly, only overlap one, or
    match none."""

    n_exact: int
    n_overlap: int
    n_unmatched: int

    @property
    def n_nodes(self) -> int:
        return self.n_exact + self.n_overlap + self.n_unmatched

    def share(self, n: int) -> float:
        return n / self.n_nodes if self.n_nodes else 0.0

    def to_dict(self) -> dict[str, object]:
        return {"nodes": self.n_nodes, "exact": self.n_exact, "overlap": self.n_overlap,
                "unmatched": self.n_unmatched,
                "exact_share": round(self.share(self.n_exact), 4),
                "overlap_share": round(self.share(self.n_overlap), 4),
                "unmatched_share": round(self.share(self.n_unmatched), 4)}


@dataclass(frozen=True)
class PropertyCounts:
    """The mapped facts of one schema property."""

    pid: str
    n_predictions: int
    """Distinct predictions between annotated entities."""
    n_unresolved: int
    """Distinct predictions with an end that is no annotated entity."""
    n_true_positives: int
    n_gold: int
    n_gold_found: int


@dataclass(frozen=True)
class DocredScore:
    """The node and fact figures of a graph against Re-DocRED gold (SCORING.md 4.2)."""

    n_documents: int
    """Gold documents."""
    n_documents_with_facts: int
    """Gold documents the graph has a fact mention in."""
    n_unknown_mentions: int
    """Mentions in documents the gold does not have (ignored)."""
    nodes: NodeShares
    name_like: NodeShares
    n_entities_matched: int
    """Gold entities (per document) that some node names exactly."""
    n_entities_split: int
    """Of those, the ones named exactly by two or more nodes of the document."""
    n_facts_in_schema: int
    """(document, fact) pairs mapped to a schema property."""
    n_facts_other: int
    """(document, fact) pairs mapped to a property outside the schema (not scored)."""
    n_predictions: int
    """Distinct in-schema predictions whose head and tail are annotated entities."""
    n_unresolved: int
    """Distinct in-schema predictions with an end that is no annotated entity."""
    n_true_positives: int
    """Predictions between annotated entities that are gold triples."""
    n_gold: int
    """Gold triples (deduplicated per document)."""
    n_gold_found: int
    """Gold triples some prediction is."""
    per_property: tuple[PropertyCounts, ...] = ()
    node_records: tuple[NodeRecord, ...] = field(default=(), repr=False, compare=False)
    fact_records: tuple[FactRecord, ...] = field(default=(), repr=False, compare=False)

    @property
    def split_share(self) -> float:
        return self.n_entities_split / self.n_entities_matched if self.n_entities_matched else 0.0

    @property
    def precision_all(self) -> float:
        """True positives over every distinct prediction (unresolved ones are wrong)."""
        n = self.n_predictions + self.n_unresolved
        return self.n_true_positives / n if n else 0.0

    @property
    def precision_restricted(self) -> float:
        """True positives over the predictions between annotated entities."""
        return self.n_true_positives / self.n_predictions if self.n_predictions else 0.0

    @property
    def recall(self) -> float:
        return self.n_gold_found / self.n_gold if self.n_gold else 0.0

    def to_dict(self) -> dict[str, object]:
        return {
            "documents": self.n_documents, "documents_with_facts": self.n_documents_with_facts,
            "unknown_mentions": self.n_unknown_mentions,
            "nodes": self.nodes.to_dict(), "name_like": self.name_like.to_dict(),
            "entities_matched": self.n_entities_matched,
            "entities_split": self.n_entities_split,
            "split_share": round(self.split_share, 4),
            "facts_in_schema": self.n_facts_in_schema, "facts_other": self.n_facts_other,
            "predictions": self.n_predictions, "unresolved": self.n_unresolved,
            "tp": self.n_true_positives, "gold": self.n_gold, "gold_found": self.n_gold_found,
            "precision_all": round(self.precision_all, 4),
            "precision_restricted": round(self.precision_restricted, 4),
            "recall": round(self.recall, 4),
            "per_property": {p.pid: {"predictions": p.n_predictions,
                                     "unresolved": p.n_unresolved, "tp": p.n_true_positives,
                                     "gold": p.n_gold, "gold_found": p.n_gold_found}
                             for p in self.per_property},
        }


_LINE = re.compile(r":(\d+)$")


def _gold_lookup(gold: Sequence[GoldDocument]) -> dict[str, GoldDocument]:
    """Graph document id -> gold document: title, position, or ``FILE:LINE``."""
    by_id: dict[str, GoldDocument] = {}
    for d in gold:
        by_id.setdefault(str(d.index), d)
    for d in gold:
        by_id[d.doc_id] = d
    return by_id


def _find(doc_id: str, by_id: dict[str, GoldDocument],
          gold: Sequence[GoldDocument]) -> GoldDocument | None:
    if doc_id in by_id:
        return by_id[doc_id]
    m = _LINE.search(doc_id)
    if m and 1 <= int(m.group(1)) <= len(gold):
        return gold[int(m.group(1)) - 1]
    return None


@dataclass
class _DocFacts:
    """What the graph says in one document, gathered from its facts' mentions."""

    nodes: dict[str, tuple[str, list[str]]] = field(default_factory=dict)
    """node -> (label, texts)."""
    facts: list[tuple[Fact, list[str], list[str]]] = field(default_factory=list)
    """mapped facts with their head and tail texts in the document."""


def _add(seen: list[str], text: str) -> None:
    if text not in seen:
        seen.append(text)


def _gather(facts: Iterable[Fact], by_id: dict[str, GoldDocument],
            gold: Sequence[GoldDocument]) -> tuple[dict[int, _DocFacts], int]:
    per_doc: dict[int, _DocFacts] = {}
    n_unknown = 0
    for fact in facts:
        mine: dict[int, tuple[list[str], list[str]]] = {}
        for m in fact.mentions:
            doc = _find(m.doc_id, by_id, gold)
            if doc is None:
                n_unknown += 1
                continue
            heads, tails = mine.setdefault(doc.index, ([], []))
            _add(heads, m.head.text)
            _add(tails, m.tail.text)
        for index, (heads, tails) in mine.items():
            d = per_doc.setdefault(index, _DocFacts())
            for entity, texts in ((fact.head, heads), (fact.tail, tails)):
                if entity.is_literal:
                    continue
                label, seen = d.nodes.setdefault(_node_id(entity), (entity.label, []))
                for t in texts:
                    _add(seen, t)
            if fact.relation.pid:
                d.facts.append((fact, heads, tails))
    return per_doc, n_unknown


def _strings(label: str, texts: Iterable[str]) -> tuple[str, ...]:
    out = [label]
    for t in texts:
        _add(out, t)
    return tuple(out)


def _named(strings: Iterable[str], doc: GoldDocument) -> tuple[int, ...]:
    found: set[int] = set()
    for s in strings:
        found |= doc.entities_named(norm(s))
    return tuple(sorted(found))


def _readings(heads: Iterable[int], pid: str, tails: Iterable[int]) -> frozenset[tuple[int, str,
                                                                                       int]]:
    out = set()
    for h in heads:
        for t in tails:
            out.add((h, pid, t))
            out.update((t, q, h) for q in INVERSES.get(pid, ()))
    return frozenset(out)


def score(gold: Sequence[GoldDocument], facts: Iterable[Fact],
          schema: frozenset[str] = DOCRED_PROPERTIES) -> DocredScore:
    """Node shares, split share and mapped-fact precision and recall of a graph's `facts`
    against `gold` (SCORING.md section 4.2, strict name match)."""
    by_id = _gold_lookup(gold)
    per_doc, n_unknown = _gather(facts, by_id, gold)
    nodes: list[NodeRecord] = []
    records: list[FactRecord] = []
    n_matched = n_split = n_other = 0
    found: set[tuple[int, tuple[int, str, int]]] = set()
    prop: dict[str, list[int]] = {}  # pid -> [predictions, unresolved, tp]
    n_pred = n_unresolved = n_tp = 0
    for index in sorted(per_doc):
        doc, d = gold[index], per_doc[index]
        hits: dict[int, int] = {}
        for node, (label, texts) in d.nodes.items():
            strings = _strings(label, texts)
            entities = _named(strings, doc)
            for e in entities:
                hits[e] = hits.get(e, 0) + 1
            nodes.append(NodeRecord(doc.doc_id, node, label, strings, name_like(label),
                                    match_kind(strings, doc), entities))
        n_matched += len(hits)
        n_split += sum(1 for n in hits.values() if n >= 2)
        seen: set[object] = set()
        for fact, heads, tails in d.facts:
            pid = str(fact.relation.pid)
            head_strings = _strings(fact.head.label, heads)
            tail_strings = _strings(fact.tail.label, tails)
            in_schema = pid in schema
            if not in_schema:
                n_other += 1
            h_ents = _named(head_strings, doc) if in_schema else ()
            t_ents = _named(tail_strings, doc) if in_schema else ()
            readings = _readings(h_ents, pid, t_ents)
            correct = bool(readings & doc.triples)
            key: object = readings or (norm(fact.head.label), pid, norm(fact.tail.label))
            duplicate = key in seen
            seen.add(key)
            records.append(FactRecord(doc.doc_id, fact.head.label, pid, fact.tail.label,
                                      in_schema, head_strings, tail_strings,
                                      fact.tail.is_literal, h_ents, t_ents, correct,
                                      duplicate))
            if not in_schema or duplicate:
                continue
            counts = prop.setdefault(pid, [0, 0, 0])
            if readings:
                n_pred += 1
                counts[0] += 1
                n_tp += correct
                counts[2] += correct
                found.update((index, g) for g in readings & doc.triples)
            else:
                n_unresolved += 1
                counts[1] += 1
    gold_by_pid: dict[str, int] = {}
    for doc in gold:
        for _, r, _ in doc.triples:
            gold_by_pid[r] = gold_by_pid.get(r, 0) + 1
    found_by_pid: dict[str, int] = {}
    for _, (_, r, _) in found:
        found_by_pid[r] = found_by_pid.get(r, 0) + 1
    table = []
    for p in sorted(set(prop) | set(gold_by_pid),
                    key=lambda p: (int(p[1:]) if p[1:].isdigit() else 0, p)):
        n_p, n_u, n_t = prop.get(p, [0, 0, 0])
        table.append(PropertyCounts(p, n_p, n_u, n_t, gold_by_pid.get(p, 0),
                                    found_by_pid.get(p, 0)))

    def shares(rows: Iterable[NodeRecord]) -> NodeShares:
        kinds = [r.kind for r in rows]
        return NodeShares(kinds.count("exact"), kinds.count("overlap"),
                          kinds.count("unmatched"))

    return DocredScore(
        n_documents=len(gold), n_documents_with_facts=len(per_doc),
        n_unknown_mentions=n_unknown, nodes=shares(nodes),
        name_like=shares(r for r in nodes if r.name_like),
        n_entities_matched=n_matched, n_entities_split=n_split,
        n_facts_in_schema=sum(r.in_schema for r in records), n_facts_other=n_other,
        n_predictions=n_pred, n_unresolved=n_unresolved, n_true_positives=n_tp,
        n_gold=sum(len(d.triples) for d in gold), n_gold_found=len(found),
        per_property=tuple(table), node_records=tuple(nodes), fact_records=tuple(records))
