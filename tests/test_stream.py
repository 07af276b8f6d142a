"""The Map stage's per-document half streams with Match (`mamakg.mapping.resolve`): resolving
each window's whole documents as it comes, and the documents cut by window edges once they are
whole, gives what resolving document by document after the whole corpus gives."""

from __future__ import annotations

import dataclasses

import pytest

from mamakg.config import Config, OutputFormat
from mamakg.mapping.resolve import (
    DocumentStream,
    Forms,
    documents,
    resolve_mentions,
    resolve_window,
    streams,
)
from mamakg.store import decode, encode
from mamakg.types import Mention

from conftest import DEMO
from helpers import OtherFloat
from helpers import mention as m

CORPUS = [
    m("a", 0, "Lise Meitner", "worked at", "Berlin University", "PERSON", "ORG"),
    m("a", 1, "She", "was born in", "Vienna", "PRON", "GPE"),
    m("a", 2, "Meitner", "died in", "Cambridge", "PERSON", "GPE"),
    m("b", 0, "They", "met", "the company", "PRON", "ORG"),
    m("c", 0, "Acme Corp", "is based in", "Lyon", "ORG", "GPE"),
    m("c", 1, "The company", "was founded in", "1990", "ORG", "DATE"),
    m("c", 2, "It", "employs", "his father", "PRON", ""),
    m("d", 0, "Ann Lee", "wrote", "a song", "PERSON", ""),
]
CONFIG = Config.preset("default")


def _decoded(rows):
    return [(*row[:-1], decode(row[-1])) for row in rows]


def _serial(mentions):
    forms, rows, dropped = Forms(), [], []
    for document in documents(mentions):
        done = resolve_mentions(document, CONFIG)
        for x in done.mentions:
            forms.add(x)
        rows += encode(done.mentions)
        dropped += [(row, reason.value) for row, (_, reason)
                    in zip(encode(x for x, _ in done.dropped), done.dropped)]
    return rows, dropped, forms


def _streamed(cuts):
    """The corpus in windows ending before each index of `cuts`, each window's edges marked
    as the Attend stage marks them."""
    stream, rows, dropped = DocumentStream(CONFIG), [], []
    bounds = [0, *cuts, len(CORPUS)]
    for begin, end in zip(bounds, bounds[1:]):
        window = CORPUS[begin:end]
        before = begin > 0 and CORPUS[begin - 1].doc_id == window[0].doc_id
        after = end < len(CORPUS) and CORPUS[end].doc_id == window[-1].doc_id
        resolved = resolve_window(window, window[0].doc_id if before else None,
                                  window[-1].doc_id if after else None, CONFIG)
        for part in stream.feed(resolved):
            assert part.whole
            rows += part.rows
            dropped += part.dropped
    for part in stream.close():
        rows += part.rows
        dropped += part.dropped
    return rows, dropped, stream.forms


@pytest.mark.parametrize("cuts", [[], [1], [2], [1, 2], [4], [5, 6], [1, 2, 3, 4, 5, 6, 7]])
def test_windows_that_cut_documents_resolve_as_whole_documents(cuts):
    rows, dropped, forms = _serial(CORPUS)
    got_rows, got_dropped, got_forms = _streamed(cuts)
    assert _decoded(got_rows) == _decoded(rows)
    assert [(decode(row[-1]), why) for row, why in got_dropped] == \
        [(decode(row[-1]), why) for row, why in dropped]
    assert got_forms == forms
    # the sieve worked across the cut: "Meitner" and "She" are Lise Meitner
    heads = [r[0] for r in _decoded(rows) if r[-1].doc_id == "a"]
    assert heads and set(heads) == {"lise meitner"}


def test_a_cut_document_is_resolved_once_it_is_whole():
    stream = DocumentStream(CONFIG)
    first = resolve_window(CORPUS[:2], None, "a", CONFIG)
    assert [p.whole for p in first.parts] == [False]
    assert list(stream.feed(first)) == []  # "a" may go on
    second = resolve_window(CORPUS[2:4], "a", None, CONFIG)
    out = list(stream.feed(second))
    assert [p.doc_id for p in out] == ["a", "b"]
    assert list(stream.close()) == []


def test_a_higher_relation_threshold_waits_for_the_corpus():
    assert streams(Config.preset("default"))
    assert not streams(Config.preset("default", min_relation_pairs=2))


