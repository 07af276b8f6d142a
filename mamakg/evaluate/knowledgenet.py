"""KnowledgeNet: score mapped facts against exhaustively annotated passages (Mesquita et al. 2019).

A clean-room implementation of shared/data/SCORING.md section 4.1. The unit is a passage; only
the 15 annotated properties count; a gold fact is a true positive when some prediction of its
passage matches it, and a prediction that matches nothing is a false positive only when its
property was annotated in that passage. Four ways to match:

- ``label`` (ours): normalised subject and object strings equal the gold text or canonical name;
- ``span_overlap`` (official "Text F1"): subject spans overlap and object spans overlap;
- ``span_exact``: identical spans;
- ``uri`` (official "Link F1"): same Wikidata items (non-date facts with both ids only).

    >>> gold = parse_gold([json.dumps({"passageId": "d:0:20", "passageStart": 0,
    ...     "passageText": "Ann married Bob Lee.", "exhaustivelyAnnotatedProperties": ["SPOUSE"],
    ...     "facts": [{"property": "SPOUSE", "subjectStart": 0, "subjectEnd": 3,
    ...                "subjectText": "Ann", "objectStart": 12, "objectEnd": 19,
    ...                "objectText": "Bob Lee"}]})])
    >>> s = score(gold, [Prediction("d:0:20", "SPOUSE", "Bob Lee", "Ann")], Mode.LABEL)
    >>> (s.n_true_positives, s.n_false_positives, s.recall)
    (1, 0, 1.0)
"""

from __future__ import annotations

import enum
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import cast

from mamakg import english
from mamakg.errors import MamakgError
from mamakg.evaluate.files import read_lines
from mamakg.evaluate.strings import DateRule, dates_equal, norm, parse_date

__all__ = [
    "DateRule",
    "GoldFact",
    "KnowledgenetScore",
    "Mode",
    "Passage",
    "Prediction",
    "PredictionCounts",
    "PropertyScore",
    "norm",
    "parse_date",
    "parse_gold",
    "predictions_from_facts",
    "read_gold",
    "read_predictions",
    "score",
]

PROPERTIES: dict[str, tuple[str, bool]] = {
    "P569": ("DATE_OF_BIRTH", False),
    "P570": ("DATE_OF_DEATH", False),
    "P551": ("PLACE_OF_RESIDENCE", False),
    "P19": ("PLACE_OF_BIRTH", False),
    "P27": ("NATIONALITY", False),
    "P108": ("EMPLOYEE_OR_MEMBER_OF", False),
    "P463": ("EMPLOYEE_OR_MEMBER_OF", False),
    "P69": ("EDUCATED_AT", False),
    "P102": ("POLITICAL_AFFILIATION", False),
    "P22": ("CHILD_OF", False),
    "P25": ("CHILD_OF", False),
    "P40": ("CHILD_OF", True),  # (parent, child, child) -> (child, CHILD_OF, parent)
    "P26": ("SPOUSE", False),
    "P571": ("DATE_FOUNDED", False),
    "P159": ("HEADQUARTERS", False),
    "P749": ("SUBSIDIARY_OF", False),
    "P355": ("SUBSIDIARY_OF", True),  # (parent, subsidiary, sub) -> (sub, SUBSIDIARY_OF, parent)
    "P112": ("FOUNDED_BY", False),
    "P169": ("CEO", False),
}
"""Wikidata property -> (KnowledgeNet property, whether head and tail must be swapped)."""

SYMMETRIC = frozenset({"SPOUSE"})
DATES = frozenset({"DATE_OF_BIRTH", "DATE_OF_DEATH", "DATE_FOUNDED"})
PRONOUNS = (english.PRONOUNS - {"one", "yourselves"}) | (
    english.RELATIVE_PRONOUNS - {"what", "whoever", "whatever"}) | {"where"}
"""Subject texts that sentence-level extraction cannot resolve (the non-pronoun subset)."""

class Mode(str, enum.Enum):
    LABEL = "label"  # ours: normalised strings
    SPAN_OVERLAP = "span_overlap"  # official default ("Text F1")
    SPAN_EXACT = "span_exact"  # identical offsets
    URI = "uri"  # official "Link F1": same Wikidata items


@dataclass(frozen=True)
class GoldFact:
    """One annotated fact (one mention pair); offsets are document offsets."""

    property: str
    subject: tuple[int, int]
    subject_text: str
    subject_uri: str
    subject_canonical: str
    object: tuple[int, int]
    object_text: str
    object_uri: str
    object_canonical: str


@dataclass(frozen=True)
class Passage:
    """One passage (a sentence) with its exhaustive annotation."""

    passage_id: str
    start: int
    """Document offset of the passage."""
    text: str
    properties: frozenset[str]
    """The properties annotated exhaustively in this passage."""
    facts: tuple[GoldFact, ...]


