"""Map stage with an offline knowledge base (`mamakg.kb`): entity linking and relation mapping
by distant supervision.

Entities: the candidates of an entity key are the items with that normalized label or alias,
also tried without leading determiners and with the last word singularized. A candidate's prior
is its share of the candidates' priors (sitelinks); when the base has statements, candidates
that have a statement with a candidate of another entity of the same document gain (coherence):

    score = (1 - COHERENCE_WEIGHT) * prior share + COHERENCE_WEIGHT * coherence

where coherence is the share of the other linkable entities of the document that it is tied to,
averaged over the documents of the entity. Coherence counts only when it tells the candidates
apart (some candidate has it); otherwise the score is the prior share. Below `min_link_score`
the entity stays unlinked (NIL).

Relations: an open relation key maps to the property that holds most often between the linked
(head, tail) pairs of its facts, when at least `min_count` pairs vote for it and they are at
least `min_share` of the linked pairs (``map_method = "distant"``, score = that share); else the
property-table match of `mamakg.mapping` stays (``label`` / ``alias``).
"""

from __future__ import annotations

import csv
import functools
import io
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from importlib import resources

from mamakg.config import Config
from mamakg.kb import KnowledgeBase
from mamakg.mapping import EntityLinker
from mamakg.normalize import squash
from mamakg.types import Entity, Mention, Relation

__all__ = [
    "COHERENCE_WEIGHT",
    "KBLinker",
    "LinkCandidate",
    "make_linker",
    "map_relations",
    "mention_variants",
]

COHERENCE_WEIGHT = 0.5
"""Weight of document coherence against the prior share in a candidate's link score."""
VARIANT_DECAY = 0.9
"""Each variant of a mention after the first (no determiner, singular) multiplies the score."""
MIN_DISTANT_COUNT = 2
"""Distant supervision: linked pairs that must vote for a property."""
MIN_DISTANT_SHARE = 0.5
"""Distant supervision: share of the relation's linked pairs that must vote for it."""

_DETERMINERS = frozenset(
    "a an the this that these those his her its their our my your some any every".split()
)
_NO_PLURAL = ("ss", "us", "is", "ous")


def _singular(word: str) -> str:
    """A cheap English singular of a noun: "universities" -> "university"."""
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 4 and word.endswith(("sses", "ches", "shes", "xes")):
        return word[:-2]
    if len(word) > 3 and word.endswith("s") and not word.endswith(_NO_PLURAL):
        return word[:-1]
    return word


def mention_variants(key: str) -> list[str]:
    """Strings to look up for an entity key, most specific first.

    >>> mention_variants("the universities")
    ['the universities', 'universities', 'university']
    """
    words = squash(key).split(" ")
    out = [" ".join(words)]
    while len(words) > 1 and words[0] in _DETERMINERS:
        words = words[1:]
    out.append(" ".join(words))
    out.append(" ".join([*words[:-1], _singular(words[-1])]))
    seen: set[str] = set()
    return [v for v in out if v and not (v in seen or seen.add(v))]  # type: ignore[func-returns-value]


@dataclass(frozen=True)
class LinkCandidate:
    """An item that an entity key may refer to."""

    qid: str
    label: str
    """The item's label in the base."""
    prior: float
    """Share of the mention's candidates' priors (0..1), decayed for looser variants."""


