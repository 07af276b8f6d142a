"""Entity linking against the knowledge base and relation mapping by distant supervision,
on hand-made mentions and the dump sample (tests/data/wikidata_sample.json)."""

from pathlib import Path

import pytest
from click.testing import CliRunner

from mamakg.cli import cli
from mamakg.config import Config
from mamakg.mapping.distant import map_relations
from mamakg.mapping.entities import EntityLinker, KBLinker, make_linker, mention_variants
from mamakg.mapping.facts import collect_facts
from mamakg.mapping.kb import KnowledgeBase, build_kb
from mamakg.mapping.properties import PropertyIndex
from mamakg.normalize import squash
from mamakg.result import Summary
from mamakg.store import MentionStore
from mamakg.types import Entity, Mention, Relation, TextSpan

SAMPLE = Path(__file__).resolve().parent / "data" / "wikidata_sample.json"


@pytest.fixture
def linker(kb_path):
    linker = KBLinker.open(str(kb_path), min_score=0.5)
    yield linker
    linker.close()


def mention(doc_id, head, relation, tail, relation_key=None, index=0):
    """A mention of 'HEAD RELATION TAIL.' as one sentence."""
    text = f"{head} {relation} {tail}."
    r0 = len(head) + 1
    t0 = r0 + len(relation) + 1
    return Mention(
        doc_id=doc_id, sent_index=index, sentence=text, sent_start=0,
        head=TextSpan(head, 0, len(head)), relation=TextSpan(relation, r0, r0 + len(relation)),
        tail=TextSpan(tail, t0, t0 + len(tail)), head_key=squash(head),
        relation_key=relation_key or squash(relation), tail_key=squash(tail), score=0.1,
    )


def groups(*mentions):
    """Mentions grouped into facts, as `MentionStore.facts` hands them over."""
    out = {}
    for m in mentions:
        out.setdefault(m.fact_key, []).append(m)
    return [out[k] for k in sorted(out)]


def test_mention_variants():
    assert mention_variants("the sorbonne") == ["the sorbonne", "sorbonne"]
    assert mention_variants("cities") == ["cities", "city"]
    assert mention_variants("his universities") == ["his universities", "universities",
                                                    "university"]
    assert mention_variants("paris") == ["paris"]


def test_entity_by_prior(linker):
    assert linker.entity("marie curie", "Marie Curie") == Entity(
        "marie curie", "Marie Curie", "Q7186", 1.0)
    paris = linker.entity("paris", "Paris")
    assert (paris.qid, paris.link_score) == ("Q90", 0.7778)  # 7 / (7 + 2) sitelink priors
    assert linker.entity("cities", "cities").qid == "Q515"  # the singular, decayed
    assert linker.entity("cities", "cities").link_score == 0.9
    assert linker.entity("the sorbonne", "the Sorbonne").qid == "Q209842"


def test_nil(linker):
    assert linker.entity("atlantis", "Atlantis") == Entity("atlantis", "Atlantis")
    assert linker.entity("paris", "Paris", min_score=0.8).qid is None  # below the threshold
    high = KBLinker(linker.kb, min_score=0.9)
    assert high.entity("paris", "Paris").qid is None


def test_joint_linking_prefers_the_coherent_item(linker):
    facts = groups(mention("d1", "Paris", "is the seat of", "Lamar County"),
                   mention("d1", "Paris", "lies in", "Atlantis"))
    entities = linker.link_all(facts, {"paris": "Paris", "lamar county": "Lamar County"})
    # Paris, Texas (prior 2/9) is tied to Lamar County by P131; Paris, France (7/9) is not
    assert entities["paris"] == Entity("paris", "Paris", "Q830149", 0.6111)
    assert entities["lamar county"].qid == "Q111530"
    assert entities["atlantis"] == Entity("atlantis", "atlantis")  # NIL, label from the key


def test_coherence_is_averaged_over_documents(linker):
    facts = groups(mention("d1", "Paris", "is the seat of", "Lamar County"),
                   mention("d2", "Pierre Curie", "was born in", "Paris"))
    entities = linker.link_all(facts, {})
    assert entities["paris"].qid == "Q90"  # coherent once each: the prior decides
    assert entities["pierre curie"].qid == "Q37463"


def test_without_statements_only_the_prior_counts(tmp_path):
    path = tmp_path / "bare.kb"
    build_kb(str(SAMPLE), str(path), keep_statements=False)
    linker = KBLinker.open(str(path))
    facts = groups(mention("d1", "Paris", "is the seat of", "Lamar County"))
    assert linker.link_all(facts, {})["paris"].qid == "Q90"
    facts = groups(mention("d1", "Marie Curie", "came into the world in", "Warsaw"),
                   mention("d2", "Pierre Curie", "came into the world in", "Paris"))
    entities = linker.link_all(facts, {})
    relations = {"came into the world in": Relation("came into the world in", "x")}
    assert map_relations(facts, entities, linker.kb, relations) == relations
    linker.close()


def _relations(facts):
    properties = PropertyIndex.bundled()
    keys = {m.relation_key: m.relation.text for ms in facts for m in ms}
    return {k: properties.relation(k, label, 0.5) for k, label in keys.items()}


