"""A build's records packed as bytes for its other processes: mentions as plain values
(`pack_mention`: the mention store's rows), and its facts, a run of them per worker process of
the Map stage, kept packed until a process reads them (`PackedFacts`): the build's own process
joins the runs from where their facts lie alone, and the processes that write the graph
unpack what they write."""

from __future__ import annotations

import marshal
import pickle
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, fields
from typing import Any, cast, overload

from mamakg.types import Entity, Fact, Mention, PathStep, Relation, TextSpan

__all__ = ["Ends", "FactPart", "PackedFacts", "pack_mention", "unpack_mention"]


_MARSHALLED = b"M"
"""The first byte of mentions packed as plain values (`pack_mention`, `_pack_facts`'
mentions); a pickle's is another."""
_FIELDS = tuple(f.name for f in fields(Mention))
_SPANS = tuple(i for i, name in enumerate(_FIELDS) if name in ("head", "relation", "tail"))
_NODES = tuple(i for i, name in enumerate(_FIELDS)
               if name in ("head_node", "tail_node", "relation_node"))
_PATH, _READINGS = _FIELDS.index("path"), _FIELDS.index("readings")
_OTHERS = tuple(i for i in range(len(_FIELDS)) if i not in (*_SPANS, *_NODES, _PATH, _READINGS))
_PLAIN = frozenset({str, int, float, bool, bytes, type(None)})
_new, _new_tuple, _set = object.__new__, tuple.__new__, object.__setattr__


def pack_mention(mention: Mention) -> bytes:
    """A mention as bytes that only this version of mamakg reads back (`unpack_mention`),
    for the records of one build: its fields' values in order, its spans, path steps and
    readings as tuples of theirs, written by ``marshal``; where a value is not a plain one
    (`_plain`: a float of another type, a numpy scalar, which ``marshal`` would write as
    bytes, a record of a new kind), the whole mention is pickled instead. Faster to pack
    and to unpack than a pickle (no class is looked up by name, no record is built through
    its constructor), and smaller.

    >>> from fractions import Fraction
    >>> m = Mention("d", 0, "Ann met Bob", 0, TextSpan("Ann", 0, 3), TextSpan("met", 4, 7),
    ...             TextSpan("Bob", 8, 11), "ann", "meet", "bob", 0.5,
    ...             (PathStep("Ann", 0.0), PathStep("met", 0.25)))
    >>> pack_mention(m)[:1], unpack_mention(pack_mention(m)) == m
    (b'M', True)
    >>> odd = Mention(*m.__dict__.values())
    >>> object.__setattr__(odd, "score", Fraction(1, 2))  # marshal writes no Fraction
    >>> pack_mention(odd)[:1] == b"M", unpack_mention(pack_mention(odd)) == odd
    (False, True)
    >>> import numpy as np
    >>> object.__setattr__(odd, "score", np.float32(0.5))  # marshal: 4 bytes, no number
    >>> pack_mention(odd)[:1] == b"M", type(unpack_mention(pack_mention(odd)).score)
    (False, <class 'numpy.float32'>)
    """
    try:
        return _MARSHALLED + marshal.dumps(_values(mention))
    except ValueError:  # marshal refuses a value
        return pickle.dumps(mention, protocol=pickle.HIGHEST_PROTOCOL)


def unpack_mention(packed: bytes) -> Mention:
    """The mention `pack_mention` packed."""
    if packed[:1] == _MARSHALLED:
        return _mention(marshal.loads(memoryview(packed)[1:]))
    found = pickle.loads(packed)  # noqa: S301 (packed by this build's own processes)
    if not isinstance(found, Mention):
        raise TypeError(f"not a packed mention: {type(found).__name__}")
    return found


def _values(m: Mention) -> tuple[Any, ...]:
    """`pack_mention`'s plain values of a mention (ValueError where they would not read
    back as the same mention)."""
    found = m.__dict__
    if type(m) is not Mention or len(found) != len(_FIELDS):
        raise ValueError("a subclass, or an attribute besides the fields")
    values = [found[name] for name in _FIELDS]
    for i in _OTHERS:
        if type(values[i]) not in _PLAIN and not _plain(values[i]):
            raise ValueError(f"{_FIELDS[i]}: a value of type {type(values[i]).__name__}")
    for i in _SPANS:
        values[i] = _span_values(values[i])
    for i in _NODES:
        if values[i] is not None:
            values[i] = _span_values(values[i])
    path = values[_PATH]
    if path:
        if type(path) is not tuple or any(type(step) is not PathStep or type(step[0]) is not str
                                          or type(step[1]) is not float for step in path):
            raise ValueError("a path of other steps")
        values[_PATH] = tuple([tuple(step) for step in path])
    readings = values[_READINGS]
    if readings:
        if type(readings) is not tuple:
            raise ValueError("readings in another sequence")
        values[_READINGS] = tuple([_values(r) for r in readings])
    return tuple(values)


def _span_values(span: TextSpan) -> tuple[Any, ...]:
    if type(span) is not TextSpan:
        raise ValueError("a span of another kind")
    found = span.__dict__
    values = (found["text"], found["start"], found["end"])
    if type(values[0]) is not str or type(values[1]) is not int or type(values[2]) is not int:
        raise ValueError("a span of other values")
    return values


def _plain(value: object) -> bool:
    """Whether ``marshal`` writes the value as itself: a str, int, float, bool, bytes or
    None, or a tuple or list of such values (``marshal`` writes any object that has a
    buffer, a numpy scalar or array too, as bytes)."""
    kind = type(value)
    if kind in _PLAIN:
        return True
    if kind is tuple or kind is list:  # exactly: marshal writes no named tuple
        return all(_plain(v) for v in cast("Sequence[object]", value))
    return False