@pytest.mark.real_model
@pytest.mark.parametrize("match_processes", [0, 1])
def test_the_streaming_build_gives_the_graph_of_the_serial_one(nlp, real_lm, match_processes):
    """Small windows cut the demo's documents; the graph, the counts and the mentions left out
    equal those of the Map stage run after the whole corpus (`collect_facts`)."""
    from mamakg.mapping.facts import collect_facts, load_embedder, make_mappers
    from mamakg.pipeline import StageClock, build, mention_rows
    from mamakg.rdf.writers import render
    from mamakg.reader import read_documents
    from mamakg.result import Summary
    from mamakg.store import MentionStore

    docs = list(read_documents([str(DEMO)]))[:8]
    config = Config.preset("default", device="cpu", batch_size=2, parse_processes=0,
                           match_processes=match_processes)
    mappers = make_mappers(config, load_embedder(config))
    streamed = build(docs, config, nlp=nlp, lm=real_lm, mappers=mappers)

    summary = Summary()
    summary.n_documents = len(docs)
    left_out: list[Mention] = []
    with MentionStore() as store:
        for rows in mention_rows(docs, nlp, real_lm, config, summary, StageClock({})):
            store.add_rows(rows)
        facts = collect_facts(store, config, summary, dropped=left_out, mappers=mappers)
    assert streamed.facts and streamed.left_out
    assert render(streamed.facts, streamed.run, OutputFormat.NT, config.base_iri) == \
        render(facts, streamed.run, OutputFormat.NT, config.base_iri)
    assert list(streamed.left_out) == left_out
    for field in ("n_sentences", "n_candidates", "dropped", "n_facts"):
        assert getattr(streamed.summary, field) == getattr(summary, field), field
    assert streamed.summary.timings.get("resolve", 0) > 0 or match_processes


@pytest.mark.real_model
@pytest.mark.parametrize("match_processes", [0, 1])
def test_a_work_folder_resolves_shard_by_shard_to_the_plain_builds_graph(
        tmp_path, nlp, real_lm, match_processes):
    """A work folder resolves its shards' documents shard by shard (in a worker process with
    ``match_processes=1``) and gives the graph of the plain build; a corpus-level setting
    that waits for the corpus (a higher relation threshold) still reuses the shards."""
    from mamakg.mapping.facts import load_embedder, make_mappers
    from mamakg.pipeline import build
    from mamakg.rdf.writers import render
    from mamakg.reader import read_documents
    from mamakg.scale.workdir import WorkOptions, build_workdir

    corpus = tmp_path / "corpus.txt"
    corpus.write_text("\n".join(DEMO.read_text(encoding="utf-8").splitlines()[:6]) + "\n",
                      encoding="utf-8")
    config = Config.preset("default", device="cpu", match_processes=match_processes)
    mappers = make_mappers(config, load_embedder(config))

    def nt(result, settings=config):
        return render(result.facts, result.run, OutputFormat.NT, settings.base_iri)

    work = build_workdir([str(corpus)], config, str(tmp_path / "w"),
                         models=lambda: (nlp, real_lm), mappers=mappers,
                         options=WorkOptions(shard_docs=2))
    plain = build(list(read_documents([str(corpus)])), config, nlp=nlp, lm=real_lm,
                  mappers=mappers)
    assert work.summary.n_shards == 3 and plain.facts
    assert nt(work) == nt(plain)
    assert work.left_out == plain.left_out
    assert work.summary.dropped == plain.summary.dropped

    stricter = config.replace(min_relation_pairs=2)
    again = build_workdir([str(corpus)], stricter, str(tmp_path / "w"),
                          models=lambda: (nlp, real_lm), mappers=mappers)
    assert again.summary.n_shards_built == 0
    assert nt(again, stricter) == nt(build(list(read_documents([str(corpus)])), stricter,
                                           nlp=nlp, lm=real_lm, mappers=mappers), stricter)


def test_packed_rows_decode_to_the_mentions_json_rows_give():
    packed, text = encode(CORPUS, packed=True), encode(CORPUS)
    assert all(isinstance(r[-1], bytes) for r in packed) and all(isinstance(r[-1], str)
                                                                for r in text)
    assert [r[:-1] for r in packed] == [r[:-1] for r in text]
    assert [decode(r[-1]) for r in packed] == [decode(r[-1]) for r in text] == list(CORPUS)


