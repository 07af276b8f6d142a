"""The small frozen records that pass between the pipeline stages.

    Document -> Sentence -> Window (sentences + token-level attention) -> Mention -> Fact

Offsets are character offsets; a `TextSpan` is always relative to the text of its own sentence,
so ``sentence.text[span.start:span.end] == span.text``.
"""

from __future__ import annotations

import enum
import json
from collections.abc import Iterable
from dataclasses import dataclass, field, fields, replace
from typing import TYPE_CHECKING, Any, NamedTuple, TypeVar

if TYPE_CHECKING:
    import numpy as np

__all__ = [
    "Candidate",
    "Document",
    "Drop",
    "Entity",
    "Fact",
    "MappingStatus",
    "MatchCounts",
    "Mention",
    "PathStep",
    "Relation",
    "RunInfo",
    "Sentence",
    "TextSpan",
    "Window",
    "alias_order",
    "evolve",
]

R = TypeVar("R")


def evolve(record: R, **changes: Any) -> R:
    """A copy of a frozen dataclass record (these, and the Map stage's own) with some fields
    changed: what `dataclasses.replace` gives, its `__post_init__` checks run, without
    calling `__init__` (for records whose fields are all init fields and that have no
    `__slots__`, as every one here), which sets each field through
    `object.__setattr__` (21 of them for a `Mention`, which the Match and Map stages copy a
    score of times a sentence).

    >>> span = TextSpan("Bob", 0, 3)
    >>> evolve(span, text="Ann") == TextSpan("Ann", 0, 3)
    True
    >>> evolve(span, end=4)
    Traceback (most recent call last):
    ValueError: span offsets (0, 4) do not fit 'Bob'
    >>> evolve(span, size=3)
    Traceback (most recent call last):
    TypeError: TextSpan has no field 'size'
    """
    if not hasattr(record, "__dict__"):  # a record compiled by mypyc (`mamakg.native`)
        return replace(record, **changes)  # type: ignore[type-var]
    known = record.__dataclass_fields__  # type: ignore[attr-defined]
    for name in changes:
        if name not in known:
            raise TypeError(f"{type(record).__name__} has no field {name!r}")
    new = object.__new__(type(record))
    state = new.__dict__
    state.update(record.__dict__)
    state.update(changes)
    check = getattr(new, "__post_init__", None)
    if check is not None:
        check()
    return new


@dataclass(frozen=True)
class Document:
    """One input document.

    >>> Document("notes.txt:1", "Marie Curie was born in Warsaw.").doc_id
    'notes.txt:1'
    """

    doc_id: str
    """Stable id: ``path:line`` for text files, the given ``id`` for JSONL, ``<stdin>:line``."""
    text: str
    """The document text (for .txt input: the input line as read, without its line break)."""
    n_replaced: int = 0
    """How many undecodable bytes were replaced by U+FFFD while reading."""


@dataclass(frozen=True)
class Pieces:
    """A sentence as the language model's tokenizer cuts it (`mamakg.attention.PieceMaker`):
    what the Attend stage reads of a sentence (the model's inputs, and how its pieces merge
    into the sentence's tokens), made where the sentence is parsed."""

    ids: tuple[int, ...]
    """The pieces' ids, special pieces included."""
    merge: bytes
    """Which pieces make each of the sentence's tokens: the sentence's row of the Attend
    stage's `mamakg.align.MergePlan`, (token, piece position) pairs of int32
    (`mamakg.align.row_merges`)."""
    truncated: bool
    """The pieces stop before the text ends and some token got none (the model's limit)."""
    type_ids: tuple[int, ...] | None = None
    """Token type ids, for models that read them (BERT); None for the others."""


