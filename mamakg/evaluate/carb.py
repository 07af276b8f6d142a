"""CaRB: score open extractions against CaRB gold (Bhardwaj et al. 2019), default protocol.

A clean-room implementation of the rules in shared/data/SCORING.md section 3: binarised lenient
token matching of each (gold, predicted) pair, then precision and recall at every confidence
threshold, the area under the PR curve and the best-F1 point.

    >>> gold = parse_gold(["A cat sat on the mat .\\tsat on\\tA cat\\tthe mat"])
    >>> pred = parse_predictions(["A cat sat on the mat .\\t0.9\\tsat on\\tA cat\\tthe mat"])
    >>> s = score(gold, pred)
    >>> (s.precision, s.recall, s.auc)
    (1.0, 1.0, 1.0)
"""

from __future__ import annotations

import bisect
import string
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from mamakg.english import BE_FORMS
from mamakg.errors import MamakgError
from mamakg.evaluate.files import read_lines

__all__ = [
    "CarbScore",
    "Extraction",
    "parse_gold",
    "parse_predictions",
    "read_gold",
    "read_predictions",
    "match_pair",
    "score",
    "sentence_key",
]

_PTB_BRACKETS = {"-LRB-": "(", "-RRB-": ")", "-LSB-": "[", "-RSB-": "]", "-LCB-": "{",
                 "-RCB-": "}"}
_PUNCT = str.maketrans("", "", string.punctuation)
_FORMS_OF_BE = tuple(sorted(BE_FORMS))
_SAID = ("said", "told", "added", "adds", "says")


@dataclass(frozen=True)
class Extraction:
    """One gold tuple or one predicted extraction."""

    sentence: str
    """The sentence as written in the file (the grouping key is `sentence_key` of it)."""
    relation: str
    """The relation phrase."""
    args: tuple[str, ...]
    """Arguments, subject first."""
    confidence: float = 1.0
    """Larger = more confident (gold tuples: 1)."""


@dataclass(frozen=True)
class CarbScore:
    """The CaRB figures of one prediction set. The best-F1 point is an oracle threshold."""

    auc: float
    """Area under the (recall, precision) curve, with (0, 1) appended."""
    precision: float
    """Precision at the best-F1 threshold."""
    recall: float
    """Recall at the best-F1 threshold."""
    f1: float
    """The best F1 over all thresholds."""
    threshold: float | None
    """The confidence threshold of the best-F1 point (None when there are no predictions)."""
    n_gold_sentences: int
    """Sentences with at least one gold tuple (the scored sentences)."""
    n_gold: int
    """Gold tuples."""
    n_predictions: int
    """All predicted extractions read."""
    n_scored_predictions: int
    """Predictions whose sentence has gold tuples."""
    curve: tuple[tuple[float, float, float], ...] = ()
    """(threshold, precision, recall) for every distinct confidence, ascending."""

    def to_dict(self) -> dict[str, object]:
        """Rounded figures (3 decimals, as CaRB reports them) and counts; no curve."""
        return {
            "auc": round(self.auc, 3), "precision": round(self.precision, 3),
            "recall": round(self.recall, 3), "f1": round(self.f1, 3),
            "threshold": self.threshold, "n_gold_sentences": self.n_gold_sentences,
            "n_gold": self.n_gold, "n_predictions": self.n_predictions,
            "n_scored_predictions": self.n_scored_predictions,
        }


def sentence_key(sentence: str) -> str:
    """The key that ties predictions to gold: no spaces, PTB brackets undone, no ASCII punctuation.

    >>> sentence_key("He said -LRB- twice -RRB- : `` no . ''")
    'Hesaidtwiceno'
    """
    text = sentence.replace(" ", "")
    for token, bracket in _PTB_BRACKETS.items():
        text = text.replace(token, bracket)
    return text.translate(_PUNCT)


