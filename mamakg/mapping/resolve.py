"""The Map stage's per-document half: what needs one document only, so it streams with the
Match stage (in the Match workers where there are some) instead of waiting for the corpus.

For one document's mentions, in corpus order (`resolve_mentions`): names, definite descriptions
and pronouns are resolved within the document, and a pronoun that cannot be leaves the graph
with its mention (`mamakg.mapping.coref`), as does a mention whose head is a date or number or
whose head or tail is punctuation alone, or that says how a name is pronounced (its readings
stand); a common noun phrase left unresolved is keyed to its document
(``--scope-common-nouns``); a mention whose head and tail come out as one node ("William Walsh,
also referred to as Willie Walsh", a pronoun resolved to the head) states no fact of its own,
its readings stand; each mention's readings between named entities (`Mention.readings`) join it
as derived mentions (and the mention itself stays an open fact: its readings carry the mapping);
with ``--agree-kinds`` each entity's kind is the one most of its mentions in the document give,
or the one the document says it is (`agreed_kinds`).

A window of sentences may cut a document: `resolve_window` resolves the documents that lie
whole in a window and hands back the mentions of the one or two documents cut at its edges as
they are (`WindowPart`), for the build's own process to resolve once their last sentence is
in (`DocumentStream`). Either way each document is resolved once, whole, in corpus order, so
the result is that of resolving document by document after the whole corpus.

`Forms` counts what the corpus-level half needs of the resolved mentions (surface forms and
kinds of each entity key, surfaces of each relation key); partial counts merge in corpus
order (`Forms.merge`).
"""

from __future__ import annotations

import itertools
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field

from mamakg.config import Config
from mamakg.english import (
    ALL_PREPOSITIONS,
    ARTICLES,
    PERSON_PRONOUNS,
    RELATIVE_PRONOUNS,
    WH_ADVERBS,
    WORK_NOUNS,
    crosses_a_bracket,
    gives_a_name,
    head_word,
    is_postnominal,
    is_pronunciation,
)
from mamakg.mapping.arguments import is_pronoun
from mamakg.mapping.coref import (
    abbreviates,
    bracketed_acronyms,
    common_keys,
    name_keys,
    resolve_document,
    scope_of,
    unscoped,
    written_as_acronym,
)
from mamakg.mapping.places import SENTENCE_FACTS
from mamakg.mapping.values import is_value
from mamakg.normalize import squash
from mamakg.result import Summary
from mamakg.store import MentionStore, Row, decode, encode
from mamakg.types import Drop, Mention, TextSpan, alias_order, evolve

__all__ = ["DocumentStream", "Forms", "ResolvedDocument", "ResolvedWindow", "WindowPart",
           "agreed_kinds", "documents", "most_common", "resolve_mentions", "resolve_window",
           "store_parts", "streams"]


@dataclass(frozen=True)
class ResolvedDocument:
    """What the per-document half of the Map stage gives for one document."""

    mentions: tuple[Mention, ...]
    """What goes on to the corpus-level half: the resolved mentions, each followed by its
    readings (derived mentions), in corpus order."""
    dropped: tuple[tuple[Mention, Drop], ...] = ()
    """The mentions left out of the graph, as the Match stage gave them, and why."""
    named: tuple[Mention, ...] = ()
    """The resolved mentions left out as facts whose heads and tails still name their
    entities (`Forms.add_named`: their labels and kinds, and the other names the text gives
    them): those whose head and tail came out as one node (``self_loop``), or whose relation
    cuts a name (``relation_cuts_a_name``: "Moisej Solomonovich Teif (... Hebrew: משה בן...",
    which names the person "he" stands for later), or crosses the edge of a bracket
    (``relation_crosses_a_bracket``: "Brad Crandall (August 6, 1927 - March 14, 1991), born
    Robert Lee Bradley", whose two names still count as the names of their nodes)."""


def streams(config: Config) -> bool:
    """Whether the per-document half can run as documents come in: when the corpus-level
    relation filter keeps every relation (``--min-relation-pairs 1``, the default). A higher
    threshold drops mentions before the documents are resolved, so it waits for the corpus."""
    return config.min_relation_pairs <= 1