def test_a_packed_mention_reads_back_whole_every_field_set():
    """Packed as plain values (`pack_mention`): every field of a mention and of its reading reads
    back equal and of its own type, and a value of another type packs as a pickle."""
    from mamakg.packed import pack_mention
    from mamakg.types import PathStep, TextSpan

    base = dataclasses.replace(CORPUS[0], path=(PathStep("Lise Meitner", 0.0),
                                                PathStep("worked", 0.5)))
    reading = dataclasses.replace(base, derived=True, score=0.25,
                                  tail_node=TextSpan("Berlin", 23, 29))
    full = dataclasses.replace(base, degree=0.75, readings=(reading,), derived=True,
                               cuts_name=True, relation_pos=("VERB", "ADP"),
                               head_node=TextSpan("Meitner", 5, 12),
                               tail_node=TextSpan("University", 30, 40),
                               relation_node=TextSpan("worked", 13, 19))
    defaults = {f.name: f.default for f in dataclasses.fields(Mention)
                if f.default is not dataclasses.MISSING}
    assert all(getattr(full, name) != value for name, value in defaults.items())
    packed = pack_mention(full)
    back = decode(packed)
    assert packed[:1] == b"M" and back == full and back is not full
    assert back.__dict__.keys() == full.__dict__.keys()
    assert all(type(step) is PathStep for step in back.path)
    assert type(back.head) is TextSpan and type(back.readings[0].tail_node) is TextSpan
    assert type(back.readings) is tuple and type(back.relation_pos) is tuple

    odd = dataclasses.replace(full, score=OtherFloat(0.5))
    assert pack_mention(odd)[:1] != b"M" and type(decode(pack_mention(odd)).score) is OtherFloat
    noted = dataclasses.replace(full)
    object.__setattr__(noted, "note", "kept")  # an attribute besides the fields
    assert pack_mention(noted)[:1] != b"M" and decode(pack_mention(noted)).note == "kept"
    # numpy scalars have a buffer, which marshal would write as bytes: pickled instead
    import numpy as np

    for numpy_valued in (dataclasses.replace(full, score=np.float64(0.5)),
                         dataclasses.replace(full, path=(PathStep("Lise", np.float32(0.5)),)),
                         dataclasses.replace(full, relation_pos=(np.str_("VERB"),)),
                         dataclasses.replace(full, readings=(dataclasses.replace(
                             reading, sent_start=np.int64(3)),))):
        back = decode(pack_mention(numpy_valued))
        assert pack_mention(numpy_valued)[:1] != b"M" and back == numpy_valued


@pytest.mark.real_model
def test_worker_processes_group_the_facts_of_the_one_process_build(nlp, real_lm, monkeypatch,
                                                                   tmp_path):
    """Facts grouped by two worker processes, each head key a task of its own, equal those
    grouped here: the same facts in the same order, the same counts. Worker processes compare
    the relation phrases with the properties, each phrase once: the build's process only
    embeds them."""
    import os

    import mamakg.mapping.facts as facts_module
    from mamakg.mapping.facts import load_embedder, make_mappers
    from mamakg.mapping.semantic import EmbeddingMapper
    from mamakg.pipeline import build
    from mamakg.rdf.writers import render
    from mamakg.reader import read_documents

    docs = list(read_documents([str(DEMO)]))
    here = Config.preset("default", device="cpu", parse_processes=0, match_processes=0)
    embedder = load_embedder(here)
    one = build(docs, here, nlp=nlp, lm=real_lm, mappers=make_mappers(here, embedder))
    monkeypatch.setattr(facts_module, "PARALLEL_MENTIONS", 0)
    monkeypatch.setattr(facts_module, "RANGE_MENTIONS", 1)
    monkeypatch.setattr(facts_module, "COMPARE_PHRASES", 3)  # many comparing tasks
    compared = tmp_path / "compared"
    real = EmbeddingMapper.compare_into

    def compare_into(self, phrases, places, *arrays, **kwargs):
        if len(phrases) or len(places):
            with open(compared, "a") as handle:
                handle.write(f"{os.getpid()} {len(phrases)}\n")
        return real(self, phrases, places, *arrays, **kwargs)

    monkeypatch.setattr(EmbeddingMapper, "compare_into", compare_into)
    mappers = make_mappers(here, embedder)
    two = build(docs, here.replace(match_processes=2), nlp=nlp, lm=real_lm, mappers=mappers)
    assert two.summary.timings["collect_workers"] > 0
    (embedding,) = [m for m in mappers.mappers if isinstance(m, EmbeddingMapper)]
    calls = [line.split() for line in compared.read_text().splitlines()]
    assert calls and all(int(pid) != os.getpid() for pid, _ in calls)  # in the workers only
    assert sum(int(n) for _, n in calls) == len(embedding._sims)  # each phrase once
    assert not embedding._vectors
    assert render(two.facts, one.run, OutputFormat.NT, here.base_iri) == \
        render(one.facts, one.run, OutputFormat.NT, here.base_iri)
    assert [f.score for f in two.facts] == [f.score for f in one.facts]
    assert two.summary.n_facts == one.summary.n_facts
    assert two.summary.status == one.summary.status
    assert two.summary.n_relations_mapped == one.summary.n_relations_mapped


