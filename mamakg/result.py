"""What a build gives back: its facts, its counts, and how it was made; with the ways to hand
it on (rdflib, NetworkX, any output file).

`Result` is what `mamakg.Builder.build` returns and `mamakg.load` reads back.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from mamakg.config import OutputFormat
from mamakg.types import Fact, Mention, RunInfo

__all__ = ["Result", "Summary"]


@dataclass
class Summary:
    """Counts reported at the end of a run."""

    n_documents: int = 0
    n_sentences: int = 0
    n_truncated: int = 0
    """Sentences cut to --max-tokens, or whose pieces did not fit the model."""
    n_replaced: int = 0
    """Undecodable input bytes replaced by U+FFFD."""
    binary: list[str] = field(default_factory=list)
    """Input files skipped because they look binary (`mamakg.reader.binary_reason`)."""
    n_candidates: int = 0
    dropped: Counter[str] = field(default_factory=Counter)
    """Candidates dropped, by filter."""
    n_mentions: int = 0
    """Match-stage extractions behind the facts (one per sentence and reading)."""
    n_readings: int = 0
    """Readings the Map stage derived from them (between the named entities inside a chunk,
    with the subject of a clause, or read backwards for an inverse property)."""
    n_facts: int = 0
    status: Counter[str] = field(default_factory=Counter)
    """Facts by mapping status."""
    n_relations_mapped: int = 0
    """Facts whose relation maps to a Wikidata property."""
    linked: set[str] = field(default_factory=set, repr=False)
    """Keys of the entities linked to a Wikidata item."""
    linking: bool | None = None
    """Whether entities could be linked (--kb or --entities); None when not known."""
    n_shards: int = 0
    """With a work folder: its shards, how many this run built, and their sentences (the
    speed counts these alone)."""
    n_shards_built: int = 0
    n_sentences_built: int = 0
    seconds: float = 0.0
    timings: dict[str, float] = field(default_factory=lambda: defaultdict(float))
    """Seconds per stage: parse (spaCy), attend (LM), match (beam search, filters, storing),
    collect (corpus filter and Map)."""

    @property
    def sentences_per_second(self) -> float:
        """Of the sentences this run built (with a work folder, shards reused count none)."""
        n = self.n_sentences_built if self.n_shards else self.n_sentences
        return n / self.seconds if self.seconds > 0 else 0.0

    def to_dict(self) -> dict[str, Any]:
        return {
            "documents": self.n_documents, "sentences": self.n_sentences,
            "truncated": self.n_truncated, "replaced_bytes": self.n_replaced,
            "candidates": self.n_candidates, "dropped": dict(sorted(self.dropped.items())),
            "mentions": self.n_mentions, "readings": self.n_readings, "facts": self.n_facts,
            "status": dict(sorted(self.status.items())),
            "relations_mapped": self.n_relations_mapped, "entities_linked": len(self.linked),
            "seconds": round(self.seconds, 3),
            "timings": {k: round(v, 3) for k, v in sorted(self.timings.items())},
        }

    @classmethod
    def of_facts(cls, facts: Sequence[Fact]) -> Summary:
        """The counts a set of facts alone can give (a graph read back from a file)."""
        summary = cls(n_facts=len(facts))
        for fact in facts:
            summary.add_fact(fact)
        return summary

    def add_fact(self, fact: Fact, sign: int = 1) -> None:
        """Count a fact of the graph (not `n_facts`, which its maker sets); with `sign` -1,
        take a fact's count back (two facts joined into one: their entities, the joined
        fact's too, stay counted as linked)."""
        self.status[fact.status.value] += sign
        n_readings = sum(1 for m in fact.mentions if m.derived)
        self.n_readings += sign * n_readings
        self.n_mentions += sign * (len(fact.mentions) - n_readings)
        if fact.relation.pid:
            self.n_relations_mapped += sign
        if sign > 0:
            self.linked.update(e.key for e in (fact.head, fact.tail) if e.qid)

    def add_counts(self, other: Summary) -> None:
        """Count the facts `other` counted (`add_fact`; a worker process's share of them)."""
        self.status.update(other.status)
        self.n_readings += other.n_readings
        self.n_mentions += other.n_mentions
        self.n_relations_mapped += other.n_relations_mapped
        self.linked.update(other.linked)

    def _facts_line(self) -> str:
        """How many facts, from what, and how much of them Wikidata names.

        >>> summary = Summary(n_facts=242, n_mentions=182, n_readings=60,
        ...                   n_relations_mapped=90, linking=False)
        >>> for part in summary._facts_line().split(": "):
        ...     print(part)
        facts 242 from 182 mentions and 60 readings of them
        relations mapped 90, entities linked 0 (no --kb)
        """
        source = f"{self.n_mentions} mention{'s' if self.n_mentions != 1 else ''}"
        if self.n_readings:
            source += f" and {self.n_readings} reading{'s' if self.n_readings != 1 else ''} " \
                      "of them"
        linked = f"entities linked {len(self.linked)}" + \
            (" (no --kb)" if self.linking is False else "")
        return (f"facts {self.n_facts} from {source}: "
                f"relations mapped {self.n_relations_mapped}, {linked}")

    def lines(self) -> list[str]:
        """The human-readable summary, one line each."""
        drops = ", ".join(f"{k} {v}" for k, v in sorted(self.dropped.items())) or "none"
        out = [
            f"documents {self.n_documents}, sentences {self.n_sentences}"
            + (f" ({self.n_truncated} truncated)" if self.n_truncated else ""),
            f"candidate facts {self.n_candidates}; dropped: {drops}",
            self._facts_line(),
            f"{self.seconds:.1f} s, "
            + (f"nothing to do: {self.n_shards} shards reused"
               if self.n_shards and not self.n_shards_built
               else f"{self.sentences_per_second:.1f} sentences/s"),
        ]
        if self.n_replaced:
            out.insert(1, f"warning: {self.n_replaced} undecodable bytes replaced by U+FFFD")
        if self.binary:
            shown = ", ".join(self.binary[:3]) + (", ..." if len(self.binary) > 3 else "")
            out.insert(1, f"warning: skipped {len(self.binary)} binary input "
                          f"file{'s' if len(self.binary) > 1 else ''} ({shown})")
        return out