@dataclass(frozen=True)
class Prediction:
    """One predicted fact of a passage, already in the gold's direction."""

    passage_id: str
    property: str
    """A KnowledgeNet property name, e.g. ``SPOUSE``."""
    subject: str
    object: str
    subject_span: tuple[int, int] | None = None
    """[start, end) in the passage text when known; else the string is looked up."""
    object_span: tuple[int, int] | None = None
    subject_qid: str | None = None
    object_qid: str | None = None


@dataclass(frozen=True)
class PredictionCounts:
    """What the adapter did with mamakg's mentions."""

    n_mentions: int
    n_open: int
    """Mentions of facts whose relation is not mapped to a Wikidata property."""
    n_other_property: int
    """Mapped to a property outside the 15 KnowledgeNet ones (ignored)."""
    n_in_schema: int
    """Mentions turned into predictions."""

    def to_dict(self) -> dict[str, int]:
        return {"mentions": self.n_mentions, "open": self.n_open,
                "other_property": self.n_other_property, "in_schema": self.n_in_schema}


@dataclass(frozen=True)
class PropertyScore:
    name: str
    """The KnowledgeNet property."""
    n_true_positives: int
    n_false_positives: int
    n_false_negatives: int

    @property
    def precision(self) -> float:
        return _ratio(self.n_true_positives, self.n_true_positives + self.n_false_positives)

    @property
    def recall(self) -> float:
        return _ratio(self.n_true_positives, self.n_true_positives + self.n_false_negatives)

    @property
    def f1(self) -> float:
        return _f1(self.precision, self.recall)


@dataclass(frozen=True)
class KnowledgenetScore:
    """Micro P/R/F1 over the passages, the non-pronoun recall and a per-property table."""

    mode: Mode
    precision: float
    recall: float
    f1: float
    n_true_positives: int
    n_false_positives: int
    n_false_negatives: int
    recall_no_pronoun: float
    """Recall on the gold facts whose subject text is not a pronoun."""
    n_gold_no_pronoun: int
    macro_f1: float
    """Mean F1 over the properties that have gold facts."""
    per_property: tuple[PropertyScore, ...]
    n_predictions: int
    """Predictions after deduplication, in known passages."""
    n_unannotated: int
    """Unmatched predictions whose property the passage does not annotate (ignored)."""
    n_unknown_passage: int
    """Predictions for passages not in the gold (ignored)."""

    def to_dict(self) -> dict[str, object]:
        return {
            "mode": self.mode.value, "precision": round(self.precision, 4),
            "recall": round(self.recall, 4), "f1": round(self.f1, 4),
            "tp": self.n_true_positives, "fp": self.n_false_positives,
            "fn": self.n_false_negatives,
            "recall_no_pronoun": round(self.recall_no_pronoun, 4),
            "n_gold_no_pronoun": self.n_gold_no_pronoun, "macro_f1": round(self.macro_f1, 4),
            "n_predictions": self.n_predictions, "n_unannotated": self.n_unannotated,
            "n_unknown_passage": self.n_unknown_passage,
            "per_property": {p.name: {"tp": p.n_true_positives, "fp": p.n_false_positives,
                                          "fn": p.n_false_negatives,
                                          "precision": round(p.precision, 4),
                                          "recall": round(p.recall, 4), "f1": round(p.f1, 4)}
                             for p in self.per_property},
        }


def _ratio(a: int | float, b: int | float) -> float:
    return a / b if b else 0.0


def _f1(p: float, r: float) -> float:
    return 2 * p * r / (p + r) if p + r else 0.0


def _uri_qid(uri: str) -> str:
    return uri.rsplit("/", 1)[-1] if uri else ""


def _fact(record: dict[str, object]) -> GoldFact:
    r = record

    def text(key: str) -> str:
        return str(r.get(key) or "")

    return GoldFact(
        property=text("property"),
        subject=(int(r["subjectStart"]), int(r["subjectEnd"])),  # type: ignore[call-overload]
        subject_text=text("subjectText"), subject_uri=_uri_qid(text("subjectUri")),
        subject_canonical=text("subjectCanonical") or text("subjectText"),
        object=(int(r["objectStart"]), int(r["objectEnd"])),  # type: ignore[call-overload]
        object_text=text("objectText"), object_uri=_uri_qid(text("objectUri")),
        object_canonical=text("objectCanonical") or text("objectText"),
    )