class KBLinker:
    """Links entity keys to the items of a `KnowledgeBase`, alone (`entity`) or jointly with the
    other entities of their documents (`link_all`)."""

    def __init__(self, kb: KnowledgeBase, min_score: float = 0.5, max_candidates: int = 20) -> None:
        self.kb = kb
        self.min_score = min_score
        self.max_candidates = max_candidates
        self._cache: dict[str, list[LinkCandidate]] = {}

    @classmethod
    def open(cls, path: str, min_score: float = 0.5) -> KBLinker:
        return cls(KnowledgeBase(path), min_score)

    def close(self) -> None:
        self.kb.close()

    def candidates(self, key: str) -> list[LinkCandidate]:
        """The candidates of an entity key, best prior first."""
        if key not in self._cache:
            best: dict[str, LinkCandidate] = {}
            for rank, variant in enumerate(mention_variants(key)):
                rows = self.kb.candidates(variant, self.max_candidates)
                total = sum(p for _, _, p in rows) or 1.0
                for qid, label, prior in rows:
                    share = round(prior / total * VARIANT_DECAY**rank, 4)
                    if qid not in best or share > best[qid].prior:
                        best[qid] = LinkCandidate(qid, label, share)
            self._cache[key] = sorted(best.values(), key=lambda c: (-c.prior, c.qid))
        return self._cache[key]

    def entity(self, key: str, label: str, min_score: float | None = None) -> Entity:
        """The `Entity` for a key by prior alone: its best candidate, or unlinked (NIL)."""
        threshold = self.min_score if min_score is None else min_score
        found = self.candidates(key)
        if not found or found[0].prior < threshold:
            return Entity(key=key, label=label)
        return Entity(key=key, label=label, qid=found[0].qid, link_score=found[0].prior)

    def link_all(self, facts: Iterable[Sequence[Mention]], labels: dict[str, str],
                 min_score: float | None = None) -> dict[str, Entity]:
        """Link every head and tail of `facts` (each a group of mentions) jointly: prior plus
        coherence with the other entities of the same documents. `labels` gives each key's
        surface label (the key itself when missing)."""
        threshold = self.min_score if min_score is None else min_score
        doc_keys: dict[str, set[str]] = defaultdict(set)
        for mentions in facts:
            for m in mentions:
                doc_keys[m.doc_id].update((m.head_key, m.tail_key))
        keys = sorted({k for ks in doc_keys.values() for k in ks})
        coherence = self._coherence(doc_keys) if self.kb.has_statements else {}
        out: dict[str, Entity] = {}
        for key in keys:
            label = labels.get(key, key)
            found = self.candidates(key)
            coh = coherence.get(key, {})
            tells_apart = any(coh.values())
            scored = []
            for c in found:
                score = c.prior
                if tells_apart:
                    score = (1 - COHERENCE_WEIGHT) * c.prior + COHERENCE_WEIGHT * coh.get(c.qid, 0)
                scored.append((round(score, 4), c.prior, c.qid))
            scored.sort(key=lambda s: (-s[0], -s[1], s[2]))
            if scored and scored[0][0] >= threshold:
                out[key] = Entity(key=key, label=label, qid=scored[0][2], link_score=scored[0][0])
            else:
                out[key] = Entity(key=key, label=label)
        return out

    def _coherence(self, doc_keys: dict[str, set[str]]) -> dict[str, dict[str, float]]:
        """key -> qid -> mean over the key's documents of the share of the document's other
        linkable keys that have a candidate tied to qid by a statement (either direction)."""
        sums: dict[str, dict[str, float]] = defaultdict(lambda: defaultdict(float))
        n_docs: Counter[str] = Counter()
        for doc_id in sorted(doc_keys):
            linkable = {k: {c.qid for c in self.candidates(k)} for k in sorted(doc_keys[doc_id])}
            linkable = {k: qids for k, qids in linkable.items() if qids}
            if len(linkable) < 2:
                continue
            ties: dict[str, set[str]] = defaultdict(set)
            all_qids = set().union(*linkable.values())
            for head, _, tail in self.kb.statements_among(all_qids):
                ties[head].add(tail)
                ties[tail].add(head)
            for key, qids in linkable.items():
                others = [q for k, q in linkable.items() if k != key]
                n_docs[key] += 1
                for qid in qids:
                    tied = sum(1 for other in others if ties[qid] & other)
                    sums[key][qid] += tied / len(others)
        return {k: {q: s / n_docs[k] for q, s in by_qid.items()} for k, by_qid in sums.items()}


@functools.lru_cache(maxsize=1)
def _bundled_property_labels() -> dict[str, str]:
    text = resources.files("mamakg").joinpath("data/wikidata_properties.tsv").read_text(
        encoding="utf-8"
    )
    rows = csv.DictReader(io.StringIO(text), delimiter="\t", quoting=csv.QUOTE_NONE)
    return {row["pid"]: row["label"] for row in rows}


def map_relations(
    facts: Iterable[Sequence[Mention]],
    entities: dict[str, Entity],
    kb: KnowledgeBase,
    relations: dict[str, Relation],
    min_count: int = MIN_DISTANT_COUNT,
    min_share: float = MIN_DISTANT_SHARE,
) -> dict[str, Relation]:
    """Distant supervision: `relations` with each key remapped to the property that most of its
    linked (head, tail) pairs have in `kb`, where one has enough votes; other keys unchanged."""
    pairs: dict[str, set[tuple[str, str]]] = defaultdict(set)
    for mentions in facts:
        first = mentions[0]
        head, tail = entities.get(first.head_key), entities.get(first.tail_key)
        if head is not None and tail is not None and head.qid and tail.qid:
            pairs[first.relation_key].add((head.qid, tail.qid))
    out = dict(relations)
    if not kb.has_statements:
        return out
    for key in sorted(pairs.keys() & relations.keys()):
        votes: Counter[str] = Counter()
        for head_qid, tail_qid in sorted(pairs[key]):
            votes.update(set(kb.statements(head_qid, tail_qid)))
        if not votes:
            continue
        pid, n = min(votes.items(), key=lambda kv: (-kv[1], kv[0]))
        share = round(n / len(pairs[key]), 4)
        if n < min_count or share < min_share:
            continue
        old = relations[key]
        pid_label = kb.property_label(pid) or _bundled_property_labels().get(pid)
        out[key] = Relation(key=old.key, label=old.label, pid=pid, map_score=share,
                            map_method="distant", pid_label=pid_label)
    return out


def make_linker(config: Config) -> KBLinker | EntityLinker | None:
    """The entity linker a config asks for: the knowledge base (`kb`), else the alias table
    (`entities`), else none."""
    if config.kb:
        return KBLinker.open(config.kb, config.min_link_score)
    if config.entities:
        return EntityLinker.from_tsv(config.entities)
    return None