def test_distant_supervision(linker):
    facts = groups(
        mention("d1", "Marie Curie", "came into the world in", "Warsaw"),
        mention("d2", "Pierre Curie", "came into the world in", "Paris"),
        mention("d3", "Atlantis", "came into the world in", "Paris"),  # unlinked: no vote
        mention("d1", "Marie Curie", "was born in", "Warsaw", "bear in"),  # one pair only
        mention("d1", "Marie Curie", "visited", "Poland"),  # P27
        mention("d2", "Pierre Curie", "visited", "Paris"),  # P19: a tie, 1 vote each
    )
    entities = linker.link_all(facts, {})
    relations = _relations(facts)
    mapped = map_relations(facts, entities, linker.kb, relations)
    came = mapped["came into the world in"]
    assert (came.pid, came.map_method, came.map_score, came.pid_label) == (
        "P19", "distant", 1.0, "place of birth")
    born = mapped["bear in"]  # too few pairs to vote: the property table's match stays
    assert born == relations["bear in"] and born.pid == "P19" and born.map_method != "distant"
    assert mapped["visited"] == relations["visited"]
    assert map_relations(facts, entities, linker.kb, relations, min_count=1,
                         min_share=0.4)["visited"].pid == "P19"  # ties: the lower pid


def test_distant_supervision_share(linker):
    facts = groups(
        mention("d1", "Marie Curie", "is a citizen of", "Poland"),
        mention("d2", "Pierre Curie", "is a citizen of", "France"),
        mention("d3", "Marie Curie", "is a citizen of", "Paris"),
    )
    entities = linker.link_all(facts, {})
    mapped = map_relations(facts, entities, linker.kb, _relations(facts))
    rel = mapped["is a citizen of"]
    assert (rel.pid, rel.map_method, rel.map_score) == ("P27", "distant", 0.6667)
    strict = map_relations(facts, entities, linker.kb, _relations(facts), min_share=0.7)
    assert strict["is a citizen of"].map_method != "distant"


def test_collect_facts_with_a_kb(kb_path):
    config = Config(kb=str(kb_path), min_link_score=0.5)
    linker = make_linker(config)
    assert isinstance(linker, KBLinker)
    summary = Summary()
    with MentionStore() as store:
        store.add([mention("d1", "Marie Curie", "came into the world in", "Warsaw"),
                   mention("d1", "Marie Curie", "met", "Atlantis")])
        store.add([mention("d2", "Pierre Curie", "came into the world in", "Paris")])
        facts = collect_facts(store, config, summary, linker)
    linker.close()
    by_key = {(f.head.key, f.relation.key, f.tail.key): f for f in facts}
    born = by_key[("marie curie", "came into the world in", "warsaw")]
    assert (born.head.qid, born.relation.pid, born.tail.qid) == ("Q7186", "P19", "Q270")
    assert born.relation.map_method == "distant" and born.status.value == "mapped"
    met = by_key[("marie curie", "met", "atlantis")]
    assert met.tail.qid is None and met.status.value == "partial"
    assert summary.n_facts == 3 and summary.status["mapped"] == 2


def test_make_linker_keeps_the_alias_table_path(tmp_path):
    table = tmp_path / "a.tsv"
    table.write_text("bob dylan\tQ392\t1\n")
    assert isinstance(make_linker(Config(entities=str(table))), EntityLinker)
    assert make_linker(Config()) is None


def test_cli_build_kb_usage_errors(tmp_path, kb_path):
    corpus = tmp_path / "c.txt"
    corpus.write_text("Marie Curie was born in Warsaw.\n")
    runner = CliRunner()
    missing = runner.invoke(cli, ["build", str(corpus), "--kb", str(tmp_path / "none.kb")])
    assert missing.exit_code == 2 and "kb build" in missing.stderr
    table = tmp_path / "a.tsv"
    table.write_text("bob dylan\tQ392\t1\n")
    both = runner.invoke(cli, ["build", str(corpus), "--kb", str(kb_path), "--entities",
                               str(table)])
    assert both.exit_code == 2 and "not both" in both.stderr


@pytest.mark.real_model
def test_end_to_end_with_the_real_models(nlp, real_lm, kb_path):
    from mamakg.pipeline import build
    from mamakg.types import Document

    docs = [Document("d1", "Marie Curie was born in Warsaw."),
            Document("d2", "Pierre Curie was born in Paris.")]
    result = build(docs, Config(device="cpu", kb=str(kb_path)), nlp=nlp, lm=real_lm)
    linked = {(f.head.qid, f.relation.pid, f.tail.qid) for f in result.facts}
    assert ("Q7186", "P19", "Q270") in linked and ("Q37463", "P19", "Q90") in linked
    assert result.run.config["kb"] == str(kb_path)
    assert {f.relation.map_method for f in result.facts if f.relation.pid == "P19"} == {"distant"}


def test_kb_is_read_only(kb_path):
    with KnowledgeBase(str(kb_path)) as kb:
        with pytest.raises(Exception, match="readonly"):
            kb._db.execute("DELETE FROM item")