def resolve_mentions(document: Sequence[Mention], config: Config) -> ResolvedDocument:
    """The per-document half of the Map stage on one document's mentions (module docstring)."""
    resolving = config.resolve_pronouns or config.resolve_names or config.resolve_descriptions
    if resolving:
        resolutions = [(r.mention, r.original, r.resolved) for r in resolve_document(
            list(document), pronouns=config.resolve_pronouns, names=config.resolve_names,
            descriptions=config.resolve_descriptions)]
    else:
        resolutions = [(m, m, ()) for m in document]
    common = common_keys(document) if config.scope_common_nouns else frozenset()
    names = name_keys(document) if config.scope_common_nouns and config.resolve_names \
        else frozenset()
    batch: list[Mention] = []
    dropped: list[tuple[Mention, Drop]] = []
    named: list[Mention] = []
    seen: set[tuple[int, int, int, int, str]] = set()  # two mentions may give one reading
    for m, original, slots in resolutions:
        reason = None
        if m is None:
            reason = Drop.PRONOUN
        elif config.literal_values and is_value(m.head_label):
            reason = Drop.VALUE_HEAD
        elif config.scope_common_nouns and not (_has_word(m.head_label)
                                                and _has_word(m.tail_label)):
            reason = Drop.NO_WORD
        if reason is not None or m is None:
            dropped.append((original, reason or Drop.PRONOUN))
            continue
        readings = [x for x in m.readings if not is_value(x.head.text)
                    and not _pronounced(x)] if config.entity_readings else []
        whole = not (config.whole_names and m.cuts_name)
        if config.scope_common_nouns:
            m = scope_of(m, slots, common, names)
            readings = [scope_of(x, common=common, names=names) for x in readings]
        if config.scope_common_nouns and _pronounced(m):  # "[/hɑːlsbɛrɡ/], born December
            whole = False  # 1960": no node, no fact of its own; its readings stand
            dropped.append((original, Drop.NO_WORD))
        elif not whole:  # the relation cuts a name: no fact of its own, its readings stand
            dropped.append((original, Drop.NAME_RELATION))
            named.append(m)
        elif config.whole_names and _crosses_bracket(m):  # "(6 September 1900 - 3 February
            whole = False  # 1975) was": no fact of its own, its readings stand
            dropped.append((original, Drop.BRACKET_RELATION))
            named.append(m)
        elif resolving and m.head_key == m.tail_key:  # "Willie Walsh" is William Walsh, "he"
            whole = False  # is the head: a node linked to itself says nothing; readings stand
            dropped.append((original, Drop.SELF_LOOP))
            named.append(m)
        # a mention keeps its readings in the store only as a mark: the Map stage maps the
        # readings, between named entities, and leaves such a mention open; a place's place
        # or country is a fact of the sentence, not a narrower reading of the mention; a
        # mention whose relation reads into its tail chunk ("was a member of | Advisory
        # Council", `Mention.relation_node`) is already read between its entities: it maps
        if whole:
            marks = [x for x in readings if x.relation_key not in SENTENCE_FACTS
                     and _inside(x.tail, m)][:1] if m.relation_node is None else []
            batch.append(evolve(m, readings=tuple(marks)))
        for x in readings:  # one comma can state two facts ("Alberta, Canada"): keyed apart
            where = (x.sent_index, x.head.start, x.relation.start, x.tail.start,
                     x.relation_key)
            if where not in seen:
                seen.add(where)
                batch.append(x)
    if config.agree_kinds:
        batch = agreed_kinds(batch)
    return ResolvedDocument(tuple(batch), tuple(dropped), tuple(named))


def _inside(span: TextSpan, m: Mention) -> bool:
    """Whether a reading's tail lies in the mention's head or tail: a narrower reading of the
    mention, not another fact of its clause (`mamakg.mapping.arguments.adjunct_readings`)."""
    return any(part.start <= span.start and span.end <= part.end for part in (m.head, m.tail))


def _has_word(text: str) -> bool:
    """Whether a head or tail says anything: not punctuation alone, nor post-nominal letters
    alone ("Arthur Roy Clapham, [CBE FRS] (24 May 1904 – ...)": `is_postnominal`)."""
    return any(c.isalnum() for c in text) and not all(
        is_postnominal(w) for w in text.replace(",", " ").split())


