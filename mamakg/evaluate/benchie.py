"""BenchIE: exact match of triples against fact synsets (Gashteovski et al. 2022).

A clean-room implementation of shared/data/SCORING.md section 3.4. Each gold triple stands for
all the variants obtained by keeping or dropping each ``[optional]`` group; a predicted triple is
a true positive when its three slots equal some variant of some triple of a cluster (synset) of
its sentence, and it credits the first such cluster.

    >>> gold = parse_gold(["sent_id:1\\tHe ran fast .", "1--> Cluster 1:",
    ...                    "He --> ran --> [very] fast"])
    >>> s = score(gold, [Triple("1", "He", "ran", "fast"), Triple("1", "He", "ran", "slow")])
    >>> (s.n_true_positives, s.n_false_positives, s.precision, s.recall)
    (1, 1, 0.5, 1.0)
"""

from __future__ import annotations

import itertools
import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from mamakg.errors import MamakgError
from mamakg.evaluate.carb import parse_predictions, sentence_key
from mamakg.evaluate.files import read_lines

__all__ = [
    "BenchieScore",
    "Cluster",
    "GoldSentence",
    "Triple",
    "expand",
    "parse_gold",
    "parse_predictions_any",
    "read_gold",
    "read_predictions",
    "score",
]

_SENT = re.compile(r"^sent_id\s*:\s*(\S+)\t(.*)$")
_CLUSTER = re.compile(r"^\s*(\S+?)\s*-->\s*Cluster\s+(\d+)\s*:\s*$")
_GROUP = re.compile(r"\[([^\[\]]*)\]")


@dataclass(frozen=True)
class Triple:
    """One predicted triple of one sentence."""

    sent_id: str
    subject: str
    relation: str
    object: str


@dataclass(frozen=True)
class Cluster:
    """One fact synset: every accepted form of one fact, expanded."""

    name: str
    """The cluster header number, e.g. ``"3"``."""
    variants: tuple[tuple[frozenset[str], frozenset[str], frozenset[str]], ...]
    """Per gold triple: the accepted subject, relation and object strings."""

    def matches(self, triple: Triple) -> bool:
        return any(triple.subject in s and triple.relation in r and triple.object in o
                   for s, r, o in self.variants)


@dataclass(frozen=True)
class GoldSentence:
    """The gold of one sentence."""

    sent_id: str
    sentence: str
    clusters: tuple[Cluster, ...]


@dataclass(frozen=True)
class BenchieScore:
    """BenchIE figures: no confidence, one point."""

    precision: float
    recall: float
    f1: float
    n_true_positives: int
    """Clusters hit by at least one prediction."""
    n_false_positives: int
    """Predicted triples (of gold sentences) that match no cluster."""
    n_clusters: int
    """Gold clusters of all sentences."""
    n_predictions: int
    """Predicted triples read."""
    n_ignored: int
    """Predicted triples for sentence ids that are not in the gold."""

    def to_dict(self) -> dict[str, object]:
        return {"precision": round(self.precision, 4), "recall": round(self.recall, 4),
                "f1": round(self.f1, 4), "n_true_positives": self.n_true_positives,
                "n_false_positives": self.n_false_positives, "n_clusters": self.n_clusters,
                "n_predictions": self.n_predictions, "n_ignored": self.n_ignored}


def expand(slot: str) -> frozenset[str]:
    """Every form of a gold slot with each ``[...]`` group kept or dropped.

    >>> sorted(expand("[the] [first] Prime Minister"))
    ['Prime Minister', 'first Prime Minister', 'the Prime Minister', 'the first Prime Minister']
    """
    parts = _GROUP.split(slot)  # text, group, text, group, ..., text
    groups = parts[1::2]
    out = set()
    for keep in itertools.product((True, False), repeat=len(groups)):
        pieces = [parts[0]]
        for kept, group, text in zip(keep, groups, parts[2::2], strict=True):
            pieces.append(group if kept else "")
            pieces.append(text)
        out.add(" ".join("".join(pieces).split()))
    return frozenset(out)


