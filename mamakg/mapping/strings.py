"""Map stage, relations by their words: the label/alias mapper over the shipped property
table (`mamakg.mapping.properties.PropertyIndex`), what maps relations when the
sentence-embedding model is not installed or ``--no-semantic-map`` is given."""

from __future__ import annotations

from collections.abc import Sequence

from mamakg.mapping.mapper import MapMethod, Mapping, MapQuery
from mamakg.mapping.properties import PropertyIndex

__all__ = ["StringMapper"]


class StringMapper:
    """Maps a relation whose surface (with or without a leading auxiliary) or lemma key is a
    property's label or alias (`PropertyIndex.match`), scored as found; decides every query
    (no property below `min_score`)."""

    def __init__(self, index: PropertyIndex | None = None, min_score: float = 0.5) -> None:
        self.index = index if index is not None else PropertyIndex.bundled()
        self.min_score = min_score

    def prepare(self, queries: Sequence[MapQuery], compare: bool = True) -> None:
        """Nothing to prepare: a lookup per query."""

    def map(self, queries: Sequence[MapQuery]) -> list[Mapping | None]:
        out: list[Mapping | None] = []
        for q in queries:
            found = self.index.match(q.surface, q.key)
            if found is None or found.score < self.min_score:
                out.append(Mapping(None, found.score if found else 0.0, MapMethod.NONE))
            else:
                out.append(Mapping(found.pid, found.score, MapMethod(found.method),
                                   pid_label=found.label))
        return out