@dataclass(frozen=True)
class Sentence:
    """One spaCy sentence, flattened into per-token columns (cheap to pickle and to batch)."""

    doc_id: str
    """The document the sentence comes from."""
    index: int
    """Position of the sentence in its document (0-based)."""
    text: str
    """The sentence text."""
    start: int
    """Character offset of the sentence in the document text."""
    words: tuple[str, ...]
    """Token texts."""
    offsets: tuple[tuple[int, int], ...]
    """(start, end) character offsets of each token in `text`."""
    lemmas: tuple[str, ...]
    """Lower-cased lemma of each token."""
    pos: tuple[str, ...]
    """Universal part-of-speech tag of each token (``VERB``, ``ADP``...)."""
    deps: tuple[str, ...]
    """Dependency label of each token (``aux``, ``nsubj``...)."""
    is_stop: tuple[bool, ...]
    """Whether each token is a stop word."""
    chunks: tuple[tuple[int, int], ...]
    """Noun chunks as [start, end) token ranges, in sentence order, not overlapping."""
    truncated: bool = False
    """True when the sentence was cut to `Config.max_tokens` tokens."""
    heads: tuple[int, ...] = ()
    """Syntactic head of each token (its own index for the root, -1 when the head was cut
    off); empty when unknown (hand-made sentences)."""
    entities: tuple[tuple[int, int, str], ...] = ()
    """Named entities (spaCy NER) as [start, end) token ranges with their label (``PERSON``,
    ``ORG``, ``GPE``, ``DATE``...), in sentence order, not overlapping; empty when unknown."""
    pieces: Pieces | None = field(default=None, compare=False, repr=False)
    """The text cut by the language model's tokenizer where it was parsed (a spaCy worker
    process), so the Attend stage need not; None: the Attend stage tokenizes it. Derived
    from `text`: not compared."""

    def __post_init__(self) -> None:
        n = len(self.words)
        if self.heads and len(self.heads) != n:
            raise ValueError("Sentence.heads must have one entry per token")
        last_entity = 0
        for start, end, label in self.entities:
            if not (last_entity <= start < end <= n) or not label:
                raise ValueError(f"bad or overlapping entity ({start}, {end}, {label!r})")
            last_entity = end
        if not (len(self.offsets) == len(self.lemmas) == len(self.pos) == n):
            raise ValueError("Sentence columns must all have one entry per token")
        if len(self.deps) != n or len(self.is_stop) != n:
            raise ValueError("Sentence columns must all have one entry per token")
        last = 0
        for start, end in self.chunks:
            if not (last <= start < end <= n):
                raise ValueError(f"bad or overlapping chunk ({start}, {end}) in {n} tokens")
            last = end

    def __len__(self) -> int:
        return len(self.words)

    def char_span(self, start: int, end: int) -> TextSpan:
        """The text of tokens [start, end) as a span of the sentence."""
        a, b = self.offsets[start][0], self.offsets[end - 1][1]
        return TextSpan(self.text[a:b], a, b)

    def span_text(self, start: int, end: int) -> str:
        """The text of tokens [start, end): `char_span`'s text, without making the span."""
        return self.text[self.offsets[start][0]:self.offsets[end - 1][1]]


@dataclass(frozen=True)
class Window:
    """Sentences with their token-level attention: what the Attend stage hands to Match (one
    window of `pipeline.WINDOW` x batch_size sentences, or fewer at the end)."""

    sentences: tuple[Sentence, ...]
    """The sentences, in corpus order."""
    attentions: tuple[np.ndarray, ...]
    """One float32 (T, T) matrix per sentence over its T tokens: rows attend to columns."""
    n_truncated: int = 0
    """Sentences of this window whose pieces did not fit the model (their last tokens got no
    attention); those cut to `Config.max_tokens` say so themselves (`Sentence.truncated`)."""
    device_seconds: float = 0.0
    """Seconds of the model's work on this window (forward passes, merge into tokens): the
    accelerator's busy seconds (CUDA events), or on a CPU the seconds that work took."""
    continues_before: bool = True
    """Whether the window's first document began in an earlier window (True when not known)."""
    continues_after: bool = True
    """Whether the window's last document goes on in the next window (True when not known)."""

    def __post_init__(self) -> None:
        if len(self.attentions) != len(self.sentences):
            raise ValueError("a Window needs one attention matrix per sentence")
        for sentence, matrix in zip(self.sentences, self.attentions):
            if matrix.shape != (len(sentence), len(sentence)):
                raise ValueError(f"attention {matrix.shape} does not fit a "
                                 f"{len(sentence)}-token sentence")
        if not 0 <= self.n_truncated <= len(self.sentences):
            raise ValueError("n_truncated must count sentences of the window")