def parse_gold(lines: Iterable[str], source: str = "gold") -> list[Extraction]:
    """CaRB gold lines: ``sentence TAB relation TAB arg1 [TAB arg2 ...]``.

    Fields are stripped; arguments containing ``C: `` (context clauses) are dropped.
    """
    out = []
    for number, line in enumerate(lines, 1):
        fields = line.strip().split("\t")
        if fields == [""]:
            continue
        if len(fields) < 2:
            raise MamakgError(f"{source}:{number}: a CaRB gold line needs at least a sentence "
                              "and a relation, separated by TAB")
        args = tuple(a.strip() for a in fields[2:] if "C: " not in a)
        out.append(Extraction(fields[0].strip(), fields[1].strip(), args))
    return out


def parse_predictions(lines: Iterable[str], source: str = "predictions") -> list[Extraction]:
    """CaRB system lines: ``sentence TAB confidence TAB relation TAB arg1 [TAB arg2 ...]``.

    Blank lines are skipped; arguments are kept as written.
    """
    out = []
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        fields = line.strip().split("\t")
        if len(fields) < 3:
            raise MamakgError(f"{source}:{number}: a CaRB prediction line needs sentence, "
                              "confidence and relation separated by TAB (mamakg build "
                              "--format carb writes them)")
        try:
            confidence = float(fields[1])
        except ValueError:
            raise MamakgError(f"{source}:{number}: confidence {fields[1]!r} is not a number "
                              "(expected sentence TAB confidence TAB relation TAB args)") from None
        out.append(Extraction(fields[0], fields[2], tuple(fields[3:]), confidence))
    return out


def read_gold(path: str | Path) -> list[Extraction]:
    """`parse_gold` of a file."""
    return parse_gold(read_lines(path), str(path))


def read_predictions(path: str | Path) -> list[Extraction]:
    """`parse_predictions` of a file."""
    return parse_predictions(read_lines(path), str(path))


def _binarise(args: Sequence[str]) -> tuple[str, ...]:
    return (args[0], " ".join(args[1:])) if len(args) >= 2 else tuple(args)


def _overlap(gold_words: list[str], predicted_words: list[str]) -> int:
    """Multiset overlap; removes the matched words from `predicted_words`."""
    n = 0
    for word in gold_words:
        if word in predicted_words:
            n += 1
            predicted_words.remove(word)
    return n


def _lenient(relation: str, gold_args: Sequence[str], pred_relation: str,
             pred_args: Sequence[str]) -> tuple[float, float]:
    predicted = pred_relation.split()
    gold = relation.split()
    p_num, p_den, r_num, r_den = 0, len(predicted), 0, len(gold)
    n = _overlap(gold, predicted)
    if "be" in predicted and any(form in gold for form in _FORMS_OF_BE):
        n += 1
    if n == 0:
        return 0.0, 0.0
    p_num += n
    r_num += n
    for i, arg in enumerate(gold_args):
        gold = arg.split()
        r_den += len(gold)
        if i >= len(pred_args):
            if i < 2:
                return 0.0, 0.0
            continue
        predicted = pred_args[i].split()
        p_den += len(predicted)
        n = _overlap(gold, predicted)
        p_num += n
        r_num += n
    return (p_num / p_den if p_den else 0.0, r_num / r_den if r_den else 0.0)


def match_pair(gold: Extraction, predicted: Extraction) -> tuple[float, float]:
    """(precision, recall) of one prediction against one gold tuple (binary lenient match).

    >>> g = Extraction("s", "was born in", ("Obama", "Hawaii"))
    >>> match_pair(g, Extraction("s", "born in", ("Barack Obama", "Hawaii"), 0.5))
    (0.8, 0.8)
    """
    gold_args, pred_args = _binarise(gold.args), _binarise(predicted.args)
    best = _lenient(gold.relation, gold_args, predicted.relation, pred_args)
    if any(word in gold.relation for word in _SAID):
        swapped = tuple(reversed(pred_args)) if len(pred_args) == 2 else pred_args
        best = max(best, _lenient(gold.relation, gold_args, predicted.relation, swapped))
    return best