def parse_gold(lines: Iterable[str], source: str = "gold") -> list[Passage]:
    """KnowledgeNet passages, one JSON object a line (the rebuilt folds in shared/data)."""
    out = []
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            r = json.loads(line)
            out.append(Passage(
                passage_id=str(r["passageId"]), start=int(r["passageStart"]),
                text=r["passageText"],
                properties=frozenset(r.get("exhaustivelyAnnotatedProperties", ())),
                facts=tuple(_fact(f) for f in r.get("facts", ())),
            ))
        except (json.JSONDecodeError, KeyError, TypeError, ValueError) as err:
            raise MamakgError(f"{source}:{number}: not a KnowledgeNet passage "
                              f"(need passageId, passageStart, passageText, facts): {err}") from err
    return out


def _mention_predictions(record: dict, counts: dict[str, int]) -> Iterator[Prediction]:
    pid = record["relation"].get("pid")
    for m in record["mentions"]:
        counts["mentions"] += 1
        if not pid:
            counts["open"] += 1
            continue
        if pid not in PROPERTIES:
            counts["other"] += 1
            continue
        counts["in_schema"] += 1
        prop, swap = PROPERTIES[pid]
        base = int(m.get("sent_start", 0))
        # the fact's arguments: the entity a chunk stands for where the Map stage read one
        # narrower than the chunk (``--entity-boundaries``), else the chunk
        head, tail = m.get("head_node") or m["head"], m.get("tail_node") or m["tail"]
        head_span = (base + head["start"], base + head["end"]) if "start" in head else None
        tail_span = (base + tail["start"], base + tail["end"]) if "start" in tail else None
        slots = [(head["text"], head_span, record["head"].get("qid")),
                 (tail["text"], tail_span, record["tail"].get("qid"))]
        if swap:
            slots.reverse()
        (s, s_span, s_qid), (o, o_span, o_qid) = slots
        yield Prediction(str(m["doc_id"]), prop, s, o, s_span, o_span, s_qid, o_qid)


def predictions_from_facts(lines: Iterable[str],
                           source: str = "predictions") -> tuple[list[Prediction],
                                                                 PredictionCounts]:
    """Predictions from mamakg JSONL facts (``mamakg build --format jsonl``), one per mention.

    The passage is the mention's ``doc_id`` (build from JSONL input whose ``id`` is the
    passageId); offsets are ``sent_start`` + the span offsets, relative to the passage text.
    A mention's subject and object are its nodes (``head_node``, ``tail_node``: the entity
    inside a chunk, ``--entity-boundaries``) where it has them, else its chunks.
    """
    counts = {"mentions": 0, "open": 0, "other": 0, "in_schema": 0}
    out: list[Prediction] = []
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            out.extend(_mention_predictions(json.loads(line), counts))
        except (json.JSONDecodeError, KeyError, TypeError, AttributeError) as err:
            raise MamakgError(f"{source}:{number}: not a mamakg JSONL fact (mamakg build "
                              f"--format jsonl writes them): {err}") from err
    return out, PredictionCounts(counts["mentions"], counts["open"], counts["other"],
                                 counts["in_schema"])


def read_gold(path: str | Path) -> list[Passage]:
    """`parse_gold` of a file."""
    return parse_gold(read_lines(path), str(path))


def read_predictions(path: str | Path) -> tuple[list[Prediction], PredictionCounts]:
    """`predictions_from_facts` of a file."""
    return predictions_from_facts(read_lines(path), str(path))


def _spans(text: str, span: tuple[int, int] | None, passage: Passage) -> tuple[tuple[int, int],
                                                                                ...]:
    """Document-offset candidates for a predicted argument."""
    if span is not None:
        return ((passage.start + span[0], passage.start + span[1]),)
    out, at = [], passage.text.find(text) if text else -1
    while at >= 0:
        out.append((passage.start + at, passage.start + at + len(text)))
        at = passage.text.find(text, at + 1)
    return tuple(out)


@dataclass(frozen=True)
class _Resolved:
    """A prediction ready to be matched in one mode."""

    property: str
    subject: object
    object: object


def _resolve(p: Prediction, passage: Passage, mode: Mode) -> _Resolved | None:
    if mode is Mode.LABEL:
        return _Resolved(p.property, norm(p.subject), (p.object, norm(p.object)))
    if mode is Mode.URI:
        if not (p.subject_qid and p.object_qid) or p.property in DATES:
            return None
        return _Resolved(p.property, p.subject_qid, p.object_qid)
    return _Resolved(p.property, _spans(p.subject, p.subject_span, passage),
                     _spans(p.object, p.object_span, passage))


def _key(r: _Resolved, mode: Mode) -> tuple[object, ...]:
    s, o = r.subject, r.object
    if mode is Mode.LABEL:
        o = o[1]  # type: ignore[index]
    if r.property in SYMMETRIC and str(o) < str(s):
        s, o = o, s
    return (r.property, s, o)