def _crosses_bracket(m: Mention) -> bool:
    """Whether a mention's relation crosses the edge of a bracket (`crosses_a_bracket`),
    which joins what is said inside a parenthesis to what is said outside it: "[Brad
    Crandall] (August 6, 1927 - March *14, 1991), born* [Robert Lee Bradley]"."""
    rel, tail = m.relation, m.tail
    return crosses_a_bracket(rel.text, m.sentence[rel.end:tail.start]
                             if tail.start >= rel.end else "")


def _pronounced(m: Mention) -> bool:
    """Whether a mention says how a name is pronounced, which names nothing and states no
    fact: its head, tail or relation a pronunciation (`is_pronunciation`: "Anders Hejlsberg
    ([/hɑːlsbɛrɡ/], born December 1960)", "Dassault Group [[daˈso]] (GIMD)"), or its
    relation "pronounced" ("Amartya Sen (pronounced /ˈɔmort:o ˈʃen/ ...")."""
    return is_pronunciation(m.head_label) or is_pronunciation(m.tail_label) or \
        is_pronunciation(m.relation_label) or m.relation_key.split()[-1:] == ["pronounce"]


def agreed_kinds(mentions: list[Mention]) -> list[Mention]:
    """The mentions of one document with every head and tail of one entity key given the
    kind most of them give it there (ties: the alphabetically first); an unknown kind ("")
    takes no part, and is replaced where the key has a kind; a pronoun takes no part, but
    an entity that "he", "she", "him", "her"... stand for twice or more is a person, whatever
    NER made of its name (many a person's name reads to it as an organization or a place),
    and one the document says is a work ("Ocean Waves is a 1993 anime television *film*",
    "Thirteens is an *album* by Leona Naess": `WORK_NOUNS`) is a work of art (many a title
    reads to it as a person's name). A name that someone was born or died in or at
    ("Duncan was born in [Bolton]", "he died at [Claremont]") is a place where NER called it
    a person (many a place's name reads to it as one): no one is born in a person. Only a
    name that is its whole noun phrase counts ("born in a [Vaidya] family" is no place).

    >>> from mamakg.types import TextSpan
    >>> def m(kind):
    ...     s = [TextSpan("Lyon", 0, 4), TextSpan("is in", 5, 10), TextSpan("France", 11, 17)]
    ...     return Mention("d", 0, "Lyon is in France", 0, *s, "lyon", "be in", "france", 1.0,
    ...                    head_type=kind, tail_type="GPE")
    >>> [x.head_type for x in agreed_kinds([m("GPE"), m("ORG"), m("GPE"), m("")])]
    ['GPE', 'GPE', 'GPE', 'GPE']
    >>> he = evolve(m("ORG"), head=TextSpan("He", 0, 2))  # resolved to "lyon"
    >>> [x.head_type for x in agreed_kinds([m("ORG"), m("ORG"), m("ORG"), he, he])]
    ['PERSON', 'PERSON', 'PERSON', 'PERSON', 'PERSON']
    >>> [x.head_type for x in agreed_kinds([m("ORG"), m("ORG"), he])]
    ['ORG', 'ORG', 'ORG']
    >>> film = Mention("d", 1, "Lyon is a film", 0, TextSpan("Lyon", 0, 4), TextSpan("is", 5, 7),
    ...                TextSpan("a film", 8, 14), "lyon", "be", "film@d", 1.0, head_type="PERSON")
    >>> [x.head_type for x in agreed_kinds([m("PERSON"), film])]
    ['WORK_OF_ART', 'WORK_OF_ART']
    >>> born = Mention("d", 2, "Ann was born in Lyon", 0, TextSpan("Ann", 0, 3),
    ...                TextSpan("was born in", 4, 15), TextSpan("Lyon", 16, 20), "ann", "bear in",
    ...                "lyon", 1.0, head_type="PERSON", tail_type="PERSON")
    >>> [(x.head_type, x.tail_type) for x in agreed_kinds([m("PERSON"), born])]
    [('GPE', 'GPE'), ('PERSON', 'GPE')]
    >>> family = evolve(born, sentence="Ann was born in a Lyon family",
    ...                 tail=TextSpan("a Lyon family", 16, 29), tail_node=TextSpan("Lyon", 18, 22))
    >>> agreed_kinds([family])[0].tail_type
    'PERSON'
    """
    votes: dict[str, Counter[str]] = {}
    called: Counter[str] = Counter()  # "he", "her"... resolved to the key
    works: set[str] = set()  # "X is a film", "X, also known as Y, is an album"
    places: set[str] = set()  # "born in X", "died at X"
    for m in mentions:
        if _born_or_died_at(m.relation_key) and m.tail_type == "PERSON" \
                and _ends_its_phrase(m.sentence, (m.tail_node or m.tail).end):
            places.add(m.tail_key)
        if m.relation_key.rsplit(" ", 1)[-1] == "be" and not m.derived \
                and head_word(unscoped(m.tail_key, m.doc_id)) in WORK_NOUNS:
            works.add(m.head_key)
        for key, kind, text in ((m.head_key, m.head_type, m.head.text),
                                (m.tail_key, m.tail_type, m.tail.text)):
            if text.lower() in PERSON_PRONOUNS and not is_pronoun(key):
                called[key] += 1
            elif kind and kind != "PRON":
                votes.setdefault(key, Counter())[kind] += 1
    voted = {key: "PERSON" if called[key] >= 2 else most_common(c)
             for key, c in votes.items()}
    voted.update((key, "WORK_OF_ART") for key in works if called[key] < 2)
    voted.update((key, "GPE") for key in places if voted.get(key) == "PERSON" and called[key] < 2)

    def agreed(m: Mention) -> Mention:
        head = voted.get(m.head_key, m.head_type) if m.head_type != "PRON" else m.head_type
        tail = voted.get(m.tail_key, m.tail_type) if m.tail_type != "PRON" else m.tail_type
        if (head, tail) == (m.head_type, m.tail_type):
            return m
        return evolve(m, head_type=head, tail_type=tail)

    return [agreed(m) for m in mentions]


