"""A build's facts kept pickled, a run of them per worker process of the Map stage, until a
process reads them (`PackedFacts`): the build's own process joins the runs from where their
facts lie alone, and the processes that write the graph unpickle what they write."""

from __future__ import annotations

import pickle
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any, overload

from mamakg.types import Entity, Fact, Relation

__all__ = ["Ends", "FactPart", "PackedFacts"]


Ends = tuple[Entity, Relation, Entity]
"""A fact's head, relation and tail as the Map stage mapped them (the tail before it becomes a
literal value)."""


@dataclass(frozen=True)
class FactPart:
    """A run of facts as a worker process of the Map stage hands it back (`PackedFacts`):
    where each fact lies (its head, relation, property and tail keys), the facts with their
    ends pickled as one, and the facts without their mentions pickled apart."""

    places: list[tuple[str, str, str | None, str]]
    facts: bytes
    """Pickled (ends, fact) of each fact, in order (`FactPart.of`)."""
    bare: bytes
    """Pickled facts without their mentions, in order."""

    @classmethod
    def of(cls, places: list[tuple[str, str, str | None, str]],
           found: list[tuple[Ends, Fact]]) -> FactPart:
        return cls(places, pickle.dumps(found, protocol=pickle.HIGHEST_PROTOCOL),
                   pickle.dumps([_bare(f) for _, f in found], protocol=pickle.HIGHEST_PROTOCOL))


def _bare(fact: Fact) -> Fact:
    """The fact without its mentions."""
    return Fact(fact.head, fact.relation, fact.tail, fact.score, fact.support, ())


class PackedFacts(Sequence[Fact]):
    """A build's facts as the Map stage's worker processes handed them back: each run of them
    pickled whole (`FactPart`), and unpickled only in a process that reads one of its facts.
    The build's own process joins the runs from their places alone, so it holds the facts
    as bytes until asked (a `Result.facts` read, a format written in one process); the
    processes that write N-Triples or Turtle, forked from it, each unpickle the runs they
    write (`mamakg.rdf.writers`). Reads as the list of the facts, in order: the fact `order`
    names of each run (run, index), or the fact `joined` gives in its place (facts of two
    runs at one place, joined by the Map stage)."""

    def __init__(self, parts: list[FactPart], order: list[tuple[int, int]],
                 joined: dict[int, Fact]) -> None:
        self._parts = parts
        self._order = order
        self._joined = joined
        self._loaded: dict[int, list[tuple[Ends, Fact]]] = {}
        self._bare: dict[int, list[Fact]] = {}

    def entry(self, part: int, index: int) -> tuple[Ends, Fact]:
        """The fact at `index` of run `part` as its worker found it, with its ends."""
        found = self._loaded.get(part)
        if found is None:
            found = self._loaded[part] = pickle.loads(self._parts[part].facts)
        return found[index]

    def __len__(self) -> int:
        return len(self._order)

    @overload
    def __getitem__(self, i: int) -> Fact: ...

    @overload
    def __getitem__(self, i: slice) -> list[Fact]: ...

    def __getitem__(self, i: int | slice) -> Fact | list[Fact]:
        if isinstance(i, slice):
            return [self[k] for k in range(*i.indices(len(self)))]
        if i < 0:
            i += len(self)
        if not 0 <= i < len(self):
            raise IndexError("fact index out of range")
        joined = self._joined.get(i)
        return joined if joined is not None else self.entry(*self._order[i])[1]

    def __iter__(self) -> Iterator[Fact]:
        return (self[i] for i in range(len(self)))

    def keys(self) -> list[tuple[str, str, str]]:
        """Each fact's head, relation and tail keys (what names its statement), in order,
        read from the runs' places: no fact is unpickled."""
        places = [part.places for part in self._parts]
        return [(at[0], at[1], at[3]) for at in (places[p][j] for p, j in self._order)]

    def runs(self) -> list[int]:
        """The run each fact comes from (a joined fact: its first's), in order."""
        return [p for p, _ in self._order]

    def bare(self) -> list[Fact]:
        """The facts without their mentions, in order: what the graph says of its entities
        and relations reads no more (`mamakg.rdf.graph.NODES`), unpickled from the runs'
        smaller halves."""
        out = []
        for i, (p, j) in enumerate(self._order):
            joined = self._joined.get(i)
            if joined is not None:
                out.append(_bare(joined))
                continue
            bare = self._bare.get(p)
            if bare is None:
                bare = self._bare[p] = pickle.loads(self._parts[p].bare)
            out.append(bare[j])
        return out

    def __eq__(self, other: object) -> bool:
        if isinstance(other, (PackedFacts, list)):  # as a list compares
            return list(self) == list(other)
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return repr(list(self))

    def __reduce__(self) -> tuple[Any, ...]:
        return (list, (list(self),))  # a copy elsewhere is the plain list