def _span(values: tuple[Any, ...]) -> TextSpan:
    span = _new(TextSpan)
    _set(span, "__dict__", {"text": values[0], "start": values[1], "end": values[2]})
    return span


def _mention(values: tuple[Any, ...]) -> Mention:
    """The mention of `_values`: built without its constructor, as `mamakg.types.evolve`
    builds records (it was checked when it was made)."""
    found = list(values)
    for i in _SPANS:
        found[i] = _span(found[i])
    for i in _NODES:
        if found[i] is not None:
            found[i] = _span(found[i])
    if found[_PATH]:
        found[_PATH] = tuple([_new_tuple(PathStep, step) for step in found[_PATH]])
    if found[_READINGS]:
        found[_READINGS] = tuple([_mention(r) for r in found[_READINGS]])
    mention = _new(Mention)
    _set(mention, "__dict__", dict(zip(_FIELDS, found)))
    return mention


Ends = tuple[Entity, Relation, Entity]
"""A fact's head, relation and tail as the Map stage mapped them (the tail before it becomes a
literal value)."""


@dataclass(frozen=True)
class FactPart:
    """A run of facts as a worker process of the Map stage hands it back (`PackedFacts`):
    where each fact lies (its head, relation, property and tail keys), the facts without
    their mentions with their ends, pickled, and the mentions of each fact apart, packed as
    plain values (`pack_mention`): what the graph says of its entities and relations reads
    only the first."""

    places: list[tuple[str, str, str | None, str]]
    bare: bytes
    """Pickled (ends, fact without its mentions) of each fact, in order."""
    mentions: bytes
    """The mentions of each fact, in order (`_pack_facts`)."""

    @classmethod
    def of(cls, places: list[tuple[str, str, str | None, str]],
           found: list[tuple[Ends, Fact]]) -> FactPart:
        return cls(places, pickle.dumps([(ends, _bare(f)) for ends, f in found],
                                        protocol=pickle.HIGHEST_PROTOCOL),
                   _pack_facts([f.mentions for _, f in found]))


def _pack_facts(mentions: list[tuple[Mention, ...]]) -> bytes:
    """Each fact's mentions, as `pack_mention` packs one (all of them pickled where one is
    not of plain values)."""
    try:
        return _MARSHALLED + marshal.dumps([tuple([_values(m) for m in ms]) for ms in mentions])
    except ValueError:
        return pickle.dumps(mentions, protocol=pickle.HIGHEST_PROTOCOL)


def _unpack_facts(packed: bytes) -> list[tuple[Mention, ...]]:
    if packed[:1] == _MARSHALLED:
        return [tuple([_mention(v) for v in ms])
                for ms in marshal.loads(memoryview(packed)[1:])]
    found: list[tuple[Mention, ...]] = pickle.loads(packed)  # noqa: S301 (as above)
    return found


def _bare(fact: Fact) -> Fact:
    """The fact without its mentions."""
    return Fact(fact.head, fact.relation, fact.tail, fact.score, fact.support, ())


def _with_mentions(bare: Fact, mentions: tuple[Mention, ...]) -> Fact:
    """The fact `bare` with these mentions (checked when it was made)."""
    fact = _new(Fact)
    found = dict(bare.__dict__)
    found["mentions"] = mentions
    _set(fact, "__dict__", found)
    return fact


class PackedFacts(Sequence[Fact]):
    """A build's facts as the Map stage's worker processes handed them back: each run of them
    packed (`FactPart`), and unpacked only in a process that reads one of its facts. The
    build's own process joins the runs from their places alone, so it holds the facts as
    bytes until asked (a `Result.facts` read, a format written in one process); the
    processes that write N-Triples or Turtle, forked from it, each unpack the runs they
    write (`mamakg.rdf.writers`). Reads as the list of the facts, in order: the fact `order`
    names of each run (run, index), or the fact `joined` gives in its place (facts of two
    runs at one place, joined by the Map stage)."""

    def __init__(self, parts: list[FactPart], order: list[tuple[int, int]],
                 joined: dict[int, Fact]) -> None:
        self._parts = parts
        self._order = order
        self._joined = joined
        self._loaded: dict[int, list[tuple[Ends, Fact]]] = {}
        self._bare: dict[int, list[tuple[Ends, Fact]]] = {}

    def entry(self, part: int, index: int) -> tuple[Ends, Fact]:
        """The fact at `index` of run `part` as its worker found it, with its ends."""
        found = self._loaded.get(part)
        if found is None:
            found = self._loaded[part] = [
                (ends, _with_mentions(bare, mentions)) for (ends, bare), mentions
                in zip(self._bare_run(part), _unpack_facts(self._parts[part].mentions))]
        return found[index]

    def _bare_run(self, part: int) -> list[tuple[Ends, Fact]]:
        """Run `part`'s facts without their mentions, with their ends."""
        found = self._bare.get(part)
        if found is None:
            found = self._bare[part] = pickle.loads(self._parts[part].bare)
        return found

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
        read from the runs' places: no fact is unpacked."""
        places = [part.places for part in self._parts]
        return [(at[0], at[1], at[3]) for at in (places[p][j] for p, j in self._order)]

    def runs(self) -> list[int]:
        """The run each fact comes from (a joined fact: its first's), in order."""
        return [p for p, _ in self._order]

    def bare(self) -> list[Fact]:
        """The facts without their mentions, in order: what the graph says of its entities
        and relations reads no more (`mamakg.rdf.graph.NODES`), unpickled from the runs'
        halves without mentions."""
        out = []
        for i, (p, j) in enumerate(self._order):
            joined = self._joined.get(i)
            if joined is not None:
                out.append(_bare(joined))
                continue
            out.append(self._bare_run(p)[j][1])
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
