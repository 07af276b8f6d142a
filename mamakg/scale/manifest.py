"""A work folder's manifest (``DIR/manifest.json``): what the folder holds and how it was made,
read and written here alone (`Manifest.read`, `Manifest.write`).

It records the inputs (path, size, SHA-256) in parts (one per run that added inputs), how
they were read, the settings the shards depend on, the shard list and which shards are done,
the models the shards were made with, the effective config and version of the last run, and
the outputs written from the folder.
"""

from __future__ import annotations

import dataclasses
import json
import os
from dataclasses import dataclass, field
from typing import Any

from mamakg.errors import MamakgError
from mamakg.output import atomic_output
from mamakg.reader import Reading
from mamakg.scale.shards import SCHEMA_VERSION, Shard, ShardCounts

__all__ = ["DEFAULT_SHARD_DOCS", "InputFile", "Manifest", "OutputStamp", "Part", "ShardEntry"]

DEFAULT_SHARD_DOCS = 1000
"""Documents per shard when a new folder is started without --shard-docs."""


@dataclass(frozen=True)
class InputFile:
    """An input file as it was when added to the folder."""

    path: str
    bytes: int
    sha256: str

    def to_dict(self) -> dict[str, Any]:
        return {"path": self.path, "bytes": self.bytes, "sha256": self.sha256}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> InputFile:
        return cls(str(data["path"]), int(data["bytes"]), str(data["sha256"]))


@dataclass(frozen=True)
class Part:
    """The inputs one run added (the first build, then each --append)."""

    inputs: tuple[InputFile, ...]
    n_shards: int | None = None
    """Its shards, once they were all cut (None before)."""

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {"inputs": [i.to_dict() for i in self.inputs]}
        if self.n_shards is not None:
            data["n_shards"] = self.n_shards
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Part:
        n_shards = data.get("n_shards")
        return cls(tuple(InputFile.from_dict(i) for i in data["inputs"]),
                   None if n_shards is None else int(n_shards))


@dataclass(frozen=True)
class ShardEntry:
    """A shard the folder knows: in flight (started, not done) or done."""

    name: str
    part: int
    n_documents: int
    first_document: str
    """The id of its first document (a check that the inputs still cut the same way)."""
    done: bool = False
    counts: ShardCounts | None = None
    """What it counted, once done."""
    sha256: str | None = None
    """The SHA-256 of its file, once done."""

    @classmethod
    def of(cls, shard: Shard) -> ShardEntry:
        return cls(shard.name, shard.part, len(shard.documents), shard.documents[0].doc_id)

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {"name": self.name, "part": self.part, "done": self.done,
                                "n_documents": self.n_documents,
                                "first_document": self.first_document}
        if self.counts is not None:
            data["counts"] = self.counts.to_dict()
        if self.sha256 is not None:
            data["sha256"] = self.sha256
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ShardEntry:
        counts = data.get("counts")
        return cls(str(data["name"]), int(data["part"]), int(data["n_documents"]),
                   str(data["first_document"]), bool(data["done"]),
                   None if counts is None else ShardCounts.from_dict(counts),
                   data.get("sha256"))


@dataclass(frozen=True)
class OutputStamp:
    """An output the folder wrote, as it was then (see `workdir.wrote_output`)."""

    size: int
    mtime_ns: int

    @classmethod
    def of(cls, path: str) -> OutputStamp:
        stat = os.stat(path)
        return cls(stat.st_size, stat.st_mtime_ns)