def parse_gold(lines: Iterable[str], source: str = "gold") -> list[GoldSentence]:
    """The BenchIE gold format: ``sent_id:N TAB sentence``, ``N--> Cluster k:`` headers and
    ``subject --> relation --> object`` lines."""
    sentences: list[GoldSentence] = []
    sent_id: str | None = None
    sentence = ""
    clusters: list[Cluster] = []
    name: str | None = None
    triples: list[tuple[frozenset[str], frozenset[str], frozenset[str]]] = []

    def close_cluster() -> None:
        nonlocal name, triples
        if name is not None:
            clusters.append(Cluster(name, tuple(triples)))
        name, triples = None, []

    def close_sentence() -> None:
        nonlocal sent_id, clusters
        close_cluster()
        if sent_id is not None:
            sentences.append(GoldSentence(sent_id, sentence, tuple(clusters)))
        sent_id, clusters = None, []

    for number, raw in enumerate(lines, 1):
        line = raw.rstrip("\r\n")
        if not line.strip():
            continue
        if m := _SENT.match(line):
            close_sentence()
            sent_id, sentence = m.group(1), m.group(2).strip()
        elif m := _CLUSTER.match(line):
            if sent_id is None:
                raise MamakgError(f"{source}:{number}: cluster header before any sent_id line")
            close_cluster()
            name = m.group(2)
        else:
            slots = line.split(" --> ")
            if len(slots) != 3 or name is None:
                raise MamakgError(f"{source}:{number}: expected 'subject --> relation --> "
                                  f"object' inside a cluster, got {line[:60]!r}")
            triples.append((expand(slots[0]), expand(slots[1]), expand(slots[2])))
    close_sentence()
    if not sentences:
        raise MamakgError(f"{source}: no 'sent_id:N<TAB>sentence' line: not a BenchIE gold file")
    return sentences


def _triples_from_jsonl(lines: Iterable[str], source: str) -> Iterator[Triple]:
    """mamakg JSONL facts: one triple per mention, the sentence id is the mention's doc_id."""
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
            for m in record["mentions"]:
                yield Triple(str(m["doc_id"]), m["head"]["text"], m["relation"]["text"],
                             m["tail"]["text"])
        except (json.JSONDecodeError, KeyError, TypeError) as err:
            raise MamakgError(f"{source}:{number}: not a mamakg JSONL fact ({err})") from err


def parse_predictions_any(lines: list[str], gold: list[GoldSentence],
                          source: str = "predictions", fmt: str = "auto") -> list[Triple]:
    """Predicted triples from BenchIE (``sent_id TAB subj TAB rel TAB obj``), CaRB-format (the
    sentence is looked up in the gold, extra arguments join the object) or mamakg JSONL (each
    mention's doc_id is the sent_id) lines. `fmt`: auto, benchie, carb or jsonl."""
    if fmt == "auto":
        first = next((x for x in lines if x.strip()), "")
        fields = first.split("\t")
        if first.lstrip().startswith("{"):
            fmt = "jsonl"
        elif len(fields) >= 3 and _is_float(fields[1]) and not fields[0].strip().isdigit():
            fmt = "carb"
        else:
            fmt = "benchie"
    if fmt == "jsonl":
        return list(_triples_from_jsonl(lines, source))
    if fmt == "carb":
        ids = {sentence_key(g.sentence): g.sent_id for g in gold}
        out = []
        for ex in parse_predictions(lines, source):
            obj = " ".join(ex.args[1:])
            sent_id = ids.get(sentence_key(ex.sentence), "")
            out.append(Triple(sent_id, ex.args[0] if ex.args else "", ex.relation, obj))
        return out
    if fmt != "benchie":
        raise MamakgError(f"unknown prediction format {fmt!r}: choose auto, benchie, carb, jsonl")
    out = []
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        fields = line.rstrip("\r\n").split("\t")
        if len(fields) != 4:
            raise MamakgError(f"{source}:{number}: expected 'sent_id TAB subject TAB relation "
                              f"TAB object', got {len(fields)} fields")
        out.append(Triple(*(f.strip() for f in fields)))
    return out


def _is_float(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def read_gold(path: str | Path) -> list[GoldSentence]:
    """`parse_gold` of a file."""
    return parse_gold(read_lines(path), str(path))


def read_predictions(path: str | Path, gold: list[GoldSentence],
                     fmt: str = "auto") -> list[Triple]:
    """`parse_predictions_any` of a file."""
    return parse_predictions_any(read_lines(path), gold, str(path), fmt)


def score(gold: Iterable[GoldSentence], predictions: Iterable[Triple]) -> BenchieScore:
    """BenchIE precision, recall and F1 (SCORING.md section 3.4)."""
    by_id = {g.sent_id: g for g in gold}
    hit: set[tuple[str, int]] = set()
    n_fp = n_ignored = n_pred = 0
    for triple in predictions:
        n_pred += 1
        sentence = by_id.get(triple.sent_id)
        if sentence is None:
            n_ignored += 1
            continue
        for k, cluster in enumerate(sentence.clusters):
            if cluster.matches(triple):
                hit.add((triple.sent_id, k))
                break
        else:
            n_fp += 1
    n_clusters = sum(len(g.clusters) for g in by_id.values())
    tp = len(hit)
    precision = tp / (tp + n_fp) if tp + n_fp else 0.0
    recall = tp / n_clusters if n_clusters else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return BenchieScore(precision, recall, f1, tp, n_fp, n_clusters, n_pred, n_ignored)