@dataclass(frozen=True)
class Result:
    """A knowledge graph: facts with their provenance, the run's counts and how it was made.

    >>> from mamakg.types import Entity, Mention, Relation, TextSpan
    >>> said = Mention("d:1", 0, "Marie Curie was born in Warsaw", 0,
    ...                TextSpan("Marie Curie", 0, 11), TextSpan("was born in", 12, 23),
    ...                TextSpan("Warsaw", 24, 30), "marie curie", "bear in", "warsaw", 1.0)
    >>> fact = Fact(Entity("marie curie", "Marie Curie"), Relation("bear in", "was born in"),
    ...             Entity("warsaw", "Warsaw"), score=1.0, support=1, mentions=(said,))
    >>> result = Result(facts=[fact], summary=Summary.of_facts([fact]), run=RunInfo("0", "x"))
    >>> [f.tail.label for f in result.best(3)], result.summary.n_facts
    (['Warsaw'], 1)
    >>> g = result.to_networkx()
    >>> sorted(data["label"] for _, data in g.nodes(data=True))
    ['Marie Curie', 'Warsaw']
    >>> len(result.to_rdflib()) > 20  # the fact, its provenance, the run record
    True
    """

    facts: Sequence[Fact]
    """The facts, sorted by (head, relation, tail) keys: a list, or `mamakg.packed.PackedFacts`
    from a build that grouped them in worker processes (read alike)."""
    summary: Summary
    """The run's counts (for a graph read from a file: its facts and mentions only)."""
    run: RunInfo
    """How the graph was made: versions, models, effective settings."""
    base: str = "https://w3id.org/mamakg/"
    """The namespace of the IRIs minted for entities, open relations and facts."""
    documents: Mapping[str, str] | None = field(default=None, repr=False, compare=False)
    """Document id -> text, kept only when asked for (the CaRB output needs the input lines)."""
    source: str | None = None
    """The file a loaded graph came from (None for a build)."""
    left_out: tuple[Mention, ...] = field(default=(), repr=False, compare=False)
    """Mentions the Map stage left out of the graph (pronouns it could not resolve, heads that
    are dates or numbers): not facts, but still what the Match stage read, so the Open IE
    (``carb``) output lists them."""

    def best(self, n: int | None = 10) -> list[Fact]:
        """The `n` facts with the highest score (then support), all of them for None."""
        ranked = sorted(self.facts, key=lambda f: (-f.score, -f.support, f.head.key,
                                                   f.relation.key, f.tail.key))
        return ranked if n is None else ranked[:n]

    def to_rdflib(self) -> Any:
        """The graph as an `rdflib.Graph` (facts, provenance and the run record)."""
        from mamakg.rdf.graph import to_rdf

        return to_rdf(self.facts, self.run, self.base)

    def to_networkx(self) -> Any:
        """The graph as a `networkx.MultiDiGraph`: entities are nodes (by IRI), facts edges."""
        from mamakg.rdf.graph import to_networkx

        return to_networkx(self.facts, self.run, self.base)

    def write(self, path: str, format: OutputFormat | str | None = None, *,
              force: bool = False) -> None:
        """Write the graph to `path` (``-``: standard output), atomically. The format comes
        from `format` (ttl, nt, jsonld, graphml, jsonl, carb), else from the file name; a
        UsageError when both say something and disagree."""
        from mamakg.rdf.writers import write_graph

        fmt = OutputFormat.for_output(path, format)
        write_graph(self.facts, self.run, path, fmt, self.base, force=force,
                    documents=dict(self.documents) if self.documents is not None else None,
                    left_out=self.left_out)