class Drop(str, enum.Enum):
    """Why a candidate or a mention was dropped (counted in the run summary): by the Filter
    stage (`mamakg.filters`) or the Map stage (`mamakg.mapping.facts`)."""

    LOW_SCORE = "low_score"
    NOT_CONTIGUOUS = "not_contiguous"
    TOO_LONG = "too_long"
    NO_CONTENT = "no_content"
    RARE_RELATION = "rare_relation"
    SELF_LOOP = "self_loop"  # and Map stage: head and tail resolved to one node (graph only)
    PRONOUN = "unresolved_pronoun"  # Map stage: a pronoun it could not resolve (graph only)
    VALUE_HEAD = "value_head"  # Map stage: a head that is a number or date (graph only)
    NO_WORD = "no_word_argument"  # Map stage: a head or tail of punctuation, honours or a
    # pronunciation (graph only)
    NAME_RELATION = "relation_cuts_a_name"  # Map stage: only its readings stand (graph only)
    BRACKET_RELATION = "relation_crosses_a_bracket"  # Map stage: only its readings stand
    # (graph only)


@dataclass(frozen=True)
class MatchCounts:
    """What the Match stage counted in one window (added up into the run's `Summary`)."""

    n_sentences: int = 0
    n_truncated: int = 0
    """Sentences cut to `max_tokens` plus those whose pieces did not fit the model."""
    n_candidates: int = 0
    dropped: tuple[tuple[str, int], ...] = ()
    """(filter, candidates it dropped), sorted by filter."""


@dataclass(frozen=True)
class TextSpan:
    """A piece of a sentence: its text and [start, end) character offsets in the sentence."""

    text: str
    start: int
    end: int

    def __post_init__(self) -> None:
        if not 0 <= self.start <= self.end or self.end - self.start != len(self.text):
            raise ValueError(f"span offsets ({self.start}, {self.end}) do not fit {self.text!r}")

    def to_record(self) -> dict[str, Any]:
        return {"text": self.text, "start": self.start, "end": self.end}

    @classmethod
    def from_record(cls, data: dict[str, Any]) -> TextSpan:
        return cls(data["text"], int(data["start"]), int(data["end"]))


class PathStep(NamedTuple):
    """One step of the beam-search path: the token reached and the attention weight used. (A
    named tuple: a sentence's search makes one for every step of every candidate path.)"""

    text: str
    """Token (or noun chunk) text."""
    weight: float
    """Attention from the previous step's unit to this one (0 for the start)."""


@dataclass(frozen=True)
class Candidate:
    """A path found by the beam search, before the Filter stage checks it."""

    sentence: Sentence
    """The sentence searched."""
    head: tuple[int, int]
    """Head noun chunk, [start, end) token range."""
    tail: tuple[int, int]
    """Tail noun chunk, [start, end) token range."""
    relation: tuple[int, ...]
    """Token indices on the path strictly between head and tail, in order."""
    score: float
    """Matching degree: the sum of attention weights along the path."""
    path: tuple[PathStep, ...]
    """Every unit of the path with the weight of the step that reached it."""

    def __post_init__(self) -> None:
        if not (self.head[1] <= self.tail[0]):
            raise ValueError("the head must end before the tail starts")
        relation = self.relation
        if relation and not self.head[1] <= min(relation) <= max(relation) < self.tail[0]:
            raise ValueError("relation tokens must lie between head and tail")