@dataclass(frozen=True)
class Manifest:
    """What a work folder holds and how it was made."""

    shard_docs: int = DEFAULT_SHARD_DOCS
    """Documents per shard."""
    reading: Reading = Reading()
    """How the inputs were read (the shards depend on it)."""
    shard_config: dict[str, Any] = field(default_factory=dict)
    """The settings the shards depend on (`Config` fields of `Scope.MENTIONS`)."""
    parts: tuple[Part, ...] = ()
    shards: tuple[ShardEntry, ...] = ()
    """The shards in flight or done, by name."""
    config: dict[str, Any] = field(default_factory=dict)
    """The effective settings of the last run (`Config.to_dict`)."""
    mamakg_version: str = ""
    """The mamakg version of the last run."""
    models: dict[str, Any] | None = None
    """The models every shard was made with (`RunInfo.models`); None before the first."""
    outputs: dict[str, OutputStamp] = field(default_factory=dict)
    """Outputs written from the folder, by absolute path."""

    def done(self) -> dict[str, ShardEntry]:
        """The shards done, by name."""
        return {s.name: s for s in self.shards if s.done}

    def with_shard(self, entry: ShardEntry) -> Manifest:
        """This manifest with `entry` added, or replacing the entry of that name."""
        others = [s for s in self.shards if s.name != entry.name]
        return dataclasses.replace(
            self, shards=tuple(sorted([*others, entry], key=lambda s: s.name)))

    def entry(self, shard: Shard) -> ShardEntry:
        """The folder's entry of `shard` (a new one when the folder has none yet)."""
        for entry in self.shards:
            if entry.name == shard.name:
                return entry
        return ShardEntry.of(shard)

    def replace(self, **changes: Any) -> Manifest:
        return dataclasses.replace(self, **changes)

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "schema": SCHEMA_VERSION, "shard_docs": self.shard_docs, **self.reading.to_dict(),
            "shard_config": self.shard_config, "parts": [p.to_dict() for p in self.parts],
            "shards": [s.to_dict() for s in self.shards], "config": self.config,
            "mamakg_version": self.mamakg_version}
        if self.models is not None:
            data["models"] = self.models
        if self.outputs:
            data["outputs"] = {path: {"size": s.size, "mtime_ns": s.mtime_ns}
                               for path, s in self.outputs.items()}
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Manifest:
        reading = Reading(input_format=data.get("input_format"),
                          text_field=str(data.get("text_field", Reading.text_field)),
                          id_field=data.get("id_field"))
        return cls(
            shard_docs=int(data.get("shard_docs", DEFAULT_SHARD_DOCS)), reading=reading,
            shard_config=dict(data.get("shard_config", {})),
            parts=tuple(Part.from_dict(p) for p in data["parts"]),
            shards=tuple(ShardEntry.from_dict(s) for s in data["shards"]),
            config=dict(data.get("config", {})),
            mamakg_version=str(data.get("mamakg_version", "")), models=data.get("models"),
            outputs={str(path): OutputStamp(int(s["size"]), int(s["mtime_ns"]))
                     for path, s in data.get("outputs", {}).items()})

    @classmethod
    def read(cls, path: str) -> Manifest | None:
        """The manifest at `path`; None when there is none; raises when it is unreadable or
        of another schema."""
        if not os.path.exists(path):
            return None
        try:
            with open(path, encoding="utf-8") as handle:
                data = json.load(handle)
        except (OSError, ValueError) as err:
            raise MamakgError(f"{path}: unreadable ({err}): pass --force to start the work "
                              "folder over") from err
        schema = data.get("schema") if isinstance(data, dict) else None
        if schema != SCHEMA_VERSION:
            raise MamakgError(f"{path}: schema {schema} is not {SCHEMA_VERSION}: pass --force "
                              "to start the work folder over")
        try:
            return cls.from_dict(data)
        except (KeyError, TypeError, ValueError, AttributeError) as err:
            raise MamakgError(f"{path}: unreadable ({err!r}): pass --force to start the work "
                              "folder over") from err

    def write(self, path: str) -> None:
        """Replace the manifest at `path` (atomically)."""
        text = json.dumps(self.to_dict(), indent=1, sort_keys=True, ensure_ascii=False) + "\n"
        with atomic_output(path, force=True) as handle:
            handle.write(text.encode("utf-8"))
