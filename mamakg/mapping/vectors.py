"""Map stage: sentence-embedding vectors of the Wikidata properties a relation may map to,
built once from the shipped property table (``mamakg/data/wikidata_properties.tsv``, CC0) by
``python scripts/build_property_vectors.py`` and shipped as ``mamakg/data/property_vectors.npz``.

Candidates are the entity-valued and time-valued properties used at least `MIN_USAGE` times
and the quantity-valued ones used at least `MIN_QUANTITY_USAGE` times (a rarely used property
is rarely what a sentence states). Each has a vector for its label, one for each of its first
`MAX_ALIASES` aliases, and one for "label: description"; all are unit vectors of the bundled
all-MiniLM-L6-v2 (`mamakg.attention.Embedder`), stored as float16.

The file records the model and a digest of the table rows it was built from, so a stale file
is noticed (`PropertyVectors.check`).
"""

from __future__ import annotations

import functools
import hashlib
import io
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from importlib import resources

import numpy as np

from mamakg.errors import MamakgError
from mamakg.mapping.properties import property_table

__all__ = ["MAX_ALIASES", "MIN_QUANTITY_USAGE", "MIN_USAGE", "PROPERTY_GRID", "QUERY_GRID",
           "UNFIT", "PropertyVectors", "build_property_vectors", "candidate_rows", "cosines",
           "on_grid", "table_digest"]

MIN_USAGE = 100
"""Entity- and time-valued properties used fewer times than this in Wikidata are no candidates."""
MIN_QUANTITY_USAGE = 1000
"""Quantity-valued properties used fewer times than this are no candidates."""
MAX_ALIASES = 12
"""Aliases embedded per property (the table lists them most common first)."""
VECTORS_FILE = "data/property_vectors.npz"
UNFIT = -2.0
"""The score of a name a query may not match (`PropertyVectors.name_scores`): below any
cosine."""
PROPERTY_GRID = 2.0**-24
"""The properties' vector components are taken as multiples of this (`cosines`): the shipped
float16 vectors are already."""
QUERY_GRID = 2.0**-28
"""A query vector's components are rounded to multiples of this (`cosines`): float32's own
spacing for components of 1/32 or more, so only smaller ones move, by less than 4e-9."""


def on_grid(vectors: np.ndarray, grid: float) -> np.ndarray:
    """The vectors in float64, each component rounded to a multiple of `grid`."""
    return np.rint(np.asarray(vectors, dtype=np.float64) / grid) * grid


def cosines(queries: np.ndarray, properties_on_grid: np.ndarray) -> np.ndarray:
    """(Q, N) float32 products of (Q, D) query vectors with (N, D) property vectors already on
    `PROPERTY_GRID` (`on_grid`); all of norm at most 1 (unit vectors). The same bits whatever
    queries come with one, in whatever order, on whatever machine: the queries rounded to
    `QUERY_GRID`, every product of two components is a multiple of 2**-52 and every partial
    sum one smaller than 2 in size, which float64 holds exactly, so no order in which BLAS
    sums them (it varies with the matrices' shapes, the processor and its threads) changes
    the sum; it is then rounded to float32 once."""
    exact = on_grid(queries, QUERY_GRID) @ properties_on_grid.T
    return exact.astype(np.float32)


def candidate_rows(rows: Sequence[dict[str, str]] | None = None) -> list[dict[str, str]]:
    """The table rows of the properties a relation may map to, in table order."""
    out = []
    for row in property_table() if rows is None else rows:
        usage = int(row.get("usage_count") or 0)
        kind = row.get("datatype")
        if (kind in ("WikibaseItem", "Time") and usage >= MIN_USAGE) or (
                kind == "Quantity" and usage >= MIN_QUANTITY_USAGE):
            out.append(row)
    return out


def _names(row: dict[str, str]) -> list[str]:
    seen: set[str] = set()
    names = []
    for name in [row["label"], *(row.get("aliases") or "").split("|")][: MAX_ALIASES + 1]:
        key = name.strip().lower()
        if key and key not in seen:
            seen.add(key)
            names.append(name.strip())
    return names


def _description(row: dict[str, str]) -> str:
    text = (row.get("description") or "").strip()
    return f"{row['label']}: {text}" if text and text != "None" else row["label"]


def table_digest(rows: Sequence[dict[str, str]]) -> str:
    """A digest of what the vectors are made of (pids, names, descriptions)."""
    h = hashlib.sha1()
    for row in rows:
        h.update("\x1f".join([row["pid"], *_names(row), _description(row)]).encode("utf-8"))
        h.update(b"\x1e")
    return h.hexdigest()[:16]