def _group(extractions: Iterable[Extraction]) -> dict[str, list[Extraction]]:
    by_sentence: dict[str, list[Extraction]] = {}
    for ex in extractions:
        by_sentence.setdefault(ex.sentence, []).append(ex)
    # a later raw sentence with the same key replaces the earlier one, as in the official reader
    return {sentence_key(s): exs for s, exs in by_sentence.items()}


def _sentence_points(scores: np.ndarray, confidences: np.ndarray,
                     levels: Sequence[float]) -> list[tuple[float, int, float]]:
    """(precision sum, #selected, recall sum) of one sentence for each confidence level.

    `scores` is (G, N, 2): precision and recall of each (gold, prediction) pair.
    """
    n_gold = scores.shape[0]
    order = sorted((-scores[i, j, 0], i, j) for i in range(n_gold)
                    for j in range(scores.shape[1]))
    points = []
    for level in levels:
        selected = confidences >= level
        n_selected = int(selected.sum())
        recall = float(scores[:, selected, 1].max(axis=1).sum()) if n_gold else 0.0
        precision, used_gold, used_pred, left = 0.0, set(), set(), min(n_gold, n_selected)
        for neg_precision, i, j in order:
            if left == 0:
                break
            if selected[j] and i not in used_gold and j not in used_pred:
                precision -= neg_precision
                used_gold.add(i)
                used_pred.add(j)
                left -= 1
        points.append((precision, n_selected, recall))
    return points


def score(gold: Iterable[Extraction], predictions: Iterable[Extraction]) -> CarbScore:
    """CaRB AUC and best-F1 point of `predictions` against `gold` (SCORING.md section 3)."""
    gold_by = _group(gold)
    predictions = list(predictions)
    pred_by = _group(predictions)
    thresholds = sorted({p.confidence for p in predictions})
    m = len(thresholds)
    # difference arrays: a sentence adds its figures to a contiguous range of thresholds
    p_num, p_den, r_num = np.zeros(m + 1), np.zeros(m + 1), np.zeros(m + 1)
    r_den = 0
    n_scored = 0
    for key, gold_exs in gold_by.items():
        r_den += len(gold_exs)
        preds = pred_by.get(key, [])
        if not preds:
            continue
        n_scored += len(preds)
        scores = np.array([[match_pair(g, p) for p in preds] for g in gold_exs])  # (G, N, 2)
        confidences = np.array([p.confidence for p in preds])
        levels = sorted(set(confidences.tolist()))
        start = 0
        points = _sentence_points(scores, confidences, levels)
        for level, (prec, n_sel, rec) in zip(levels, points, strict=True):
            end = bisect.bisect_left(thresholds, level) + 1
            for array, value in ((p_num, prec), (p_den, n_sel), (r_num, rec)):
                array[start] += value
                array[end] -= value
            start = end
    p_num, p_den, r_num = (np.cumsum(a)[:m] for a in (p_num, p_den, r_num))
    pairs = zip(p_num.tolist(), p_den.tolist(), strict=True)
    precisions = [a / b if b > 0 else 1.0 for a, b in pairs]
    recalls = [a / r_den if r_den > 0 else 0.0 for a in r_num.tolist()]
    f1s = [2 * p * r / (p + r) if p + r > 0 else 0.0
           for p, r in zip(precisions, recalls, strict=True)]
    xs, ys = recalls + [0.0], precisions + [1.0]
    auc = sum((xs[i] - xs[i + 1]) * (ys[i] + ys[i + 1]) / 2 for i in range(len(xs) - 1))
    point: tuple[float, float, float, float | None]
    if m:
        best = max(range(m), key=lambda i: (f1s[i], -i))
        point = (precisions[best], recalls[best], f1s[best], thresholds[best])
    else:
        point = (1.0, 0.0, 0.0, None)
    return CarbScore(
        auc=auc, precision=point[0], recall=point[1], f1=point[2], threshold=point[3],
        n_gold_sentences=len(gold_by), n_gold=r_den, n_predictions=len(predictions),
        n_scored_predictions=n_scored,
        curve=tuple(zip(thresholds, precisions, recalls, strict=True)),
    )