@dataclass(frozen=True)
class Mention:
    """One candidate fact found in one sentence by the Match stage (paper section 2.1): the
    spans of head, relation and tail in its sentence, their normalized keys, the score and
    the attention path.

    >>> m = Mention("d:1", 0, "Bob Dylan is a songwriter", 0, TextSpan("Bob Dylan", 0, 9),
    ...             TextSpan("is", 10, 12), TextSpan("a songwriter", 13, 25),
    ...             "bob dylan", "be", "songwriter", 1.0)
    >>> m.sentence[m.relation.start:m.relation.end], m.fact_key
    ('is', ('bob dylan', 'be', 'songwriter'))
    """

    doc_id: str
    """Document of the sentence."""
    sent_index: int
    """Sentence number within the document."""
    sentence: str
    """The sentence text."""
    sent_start: int
    """Character offset of the sentence in the document."""
    head: TextSpan
    """The head noun chunk."""
    relation: TextSpan
    """The relation words (contiguous, between head and tail)."""
    tail: TextSpan
    """The tail noun chunk."""
    head_key: str
    """Normalized head text: the entity's identity across the corpus."""
    relation_key: str
    """Normalized relation: lemmas without auxiliaries, adjectives, adverbs, determiners."""
    tail_key: str
    """Normalized tail text."""
    score: float
    """Matching degree: the sum of attention weights along the path."""
    path: tuple[PathStep, ...] = ()
    """The beam-search path from head to tail, with the weight of each step."""
    head_type: str = ""
    """What the head is (`mamakg.mapping.arguments`): a spaCy entity label (``PERSON``,
    ``ORG``, ``GPE``, ``DATE``...), ``PRON`` for a pronoun, ``NUM`` for a number or date that
    NER left unlabelled, or empty for a common noun phrase."""
    tail_type: str = ""
    """What the tail is (as `head_type`)."""
    degree: float | None = None
    """The matching degree (sum of attention on the path) when `score` holds another
    confidence (``--confidence tiered``); None when `score` is the matching degree."""
    readings: tuple[Mention, ...] = ()
    """The same sentence read between the named entities inside head and tail where they are
    narrower than the noun chunks ("Obama | is an | American" inside "Obama | is | an
    American politician"), for the Map stage (`mamakg.mapping.arguments`); empty when the
    chunks are the entities."""
    derived: bool = False
    """True for such a reading: the evidence of a mapped fact, not an Open IE extraction."""
    cuts_name: bool = False
    """Whether the relation takes part of a name that runs on into head or tail, or is a name
    alone (`mamakg.mapping.arguments.cuts_a_name`: "Born in Aigburth | Liverpool | he"),
    read while the parse is at hand: with ``--whole-names`` the mention states no fact of
    its own, only its readings do. Kept in the mention store and the work folder's shards,
    not written in the graph."""
    relation_pos: tuple[str, ...] = ()
    """spaCy's part of speech of each token of the relation as the graph reads it
    (`relation_node`, else `relation`: ``AUX``, ``VERB``, ``DET``...),
    read while the parse is at hand (`mamakg.mapping.annotate`) so the Map stage need not
    guess syntax from strings; empty when not annotated. Kept in the mention store and the
    work folder's shards, not written in the graph."""

    head_node: TextSpan | None = None
    """The entity inside the head chunk that is the head's node, where narrower than the
    chunk ("P. G. Wodehouse" in "British comic writer P. G. Wodehouse",
    `mamakg.mapping.arguments.node_span`): `head_key` is its key; None when the chunk
    (without leading determiners) is the node. `head` stays the chunk: the open relation's
    text and the CaRB output read it."""
    tail_node: TextSpan | None = None
    """The same for the tail."""
    relation_node: TextSpan | None = None
    """The relation as the graph reads it where it takes in the words of the tail chunk
    before the tail's node ("Ann | was [a member of] | the Advisory Council": the chunk
    "a member of the Advisory Council" has the node "Advisory Council",
    `mamakg.mapping.arguments.relational_tail`): `relation_key` is its key; None when the
    relation is its own. `relation` stays as the Match stage read it, for the CaRB output."""

    def __post_init__(self) -> None:
        if any(r.readings for r in self.readings):
            raise ValueError("a reading has no readings of its own")

    @property
    def head_label(self) -> str:
        """The text of the head's node: `head_node`, else the head chunk."""
        return (self.head_node or self.head).text

    @property
    def tail_label(self) -> str:
        """The text of the tail's node (as `head_label`)."""
        return (self.tail_node or self.tail).text

    @property
    def relation_label(self) -> str:
        """The text of the relation as the graph reads it: `relation_node`, else
        `relation`."""
        return (self.relation_node or self.relation).text

    @property
    def fact_key(self) -> tuple[str, str, str]:
        return (self.head_key, self.relation_key, self.tail_key)

    def to_record(self, keys: bool = True, parse: bool = False) -> dict[str, Any]:
        """The mention as plain JSON values (the one encoding used by the mention store,
        shard files and the ``jsonl`` output); `keys=False` leaves out the three keys, which a
        fact record carries once for all its mentions; `parse` adds what was read from the
        parse for the Map stage (`relation_pos`: the store and shards keep it, the graph's
        outputs do not).

        >>> m = Mention("d", 0, "Bob is here", 0, TextSpan("Bob", 0, 3), TextSpan("is", 4, 6),
        ...             TextSpan("here", 7, 11), "bob", "be", "here", 0.5)
        >>> Mention.from_record(m.to_record()) == m
        True
        """
        data: dict[str, Any] = {
            "doc_id": self.doc_id, "sent_index": self.sent_index, "sentence": self.sentence,
            "sent_start": self.sent_start, "head": self.head.to_record(),
            "relation": self.relation.to_record(), "tail": self.tail.to_record(),
            "score": self.score, "path": [[s.text, round(s.weight, 6)] for s in self.path],
        }
        if keys:
            data.update(head_key=self.head_key, relation_key=self.relation_key,
                        tail_key=self.tail_key)
        # written only when set: records of plain mentions stay as they were
        if self.head_type:
            data["head_type"] = self.head_type
        if self.tail_type:
            data["tail_type"] = self.tail_type
        if self.degree is not None:
            data["degree"] = round(self.degree, 6)
        if self.readings:
            data["readings"] = [r.to_record(parse=parse) for r in self.readings]
        if self.derived:
            data["derived"] = True
        if self.head_node is not None:
            data["head_node"] = self.head_node.to_record()
        if self.tail_node is not None:
            data["tail_node"] = self.tail_node.to_record()
        if self.relation_node is not None:
            data["relation_node"] = self.relation_node.to_record()
        if parse and self.relation_pos:
            data["relation_pos"] = list(self.relation_pos)
        if parse and self.cuts_name:
            data["cuts_name"] = True
        return data

    def to_json(self) -> str:
        """`to_record` with keys and parse features, as compact JSON (the mention store's and
        the shards' encoding)."""
        return json.dumps(self.to_record(parse=True), ensure_ascii=False,
                          separators=(",", ":"))

    @classmethod
    def from_record(cls, data: dict[str, Any],
                    keys: tuple[str, str, str] | None = None) -> Mention:
        """The mention of a `to_record` dict; `keys` (head, relation, tail) when the record
        has none of its own."""
        head_key, relation_key, tail_key = keys if keys is not None else (
            data["head_key"], data["relation_key"], data["tail_key"])
        degree = data.get("degree")
        return cls(
            doc_id=str(data["doc_id"]), sent_index=int(data["sent_index"]),
            sentence=data["sentence"], sent_start=int(data["sent_start"]),
            head=TextSpan.from_record(data["head"]),
            relation=TextSpan.from_record(data["relation"]),
            tail=TextSpan.from_record(data["tail"]),
            head_key=head_key, relation_key=relation_key, tail_key=tail_key,
            score=float(data["score"]),
            path=tuple(PathStep(str(t), float(w)) for t, w in data.get("path") or ()),
            head_type=str(data.get("head_type") or ""),
            tail_type=str(data.get("tail_type") or ""),
            degree=None if degree is None else float(degree),
            readings=tuple(cls.from_record(r) for r in data.get("readings") or ()),
            derived=bool(data.get("derived", False)),
            cuts_name=bool(data.get("cuts_name", False)),
            relation_pos=tuple(str(p) for p in data.get("relation_pos") or ()),
            head_node=TextSpan.from_record(data["head_node"]) if data.get("head_node") else None,
            tail_node=TextSpan.from_record(data["tail_node"]) if data.get("tail_node") else None,
            relation_node=(TextSpan.from_record(data["relation_node"])
                           if data.get("relation_node") else None),
        )

    @classmethod
    def from_json(cls, text: str | bytes) -> Mention:
        return cls.from_record(json.loads(text))