@pytest.mark.real_model
@pytest.mark.parametrize("match_processes", [0, 2])
def test_windows_matched_in_pieces_give_the_graph_of_whole_windows(nlp, real_lm, monkeypatch,
                                                                   match_processes):
    """Match tasks of a few sentences each, cut where documents begin (`match_pieces`), give
    the graph and counts that whole windows give."""
    import mamakg.pipeline as pipeline
    from mamakg.mapping.facts import load_embedder, make_mappers
    from mamakg.rdf.writers import render
    from mamakg.reader import read_documents

    docs = list(read_documents([str(DEMO)]))
    config = Config.preset("default", device="cpu", batch_size=4, parse_processes=0,
                           match_processes=match_processes)
    mappers = make_mappers(config, load_embedder(config))
    whole = pipeline.build(docs, config, nlp=nlp, lm=real_lm, mappers=mappers)
    cut: list[int] = []
    pieces = pipeline.match_pieces

    def counted(window, size=None):
        out = list(pieces(window, size=3))
        cut.append(len(out))
        return iter(out)

    monkeypatch.setattr(pipeline, "match_pieces", counted)
    small = pipeline.build(docs, config, nlp=nlp, lm=real_lm, mappers=mappers)
    assert sum(cut) > 2 * len(cut)  # windows were cut, into more than two pieces each
    assert render(small.facts, whole.run, OutputFormat.NT, config.base_iri) == \
        render(whole.facts, whole.run, OutputFormat.NT, config.base_iri)
    assert list(small.left_out) == list(whole.left_out)
    for field in ("n_sentences", "n_candidates", "n_truncated", "dropped", "n_facts"):
        assert getattr(small.summary, field) == getattr(whole.summary, field), field


def test_a_fact_found_by_two_tasks_is_the_fact_of_their_mentions_together():
    """A class value of several documents ("occupation: chemist") is found by the tasks of
    both heads' ranges; joined, it is the fact of all its mentions at once, counted once."""
    from mamakg.mapping.facts import _fact, _Grouping
    from mamakg.packed import FactPart, PackedFacts
    from mamakg.result import Summary
    from mamakg.types import Entity, Relation

    head, tail = Entity("ann lee", "Ann Lee"), Entity("chemist", "chemist")
    rel = Relation("be", "is", pid="P106")
    first = [m("a", 0, "Ann Lee", "is", "a chemist", "PERSON", ""),
             m("a", 1, "Ann Lee", "is", "a chemist", "PERSON", "")]
    second = [m("b", 0, "Ann Lee", "is", "a chemist", "PERSON", "")]
    first, second = ([dataclasses.replace(x, relation_key="be") for x in ms]  # the fact's key
                     for ms in (first, second))
    grouping = _Grouping(None, None, {}, {}, None, CONFIG, {})
    at = ("ann lee", "be", "P106", "chemist")

    def part(mentions):
        fact = _fact(head, rel, tail, mentions, CONFIG, {})
        return FactPart.of([at], [((head, rel, tail), fact)]), Summary.of_facts([fact])

    open_rel = Relation("be", "is")
    other = _fact(head, open_rel, tail, second, CONFIG, {})
    summary = Summary()
    open_part = FactPart.of([("ann lee", "be", None, "chemist")], [((head, open_rel, tail), other)])
    joined = grouping.packed([part(first), (open_part, Summary.of_facts([other])),
                              part(second)], summary)
    assert isinstance(joined, PackedFacts)
    whole = _fact(head, rel, tail, first + second, CONFIG, {})
    assert joined == [whole, other] and list(joined) == [whole, other]
    assert joined[0].support == 3 and joined[-1] == other and joined[:1] == [whole]
    assert joined.keys() == [("ann lee", "be", "chemist"), ("ann lee", "be", "chemist")]
    assert [f.mentions for f in joined.bare()] == [(), ()]
    assert [f.score for f in joined.bare()] == [whole.score, other.score]
    assert summary.n_mentions == 4 and summary.n_relations_mapped == 1
    assert summary.status == Summary.of_facts([whole, other]).status