def _born_or_died_at(key: str) -> bool:
    """Whether a relation key says where someone was born or died: "bear in", "die at"."""
    words = key.split()
    return len(words) == 2 and words[0] in ("bear", "die") and words[1] in ("in", "at")


def _ends_its_phrase(sentence: str, end: int) -> bool:
    """Whether a name that ends at `end` ends its noun phrase: no lower-case word but a
    preposition, a conjunction or a relative word follows it ("born in Bolton in 1970", "born
    in Bolton, Lancashire"; not "born in a Vaidya *family*").

    >>> _ends_its_phrase("born in Bolton in 1970", 14), _ends_its_phrase("in a Vaidya family", 11)
    (True, False)
    """
    after = sentence[end:].split(maxsplit=1)
    word = after[0] if after else ""
    return not (word.isalpha() and word.islower()) or word in _PHRASE_GOES_ON


_PHRASE_GOES_ON = ALL_PREPOSITIONS | WH_ADVERBS | RELATIVE_PRONOUNS | frozenset(
    "and or but while".split())
"""Lower-case words that may follow a noun phrase's last word."""


def most_common(counts: Counter[str]) -> str:
    """The most frequent item (ties: the alphabetically first)."""
    return min(counts.items(), key=lambda kv: (-kv[1], kv[0]))[0]