class MappingStatus(str, enum.Enum):
    """How much of a fact is tied to the Wikidata schema (paper section 2.2)."""

    MAPPED = "mapped"  # head, relation and tail all mapped
    PARTIAL = "partial"  # some of them mapped
    UNMAPPED = "unmapped"  # none mapped: open schema


def alias_order(names: Iterable[str]) -> tuple[str, ...]:
    """An entity's other names as `Entity.aliases` keeps them: each once, in alphabetical
    order, case aside.

    >>> alias_order(["Zenith City", "twin Ports", "Zenith City"])
    ('twin Ports', 'Zenith City')
    """
    return tuple(sorted(set(names), key=lambda name: (name.casefold(), name)))


@dataclass(frozen=True)
class Entity:
    """A head or tail of the graph: open (its normalized text is its identity) or linked to a
    Wikidata item.

    >>> Entity(key="warsaw", label="Warsaw", qid="Q270", link_score=0.9).qid
    'Q270'
    """

    key: str
    """Normalized text (the identity of an unlinked entity)."""
    label: str
    """The most frequent surface form."""
    qid: str | None = None
    """Wikidata item id when linked, else None."""
    link_score: float = 0.0
    """Confidence of the link (0 when unlinked)."""
    datatype: str | None = None
    """For a value rather than an item (a date, year or number: `mamakg.mapping.values`), the
    XML Schema datatype of its literal (``date``, ``gYearMonth``, ``gYear``, ``decimal``), or
    ``string`` for a plain literal (a value on an open relation); None for an entity node."""
    value: str | None = None
    """The literal's lexical form when `datatype` is set ("1961-08-04" for "August 4, 1961")."""
    kind: str = ""
    """What the entity is: the mentions' most common type (`Mention.head_type`), "" unknown."""
    aliases: tuple[str, ...] = ()
    """Other names the text gives the entity ("also known as", "referred to as", a birth
    name: "Stephen Marlowe (born Milton Lesser)"), in `alias_order`; not the label."""

    def __post_init__(self) -> None:
        if (self.datatype is None) != (self.value is None):
            raise ValueError("an entity's datatype and value go together")
        if self.datatype is not None and self.qid is not None:
            raise ValueError("a literal value is not linked to an item")

    @property
    def is_literal(self) -> bool:
        """Whether the entity is written as a literal value, not a node."""
        return self.datatype is not None