@dataclass(frozen=True)
class PropertyVectors:
    """Unit vectors of the candidate properties' names and descriptions."""

    pids: tuple[str, ...]
    """The candidate properties, in table order."""
    names: np.ndarray
    """(N, D) float32: one row per label or alias."""
    name_owner: np.ndarray
    """(N,) int: the index in `pids` of each name's property."""
    name_text: tuple[str, ...]
    """The text of each name."""
    descriptions: np.ndarray
    """(P, D) float32: "label: description" of each property."""
    model: str
    """The embedding model the vectors come from."""
    digest: str
    """`table_digest` of the rows they were built from."""

    def __post_init__(self) -> None:
        if not (len(self.names) == len(self.name_owner) == len(self.name_text)):
            raise ValueError("one owner and one text per name vector")
        if len(self.descriptions) != len(self.pids):
            raise ValueError("one description vector per property")

    def __len__(self) -> int:
        return len(self.pids)

    @functools.cached_property
    def _groups(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The names in property order (indices into `names`), where each property's run of
        them starts in that order, and the property of each run."""
        order = np.argsort(self.name_owner, kind="stable")
        owners = self.name_owner[order]
        starts = np.flatnonzero(np.r_[True, owners[1:] != owners[:-1]])
        return order, starts, owners[starts]

    @functools.cached_property
    def _names_on_grid(self) -> np.ndarray:
        return on_grid(self.names, PROPERTY_GRID)

    @functools.cached_property
    def _descriptions_on_grid(self) -> np.ndarray:
        return on_grid(self.descriptions, PROPERTY_GRID)

    def description_scores(self, vectors: np.ndarray) -> np.ndarray:
        """(Q, P) cosine of each of (Q, D) unit vectors with each property's description, the
        same bits alone as among others (`cosines`)."""
        return cosines(vectors, self._descriptions_on_grid)

    @functools.cached_property
    def _in_order(self) -> bool:
        """Whether the names come property by property already (the shipped vectors do)."""
        return bool(np.all(np.diff(self.name_owner) >= 0))

    def name_scores(self, vectors: np.ndarray, unfit: np.ndarray | None = None,
                    ) -> tuple[np.ndarray, np.ndarray]:
        """For (Q, D) query vectors: (Q, P) best cosine of each property's names, and the
        (Q, P) index of that name in `name_text` (its first name of that cosine; a property
        without names: -1 and 0). `unfit`, (Q, N) bool: names a query may not match, which
        count as `UNFIT` (a property with no other name scores that). A vector scores to the
        same bits alone as among others (`cosines`)."""
        sims = cosines(vectors, self._names_on_grid)  # (Q, N)
        if unfit is not None:
            sims[unfit] = UNFIT
        best = np.full((len(vectors), len(self.pids)), -1.0, dtype=np.float32)
        which = np.zeros((len(vectors), len(self.pids)), dtype=np.int64)
        if not len(self.name_owner):
            return best, which
        order, starts, owners = self._groups
        rows = np.ascontiguousarray(sims.T)  # (N, Q): each property's names in a run of rows
        if not self._in_order:
            rows = rows[order]
        sizes = np.diff(np.r_[starts, len(order)])
        top = rows[starts]  # (P', Q): the best so far of each run, and its row
        at = np.repeat(starts[:, None], len(vectors), axis=1)
        for k in range(1, int(sizes.max())):  # the k-th name of the runs that have one
            runs = np.flatnonzero(sizes > k)
            candidate = rows[starts[runs] + k]
            better = candidate > top[runs]  # strictly: the first of equal cosines stays
            top[runs] = np.where(better, candidate, top[runs])
            at[runs] = np.where(better, (starts[runs] + k)[:, None], at[runs])
        best[:, owners] = top.T
        which[:, owners] = order[at].T
        return best, which

    def save(self, path: str | io.BytesIO) -> None:
        buffer = io.BytesIO()
        np.savez_compressed(
            buffer, names=self.names.astype(np.float16), name_owner=self.name_owner.astype(
                np.int32), descriptions=self.descriptions.astype(np.float16),
            meta=np.frombuffer(json.dumps({
                "pids": list(self.pids), "name_text": list(self.name_text),
                "model": self.model, "digest": self.digest}).encode("utf-8"), dtype=np.uint8))
        if isinstance(path, io.BytesIO):
            path.write(buffer.getvalue())
            return
        with open(path, "wb") as handle:
            handle.write(buffer.getvalue())

    @classmethod
    def load(cls, source: str | io.BytesIO) -> PropertyVectors:
        try:
            data = np.load(source, allow_pickle=False)
            meta = json.loads(bytes(data["meta"]).decode("utf-8"))
            return cls(pids=tuple(meta["pids"]), names=data["names"].astype(np.float32),
                       name_owner=data["name_owner"].astype(np.int64),
                       name_text=tuple(meta["name_text"]),
                       descriptions=data["descriptions"].astype(np.float32),
                       model=meta["model"], digest=meta["digest"])
        except (OSError, KeyError, ValueError) as err:
            raise MamakgError(f"cannot read property vectors ({err}): rebuild them with "
                              "python scripts/build_property_vectors.py") from err

    @classmethod
    @functools.lru_cache(maxsize=1)
    def bundled(cls) -> PropertyVectors:
        """The vectors that ship with mamakg."""
        data = resources.files("mamakg").joinpath(VECTORS_FILE).read_bytes()
        return cls.load(io.BytesIO(data))

    def check(self, rows: Sequence[dict[str, str]] | None = None) -> bool:
        """Whether the vectors were built from these rows (default: the shipped table's
        candidates)."""
        rows = candidate_rows() if rows is None else rows
        return self.digest == table_digest(rows) and self.pids == tuple(r["pid"] for r in rows)


def build_property_vectors(embed: Callable[[list[str]], np.ndarray], model: str,
                           rows: Sequence[dict[str, str]] | None = None) -> PropertyVectors:
    """The vectors of the candidate properties (`rows`: default the shipped table's), with
    `embed` turning texts into (N, D) unit vectors."""
    rows = candidate_rows() if rows is None else list(rows)
    names, owners = [], []
    for i, row in enumerate(rows):
        for name in _names(row):
            names.append(name)
            owners.append(i)
    name_vectors = embed(names)
    descriptions = embed([_description(row) for row in rows])
    return PropertyVectors(pids=tuple(r["pid"] for r in rows), names=name_vectors,
                           name_owner=np.array(owners, dtype=np.int64),
                           name_text=tuple(names), descriptions=descriptions, model=model,
                           digest=table_digest(rows))
