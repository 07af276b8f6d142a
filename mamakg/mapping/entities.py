"""Map stage, entities: linking to Wikidata items through a user's alias table
(`EntityLinker`, ``build --entities``) or an offline knowledge base (`KBLinker`, ``--kb``).

With a knowledge base, the candidates of an entity key are the items with that normalized label
or alias, also tried without leading determiners and with the last word singularized. A
candidate's prior is its share of the candidates' priors (sitelinks); when the base has
statements, candidates that have a statement with a candidate of another entity of the same
document gain (coherence):

    score = (1 - COHERENCE_WEIGHT) * prior share + COHERENCE_WEIGHT * coherence

where coherence is the share of the other linkable entities of the document that it is tied to,
averaged over the documents of the entity. Coherence counts only when it tells the candidates
apart (some candidate has it); otherwise the score is the prior share. Below `min_link_score`
the entity stays unlinked (NIL).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from mamakg.config import Config
from mamakg.english import DETERMINERS
from mamakg.mapping.kb import KnowledgeBase, read_alias_table
from mamakg.normalize import squash
from mamakg.types import Entity, Mention

__all__ = [
    "COHERENCE_WEIGHT",
    "EntityLinker",
    "KBLinker",
    "LinkCandidate",
    "make_linker",
    "mention_variants",
]

COHERENCE_WEIGHT = 0.5
"""Weight of document coherence against the prior share in a candidate's link score."""
VARIANT_DECAY = 0.9
"""Each variant of a mention after the first (no determiner, singular) multiplies the score."""

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
    while len(words) > 1 and words[0] in DETERMINERS:
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


def make_linker(config: Config) -> KBLinker | EntityLinker | None:
    """The entity linker a config asks for: the knowledge base (`kb`), else the alias table
    (`entities`), else none."""
    if config.kb:
        return KBLinker.open(config.kb, config.min_link_score)
    if config.entities:
        return EntityLinker.from_tsv(config.entities)
    return None


class EntityLinker:
    """Links normalized entity text to Wikidata items through a user's alias table.

    The table is TSV with columns mention, Q-id, prior (a header line is optional). The link
    score of an item is its prior divided by the sum of priors of that mention's items.
    """

    def __init__(self, table: dict[str, list[tuple[str, float]]]) -> None:
        self._table = table

    @classmethod
    def from_tsv(cls, path: str) -> EntityLinker:
        table: dict[str, list[tuple[str, float]]] = {}
        for text, qid, prior, _ in read_alias_table(path):
            table.setdefault(text, []).append((qid, prior))
        return cls(table)

    def close(self) -> None:
        """Nothing to close: the table is in memory (a `KBLinker` closes its database)."""

    def entity(self, key: str, label: str, min_score: float = 0.0) -> Entity:
        """The `Entity` for a key: linked to its best item, or unlinked (NIL)."""
        items = self._table.get(key)
        if not items:
            return Entity(key=key, label=label)
        total = sum(p for _, p in items) or 1.0
        qid, prior = max(items, key=lambda item: (item[1], item[0]))
        score = round(prior / total, 4)
        if score < min_score:
            return Entity(key=key, label=label)
        return Entity(key=key, label=label, qid=qid, link_score=score)