@dataclass
class Forms:
    """Surface forms and kinds of entities and relations, counted over resolved mentions.
    Counts of consecutive runs of the corpus merge into one (`merge`, in corpus order)."""

    entities: dict[str, Counter[str]] = field(default_factory=dict)
    kinds: dict[str, Counter[str]] = field(default_factory=dict)
    relations: dict[str, Counter[str]] = field(default_factory=dict)
    relation_pos: dict[tuple[str, str], tuple[str, ...]] = field(default_factory=dict)
    """(relation key, surface) -> the parts of speech of the surface, as first seen."""
    others: dict[str, Counter[str]] = field(default_factory=dict)
    """Forms of other names resolved to an entity key (a label only where it has none)."""
    triples: set[tuple[str, str, str]] = field(default_factory=set)
    """The (head, relation, tail) keys the Map stage may map: not those of a mention whose
    readings carry its mapping (unless a reading or another mention has the same key)."""

    aliases: dict[str, Counter[str]] = field(default_factory=dict)
    """Other names the text gives an entity key ("William Walsh, also referred to as
    *Willie Walsh*", "Stephen Marlowe (born *Milton Lesser*)": `add_named`; "the Arab
    Organization for Industrialization (*AOI*)": `add`)."""

    def add(self, m: Mention) -> None:
        if m.derived or not m.readings:
            self.triples.add(m.fact_key)
        self._add_entities(m)
        if not m.derived:  # "the International Monetary Fund (IMF)": another name
            for key, acronym in bracketed_acronyms(m):
                self.aliases.setdefault(key, Counter())[acronym] += 1
        self.relations.setdefault(m.relation_key, Counter())[m.relation_label] += 1
        if m.relation_pos:
            self.relation_pos.setdefault((m.relation_key, m.relation_label), m.relation_pos)

    def add_named(self, m: Mention) -> None:
        """A mention that states no fact but names its entities (`ResolvedDocument.named`):
        its forms and kinds count for them, and where its head and tail are one node and its
        relation gives another name (`NAMING_RELATIONS`, or a person "born" with a name),
        that name is an alias of the node."""
        self._add_entities(m)
        if m.head_key == m.tail_key and (gives_a_name(m.relation_key) or (
                m.relation_key == "bear" and m.head_type == "PERSON")):
            first, _, rest = m.tail_label.partition(" ")
            name = rest if rest and first in ARTICLES else m.tail_label  # "the Georgia Legion"
            if not is_pronoun(name) and squash(name) != squash(m.head_label):
                self.aliases.setdefault(m.head_key, Counter())[name] += 1

    def _add_entities(self, m: Mention) -> None:
        for text, key, kind in ((m.head_label, m.head_key, m.head_type),
                                (m.tail_label, m.tail_key, m.tail_type)):
            forms = self.entities.setdefault(key, Counter())
            if not is_pronoun(text):
                # the label is the span without leading determiners: as many trailing words
                # as the key has; a form of another name resolved to this key ("Meitner"
                # for "lise meitner") is counted apart, as a label only where none is its own
                base = unscoped(key, m.doc_id)
                form = " ".join(text.split()[-len(base.split(" ")):])
                if squash(form) == base:
                    forms[form] += 1
                else:
                    self.others.setdefault(key, Counter())[form] += 1
            if kind and kind != "PRON":
                self.kinds.setdefault(key, Counter())[kind] += 1

    def merge(self, later: Forms) -> None:
        """Add the counts of a later run of the corpus."""
        for mine, theirs in ((self.entities, later.entities), (self.kinds, later.kinds),
                             (self.relations, later.relations), (self.others, later.others),
                             (self.aliases, later.aliases)):
            for key, counts in theirs.items():
                if key in mine:
                    mine[key].update(counts)
                else:
                    mine[key] = Counter(counts)
        for where, pos in later.relation_pos.items():
            self.relation_pos.setdefault(where, pos)
        self.triples |= later.triples

    def entity_label(self, key: str) -> str:
        forms = self.entities.get(key) or self.others.get(key)
        return most_common(forms) if forms else unscoped(key)

    def kind(self, key: str) -> str:
        kinds = self.kinds.get(key)
        return most_common(kinds) if kinds else ""

    def entity_aliases(self, key: str, label: str) -> tuple[str, ...]:
        """The other names the text gives the entity of `key` whose label is `label`, in
        `alias_order`, each spelling once (the most often written) and not the label: those
        it gives as such (`add_named`), and the acronyms of the label it names the entity by
        ("the International Monetary Fund (IMF)", then "the IMF": `written_as_acronym`,
        `abbreviates`)."""
        names = Counter(self.aliases.get(key) or {})
        names.update({form: n for form, n in (self.others.get(key) or {}).items()
                      if written_as_acronym(form) and abbreviates(form, label)})
        if not names:
            return ()
        out: dict[str, str] = {}
        for name, _ in sorted(names.items(), key=lambda kv: (-kv[1], kv[0])):
            out.setdefault(squash(name), name)
        out.pop(squash(label), None)
        return alias_order(out.values())