@dataclass(frozen=True)
class Relation:
    """A relation of the graph: a Wikidata property, or an open relation.

    >>> Relation(key="bear in", label="was born in", pid="P19", map_score=0.95,
    ...          map_method="alias", pid_label="place of birth").pid_label
    'place of birth'
    """

    key: str
    """Normalized relation phrase."""
    label: str
    """The most frequent surface form."""
    pid: str | None = None
    """Wikidata property id when mapped, else None."""
    map_score: float = 0.0
    """Confidence of the mapping, 0..1 (0 when unmapped)."""
    map_method: str = "none"
    """What produced the mapping: ``distant`` (KB vote), ``label`` or ``alias`` (the phrase is
    a property's label or alias), ``embedding`` (closest in meaning, given the head and tail
    types: `mamakg.mapping.semantic`), ``kind`` (a copula between a person and a nationality,
    party or religion) or ``none``."""
    pid_label: str | None = None
    """The Wikidata label of `pid`."""
    evidence: tuple[tuple[str, str], ...] = ()
    """Why `pid` was chosen, as (what, detail) pairs for `mamakg explain`: the property text
    the phrase matched and its similarity, the head and tail types and how they fit the
    property, the runner-up; empty when unmapped."""


@dataclass(frozen=True)
class Fact:
    """A fact of the graph: all mentions of the same (head, relation, tail) in the corpus.

    >>> fact = Fact(Entity("marie curie", "Marie Curie"),
    ...             Relation("bear in", "was born in", pid="P19"), Entity("warsaw", "Warsaw"),
    ...             score=1.0, support=1, mentions=())
    >>> fact.status.value
    'partial'
    """

    head: Entity
    relation: Relation
    tail: Entity
    score: float
    """The fact's confidence (`mamakg.mapping.confidence`): graded from the matching degree
    and relation tier of its mentions, the mapping score, its support across sentences and
    documents and the kind of its head and tail; larger = more reliable."""
    support: int
    """How many distinct sentences yield this fact."""
    mentions: tuple[Mention, ...]
    """Provenance: every mention, in corpus order."""

    @property
    def status(self) -> MappingStatus:
        parts = (self.head.qid is not None, self.relation.pid is not None,
                 self.tail.qid is not None)
        if all(parts):
            return MappingStatus.MAPPED
        if any(parts):
            return MappingStatus.PARTIAL
        return MappingStatus.UNMAPPED


