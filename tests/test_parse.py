"""parse_documents reads each spaCy doc once; these check it against the plain per-sentence
reading (spaCy spans and `Span.noun_chunks`, quadratic in a document's length)."""

import pytest

from mamakg.parse import parse_documents
from mamakg.reader import read_documents
from mamakg.types import Document

from conftest import DEMO

pytestmark = pytest.mark.real_model


def _reference(nlp, doc: Document, max_tokens: int):
    """Sentence fields straight from spaCy's spans, one sentence at a time."""
    out = []
    for sent in nlp(doc.text).sents:
        tokens = [t for t in sent if not t.is_space]
        if not tokens:
            continue
        kept = tokens[:max_tokens]
        position = {t.i: k for k, t in enumerate(kept)}
        chunks = []
        for chunk in sent.noun_chunks:
            inside = [position[t.i] for t in chunk if t.i in position]
            if len(inside) != len(chunk) or (chunks and inside[0] < chunks[-1][1]):
                continue
            chunks.append((inside[0], inside[-1] + 1))
        base = kept[0].idx
        out.append((tuple(t.text for t in kept), tuple(t.lemma_.lower() for t in kept),
                    tuple(t.pos_ for t in kept), tuple(t.dep_ for t in kept),
                    tuple((t.idx - base, t.idx - base + len(t)) for t in kept),
                    tuple(chunks), base, len(tokens) > max_tokens,
                    tuple(t.is_stop for t in kept),
                    tuple(position.get(t.head.i, -1) for t in kept)))
    return out


@pytest.mark.parametrize("max_tokens", [128, 7])
def test_sentences_equal_the_per_span_reading(nlp, max_tokens):
    docs = list(read_documents([str(DEMO)]))[:5]
    docs.append(Document("spaces", "Alice  met\n\n Bob in  Paris .   \t The old  dog barked at "
                         "the red car near the station.\n\nHe left."))
    for doc in docs:
        got = [(s.words, s.lemmas, s.pos, s.deps, s.offsets, s.chunks, s.start, s.truncated,
                s.is_stop, s.heads)
               for s in parse_documents([doc], nlp, max_tokens=max_tokens)]
        assert got == _reference(nlp, doc, max_tokens), doc.doc_id
        for s in parse_documents([doc], nlp, max_tokens=max_tokens):
            assert doc.text[s.start : s.start + len(s.text)] == s.text


def test_numpy_blas_gives_the_parses_of_spacys_own_setup(nlp):
    """load_nlp moves the pipeline's matrix products from thinc's BLIS to numpy's BLAS (for
    speed); the tags, parses, lemmas and noun chunks stay those of the pipeline as spaCy loads
    it."""
    import spacy
    from thinc.api import NumpyOps

    from mamakg.parse import DEFAULT_SPACY_MODELS

    ops = {node.ops.use_blis for _, c in nlp.pipeline if getattr(c, "model", None)
           for node in c.model.walk() if isinstance(node.ops, NumpyOps)}
    assert ops == {False}
    for name in DEFAULT_SPACY_MODELS:
        try:
            plain = spacy.load(name, exclude=["ner"])
            break
        except OSError:
            continue
    assert any(node.ops.use_blis for node in plain.get_pipe("tok2vec").model.walk())
    texts = [d.text for d in read_documents([str(DEMO)])]

    def reading(pipeline):
        return [[(t.text, t.tag_, t.pos_, t.dep_, t.head.i, t.lemma_) for t in doc]
                + [(c.start, c.end) for c in doc.noun_chunks] for doc in pipeline.pipe(texts)]

    expected = reading(plain)
    assert reading(nlp) == expected
    assert reading(nlp) == expected  # the second time from the lemmas remembered


def test_the_lemmatizer_keeps_its_speed_ups_in_a_pickled_pipeline(nlp):
    """A pipeline sent to a spawned worker process is pickled: the word lists stay lists with
    a set's membership test, the remembered lemmas go with it."""
    import pickle

    from mamakg.parse import _Remembered

    lemmatizer = nlp.get_pipe("lemmatizer")
    index = lemmatizer.lookups.get_table("lemma_index")
    assert all(isinstance(words, list) and type(words) is not list for words in index.values())
    assert any("dog" in words for words in index.values())
    copy = pickle.loads(pickle.dumps(nlp))
    assert isinstance(copy.get_pipe("lemmatizer").lemmatize, _Remembered)
    text = "The dogs were running faster than the cats."
    assert [t.lemma_ for t in copy(text)] == [t.lemma_ for t in nlp(text)] == \
        ["the", "dog", "be", "run", "fast", "than", "the", "cat", "."]


# -- long documents are cut at sentence ends ------------------------------------------------------

NAMES = ["Anna Berg", "Carl Dahl", "Eva Frost", "Gustav Holm", "Ida Jansen", "Karl Lind",
         "Maria Nyberg", "Olof Persson", "Rita Quist", "Sven Ek", "Tora Udd", "Vera Wall"]
PLACES = ["Uppsala", "Lund", "Vienna", "Berlin", "Oslo", "Bergen"]


def _long_line() -> tuple[str, list[str]]:
    """One line of distinct sentences (every sentence names another person and place)."""
    sentences = [f"{name} studied physics at the university of {place} in {1900 + i}."
                 for i, (name, place) in enumerate(
                     (n, p) for n in NAMES for p in PLACES)]
    return " ".join(sentences), sentences


def test_a_long_line_is_cut_only_at_sentence_ends(nlp):
    """Segments far smaller than the line: each sentence read is one of the line's, whole,
    and every sentence of the line is read once, at its place."""
    text, sentences = _long_line()
    assert len(text) > 30 * 150
    read = list(parse_documents([Document("long", text)], nlp, segment_chars=150,
                                task_chars=400))
    assert [s.text for s in read] == sentences
    assert [s.index for s in read] == list(range(len(sentences)))
    for s in read:
        assert text[s.start:s.start + len(s.text)] == s.text