def _overlap(a: tuple[int, int], b: tuple[int, int]) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def _match_slots(r_s: object, r_o: object, g: GoldFact, mode: Mode, dates: DateRule) -> bool:
    if mode is Mode.LABEL:
        if r_s not in (norm(g.subject_text), norm(g.subject_canonical)):
            return False
        raw, normed = cast(tuple[str, str], r_o)
        if g.property in DATES:
            return dates_equal(raw, g.object_text, dates)
        return normed in (norm(g.object_text), norm(g.object_canonical))
    if mode is Mode.URI:
        return (r_s, r_o) == (g.subject_uri, g.object_uri)
    test = _overlap if mode is Mode.SPAN_OVERLAP else (lambda a, b: a == b)
    return (any(test(s, g.subject) for s in r_s)  # type: ignore[attr-defined]
            and any(test(o, g.object) for o in r_o))  # type: ignore[attr-defined]


def _matches(r: _Resolved, g: GoldFact, mode: Mode, dates: DateRule) -> bool:
    if r.property != g.property:
        return False
    if _match_slots(r.subject, r.object, g, mode, dates):
        return True
    if r.property not in SYMMETRIC:
        return False
    if mode is Mode.LABEL:
        swapped_s, swapped_o = r.object[1], (r.subject, r.subject)  # type: ignore[index]
        return _match_slots(swapped_s, swapped_o, g, mode, dates)
    return _match_slots(r.object, r.subject, g, mode, dates)


def _gold_facts(passage: Passage, mode: Mode) -> list[GoldFact]:
    if mode is not Mode.URI:
        return list(passage.facts)
    seen, out = set(), []
    for g in passage.facts:
        if not (g.subject_uri and g.object_uri) or g.property in DATES:
            continue
        key = (g.subject_uri, g.property, g.object_uri)
        if key not in seen:
            seen.add(key)
            out.append(g)
    return out


def score(gold: Iterable[Passage], predictions: Iterable[Prediction],
          mode: Mode | str = Mode.SPAN_OVERLAP,
          dates: DateRule | str = DateRule.STRICT) -> KnowledgenetScore:
    """KnowledgeNet micro and per-property P/R/F1 of `predictions` (SCORING.md section 4.1)."""
    mode, dates = Mode(mode), DateRule(dates)
    passages = {p.passage_id: p for p in gold}
    by_passage: dict[str, list[Prediction]] = {}
    n_unknown = 0
    for p in predictions:
        if p.passage_id in passages:
            by_passage.setdefault(p.passage_id, []).append(p)
        else:
            n_unknown += 1
    tp: dict[str, int] = {}
    fp: dict[str, int] = {}
    fn: dict[str, int] = {}
    n_no_pronoun = tp_no_pronoun = n_predictions = n_unannotated = 0
    for pid, passage in passages.items():
        resolved: dict[tuple[object, ...], _Resolved] = {}
        for p in by_passage.get(pid, ()):
            r = _resolve(p, passage, mode)
            if r is not None:
                resolved.setdefault(_key(r, mode), r)
        n_predictions += len(resolved)
        facts = _gold_facts(passage, mode)
        used: set[tuple[object, ...]] = set()
        for g in facts:
            hits = [k for k, r in resolved.items() if _matches(r, g, mode, dates)]
            used.update(hits)
            counter = tp if hits else fn
            counter[g.property] = counter.get(g.property, 0) + 1
            if g.subject_text.strip().lower() not in PRONOUNS:
                n_no_pronoun += 1
                tp_no_pronoun += bool(hits)
        for k, r in resolved.items():
            if k in used:
                continue
            if r.property in passage.properties:
                fp[r.property] = fp.get(r.property, 0) + 1
            else:
                n_unannotated += 1
    names = sorted(set(tp) | set(fp) | set(fn))
    table = tuple(PropertyScore(n, tp.get(n, 0), fp.get(n, 0), fn.get(n, 0)) for n in names)
    n_tp, n_fp, n_fn = sum(tp.values()), sum(fp.values()), sum(fn.values())
    precision, recall = _ratio(n_tp, n_tp + n_fp), _ratio(n_tp, n_tp + n_fn)
    with_gold = [p.f1 for p in table if p.n_true_positives + p.n_false_negatives]
    return KnowledgenetScore(
        mode=mode, precision=precision, recall=recall, f1=_f1(precision, recall),
        n_true_positives=n_tp, n_false_positives=n_fp, n_false_negatives=n_fn,
        recall_no_pronoun=_ratio(tp_no_pronoun, n_no_pronoun), n_gold_no_pronoun=n_no_pronoun,
        macro_f1=_ratio(sum(with_gold), len(with_gold)), per_property=table,
        n_predictions=n_predictions, n_unannotated=n_unannotated, n_unknown_passage=n_unknown,
    )