def test_phrases_embedded_as_windows_come_leave_the_corpus_level_half_only_the_rest():
    """`PrepareAhead` embeds each window's new relation phrases while the corpus is read;
    the corpus-level half then embeds only what the whole corpus asks otherwise, and maps as
    a build that embedded everything at the end."""
    from test_semantic import ROWS, embed

    from mamakg.mapping.facts import PrepareAhead, map_resolved
    from mamakg.mapping.semantic import SemanticMapper
    from mamakg.mapping.vectors import build_property_vectors
    from mamakg.result import Summary
    from mamakg.store import MentionStore

    asked: list[list[str]] = []

    def recorded(texts):
        asked.append(list(texts))
        return embed(texts)

    vectors = build_property_vectors(embed, "fake", ROWS)

    def facts(windows: bool):
        asked.clear()
        chain = SemanticMapper(vectors, recorded, rows=ROWS, min_score=0.5)
        stream, ahead = DocumentStream(CONFIG), PrepareAhead(chain)
        with MentionStore() as store:
            for begin, end in ((0, 3), (3, 4), (4, 8)):  # whole documents
                resolved = resolve_window(CORPUS[begin:end], None, None, CONFIG)
                for part in stream.feed(resolved):
                    store.add_rows(part.rows)
                if windows:
                    ahead.window(resolved.forms)
            during = sum(len(texts) for texts in asked)
            found = map_resolved(store, stream.forms, CONFIG, Summary(), mappers=chain)
        return found, during, sum(len(texts) for texts in asked) - during

    streamed, during, after = facts(windows=True)
    at_end, none_during, all_after = facts(windows=False)
    assert none_during == 0 and all_after > 0
    assert during > 0 and after == 0  # every window agrees with the corpus here
    assert streamed == at_end


@pytest.mark.real_model
def test_a_build_that_embeds_phrases_ahead_gives_the_graph_of_one_that_embeds_at_the_end(
        nlp, real_lm, monkeypatch):
    """Where the embedding model runs on an accelerator the build embeds each window's new
    phrases as it comes (here forced on the CPU): the graph is the one embedded at the end."""
    import mamakg.pipeline as pipeline
    from mamakg.mapping.facts import load_embedder, make_mappers
    from mamakg.rdf.writers import render
    from mamakg.reader import read_documents

    docs = list(read_documents([str(DEMO)]))
    config = Config.preset("default", device="cpu", batch_size=2, parse_processes=0,
                           match_processes=0)
    assert not pipeline.prepares_ahead(make_mappers(config, load_embedder(config)))  # a CPU
    at_end = pipeline.build(docs, config, nlp=nlp, lm=real_lm,
                            mappers=make_mappers(config, load_embedder(config)))
    monkeypatch.setattr(pipeline, "prepares_ahead", lambda mappers: True)
    ahead = pipeline.build(docs, config, nlp=nlp, lm=real_lm,
                           mappers=make_mappers(config, load_embedder(config)))
    assert ahead.summary.timings.get("prepare", 0) > 0 and "prepare" not in at_end.summary.timings
    assert render(ahead.facts, ahead.run, OutputFormat.NT, config.base_iri) == \
        render(at_end.facts, ahead.run, OutputFormat.NT, config.base_iri)


def test_the_corpus_asks_each_triples_query_once_in_a_fixed_order():
    """`_queries` works out what a query reads of each entity once per entity: the queries
    are `_query`'s of every (head, relation, tail) keys, each once, sorted by their repr."""
    from mamakg.mapping.facts import _Entities, _queries, _query, _surfaces

    stream = DocumentStream(CONFIG)
    for _ in stream.feed(resolve_window(CORPUS, None, None, CONFIG)):
        pass
    forms = stream.forms
    labels, poses = _surfaces(forms)
    entity = _Entities(forms, None)
    expected = sorted({_query(r, entity(h), entity(t), labels[r], poses[r])
                       for h, r, t in forms.triples}, key=repr)
    got = _queries(forms.triples, entity, labels, poses)
    assert got == expected and len(got) == len(set(got)) > 3
    assert len({h for h, _, _ in forms.triples}) < len(forms.triples)  # heads of several
