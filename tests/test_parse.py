"""parse_documents reads each spaCy doc once; these check it against the plain per-sentence
reading (spaCy spans and `Span.noun_chunks`, quadratic in a document's length)."""

import pytest
from conftest import DEMO

from mamakg.parse import parse_documents
from mamakg.reader import read_documents
from mamakg.types import Document

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
                    tuple(chunks), base, len(tokens) > max_tokens))
    return out


@pytest.mark.parametrize("max_tokens", [128, 7])
def test_sentences_equal_the_per_span_reading(nlp, max_tokens):
    docs = list(read_documents([str(DEMO)]))[:5]
    docs.append(Document("spaces", "Alice  met\n\n Bob in  Paris .   \t The old  dog barked at "
                         "the red car near the station.\n\nHe left."))
    for doc in docs:
        got = [(s.words, s.lemmas, s.pos, s.deps, s.offsets, s.chunks, s.start, s.truncated)
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

    assert reading(nlp) == reading(plain)