def test_no_mention_comes_from_a_cut_sentence(nlp, real_lm):
    from mamakg.config import Config
    from mamakg.pipeline import attend_windows, match_window

    text, sentences = _long_line()
    config = Config(device="cpu")
    read = parse_documents([Document("long", text)], nlp, segment_chars=200)
    mentions = [m for window in attend_windows(read, real_lm, config)
                for m in match_window(window, config)[0]]
    read_from = {m.sentence for m in mentions}
    assert len(read_from) > len(sentences) // 2
    assert read_from <= set(sentences)


def test_a_sentence_longer_than_a_segment_is_cut_at_whitespace(nlp):
    """No sentence end in a whole segment: the cut falls at a space, never inside a word."""
    words = " ".join(f"word{i}" for i in range(200))
    read = list(parse_documents([Document("run-on", words)], nlp, segment_chars=300))
    assert len(read) > 1
    assert all(w.startswith("word") and w[4:].isdigit() for s in read for w in s.words)


def test_sentences_carry_the_pieces_of_their_text_where_they_are_parsed(nlp):
    from mamakg.types import Document

    texts = []

    def pieces(batch):
        texts.extend(s.text for s in batch)
        from mamakg.types import Pieces
        return [Pieces((len(s.text),), b"", False) for s in batch]

    docs = [Document("a", "Ann Lee wrote a song. She sang it."), Document("b", "Bob ran.")]
    for workers in (0, 1):
        texts.clear()
        got = list(parse_documents(docs, nlp, workers=workers, pieces=pieces))
        assert [s.pieces.ids for s in got] == [(len(s.text),) for s in got]
        assert workers or texts == [s.text for s in got]  # made here, in order
    assert all(s.pieces is None for s in parse_documents(docs, nlp))


def test_a_wikis_editorial_marks_are_not_read_and_offsets_stay_those_of_the_text(nlp):
    text = ("The album sold well in Europe.[citation needed] It reached number one in 1996.[10] "
            "Critics called it \"the [best] record\" of the year.[when?]")
    doc = Document("wiki", text)
    sentences = list(parse_documents([doc], nlp))
    words = [w for s in sentences for w in s.words]
    assert "citation" not in words and "10" not in words and "when" not in words
    assert "best" in words  # words an author put in brackets stay
    for s in sentences:  # every offset is one into the text as written
        for word, (a, b) in zip(s.words, s.offsets, strict=True):
            assert text[s.start + a : s.start + b] == word


def test_a_day_the_recognizer_reads_as_a_number_joins_its_date(nlp):
    """en_core_web_sm labels "11" a number and "September 1985" a date here; the sentence's
    entities hold one date, "11 September 1985" (parse.days_joined)."""
    text = "Kostas Pagonis (born 11 September 1985 in Athens) is a Greek footballer."
    [s] = parse_documents([Document("d", text)], nlp)
    labelled = [(" ".join(s.words[a:b]), label) for a, b, label in s.entities]
    assert ("11 September 1985", "DATE") in labelled
    assert ("11", "CARDINAL") not in labelled


def test_a_name_a_nickname_interrupts_is_one_person(nlp):
    """en_core_web_sm splits 'Timothy Christian "Tim" Hauck' into a person and a work of
    art; the sentence's entities hold one person (parse.nicknames_joined)."""
    text = 'Timothy Christian "Tim" Hauck (born December 20, 1966) is a former safety.'
    [s] = parse_documents([Document("d", text)], nlp)
    labelled = [(" ".join(s.words[a:b]), label) for a, b, label in s.entities]
    assert ('Timothy Christian " Tim " Hauck', "PERSON") in labelled
    assert not any(label == "WORK_OF_ART" for _, label in labelled)


def test_a_person_the_recognizer_cut_short_is_the_whole_name_in_its_chunk(nlp):
    """en_core_web_sm finds "Harald Øverland" in "Orm Harald Øverland" and "Jacques Dyel" in
    "Jacques Dyel du Parquet"; the sentence's entities hold the whole names
    (parse.persons_widened), and a title stays out ("President")."""
    text = ("Orm Harald Øverland (born 17 May 1935) is a Norwegian literary historian. "
            "Jacques Dyel du Parquet (1606 – 3 January 1658) was a French soldier. "
            "President Barack Obama met him.")
    persons = [" ".join(s.words[a:b]) for s in parse_documents([Document("d", text)], nlp)
               for a, b, label in s.entities if label == "PERSON"]
    assert persons == ["Orm Harald Øverland", "Jacques Dyel du Parquet", "Barack Obama"]


def test_a_name_before_brackets_of_its_birth_is_a_person(nlp):
    """en_core_web_sm labels "Alain Connes" an organization here and finds no entity in
    "Alexei Osipov"; brackets of a birth or death after a name make it a person
    (parse.persons_by_life); brackets of another kind change nothing."""
    text = ("Alain Connes (born 1 April 1947) is a French mathematician. "
            "Alexei Osipov (born March 31, 1938, Belev, Tula oblast, Russia) - well known "
            "Russian Orthodox theologian. KMCA (1450 AM) was a radio station.")
    sentences = parse_documents([Document("d", text)], nlp)
    labelled = {(" ".join(s.words[a:b]), label) for s in sentences for a, b, label in s.entities}
    assert {("Alain Connes", "PERSON"), ("Alexei Osipov", "PERSON")} <= labelled
    assert ("KMCA", "PERSON") not in labelled