@dataclass(frozen=True)
class RunInfo:
    """How a graph was made: written into every output (``mk:Run``, the GraphML graph's
    attributes, a work folder's manifest) and read back from it.

    >>> run = RunInfo("0.1.0", "sentence-transformers/all-MiniLM-L6-v2", config={"beam_size": 6})
    >>> RunInfo.from_dict(run.to_dict()) == run and run.config["beam_size"]
    6
    """

    mamakg_version: str
    """The mamakg version that built the graph."""
    model: str
    """The language model's name (Hugging Face id, folder or file)."""
    model_revision: str = ""
    """The model's revision (commit hash or package version), when known."""
    model_causal: bool = False
    """Whether the model is a decoder (its attention read backwards: README)."""
    spacy_model: str = ""
    """The spaCy pipeline, ``lang_name-version``."""
    config: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)
    """The effective settings (`Config.to_dict`)."""

    @classmethod
    def field_names(cls) -> tuple[str, ...]:
        """The record's fields, in order: what every output writes and reads back."""
        return tuple(f.name for f in fields(cls))

    def to_dict(self) -> dict[str, Any]:
        return {name: dict(self.config) if name == "config" else getattr(self, name)
                for name in self.field_names()}

    def flat(self) -> dict[str, Any]:
        """`to_dict` with plain values only, the config as sorted JSON (RDF, GraphML)."""
        return {**self.to_dict(), "config": json.dumps(self.config, sort_keys=True)}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> RunInfo:
        """The record of `to_dict` or `flat` (a missing field: empty; strings from a file's
        attributes are read as what they stand for)."""
        values: dict[str, Any] = {}
        for f in fields(cls):
            value = data.get(f.name)
            if f.name == "config":
                if isinstance(value, str):
                    try:
                        value = json.loads(value)
                    except ValueError:
                        value = {}
                values[f.name] = value if isinstance(value, dict) else {}
            elif f.type == "bool":
                values[f.name] = value if isinstance(value, bool) else \
                    str(value).lower() == "true"
            else:
                values[f.name] = "" if value is None else str(value)
        return cls(**values)

    @classmethod
    def unknown(cls) -> RunInfo:
        """The record of a graph that does not say how it was made (a ``jsonl`` file)."""
        return cls(mamakg_version="", model="")

    def models(self) -> dict[str, Any]:
        """The model part alone (what every shard of a work folder must share)."""
        return {k: v for k, v in self.to_dict().items() if k.startswith(("model", "spacy"))}