def documents(mentions: Iterable[Mention]) -> Iterator[list[Mention]]:
    """Mentions in corpus order, a list per document."""
    for _, group in itertools.groupby(mentions, key=lambda m: m.doc_id):
        yield list(group)


@dataclass(frozen=True)
class WindowPart:
    """The mentions of one document within one window of sentences: resolved
    (`ResolvedDocument`, encoded) when the whole document lies in the window, else as the
    Match stage gave them, for `DocumentStream` to resolve once the document is whole."""

    doc_id: str
    whole: bool
    rows: list[Row]
    """Resolved mentions (`whole`), or the Match stage's mentions."""
    dropped: list[tuple[Row, str]] = field(default_factory=list)
    """Mentions left out (encoded) and why (`Drop` value); only when `whole`."""


@dataclass(frozen=True)
class ResolvedWindow:
    """The per-document half on one window's mentions (`resolve_window`)."""

    parts: tuple[WindowPart, ...]
    """A part per document with mentions in the window, in corpus order."""
    forms: Forms
    """Counted over the resolved mentions of the window's whole documents."""


def resolve_window(mentions: Sequence[Mention], first_doc: str | None, last_doc: str | None,
                   config: Config) -> ResolvedWindow:
    """The per-document half on a window's mentions (in corpus order): the documents that lie
    whole in the window resolved, those cut at its edges (`first_doc`: the window's first
    document, when it began in an earlier window; `last_doc`: its last, when it goes on in the
    next one) left as they are; and the forms counted over the resolved mentions."""
    parts: list[WindowPart] = []
    forms = Forms()
    for document in documents(mentions):
        doc_id = document[0].doc_id
        if doc_id in (first_doc, last_doc):
            parts.append(WindowPart(doc_id, False, encode(document, packed=True)))
        else:
            parts.append(_whole(document, config, forms))
    return ResolvedWindow(tuple(parts), forms)


def _whole(document: Sequence[Mention], config: Config, forms: Forms) -> WindowPart:
    """A whole document resolved (`resolve_mentions`), its mentions counted into `forms`."""
    done = resolve_mentions(document, config)
    for m in done.mentions:
        forms.add(m)
    for m in done.named:
        forms.add_named(m)
    left = encode((m for m, _ in done.dropped), packed=True)
    return WindowPart(document[0].doc_id, True, encode(done.mentions, packed=True),
                      [(row, reason.value) for row, (_, reason) in zip(left, done.dropped)])


class DocumentStream:
    """Windows' parts (`resolve_window`) in, resolved documents out in corpus order: a
    document cut by window edges is gathered and resolved here once a later document shows
    that it is whole. `forms` counts every resolved mention, in corpus order."""

    def __init__(self, config: Config) -> None:
        self.config = config
        self.forms = Forms()
        self._pending: tuple[str, list[Row]] | None = None
        """The document waiting for its last sentences, and its mentions so far."""

    def feed(self, window: ResolvedWindow) -> Iterator[WindowPart]:
        """The resolved parts that are final, in corpus order, once this window is in."""
        merged = False
        for part in window.parts:
            if not part.whole and self._pending is not None and part.doc_id == self._pending[0]:
                self._pending[1].extend(part.rows)
                continue
            yield from self.close()
            if part.whole:
                if not merged:  # the window's whole documents come after the one it ended
                    self.forms.merge(window.forms)
                    merged = True
                yield part
            else:
                self._pending = (part.doc_id, list(part.rows))

    def close(self) -> Iterator[WindowPart]:
        """The waiting document, resolved, if there is one."""
        if self._pending is not None:
            rows = self._pending[1]
            self._pending = None
            yield _whole([decode(row[-1]) for row in rows], self.config, self.forms)


def store_parts(parts: Iterable[WindowPart], store: MentionStore, summary: Summary,
                left_out: list[Mention] | None = None) -> None:
    """Resolved documents' mentions into the store; those they left out counted in `summary`
    and handed back in `left_out` when given."""
    for part in parts:
        store.add_rows(part.rows)
        for row, reason in part.dropped:
            summary.dropped[reason] += 1
            if left_out is not None:
                left_out.append(decode(row[-1]))
