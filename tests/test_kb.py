"""The offline knowledge base: dump parsing, filters, alias import, lookups, `mamakg kb`.

The dump sample (tests/data/wikidata_sample.json) has 13 items and 8 properties in the exact
format of Wikidata's latest-all.json; one item has only a French label, one statement is
deprecated and one is a 'somevalue' snak."""

import bz2
import gzip
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from mamakg.cli import cli
from mamakg.errors import MamakgError
from mamakg.mapping.kb import KnowledgeBase, build_kb, import_aliases, read_dump

SAMPLE = Path(__file__).resolve().parent / "data" / "wikidata_sample.json"


@pytest.fixture
def kb(kb_path):
    with KnowledgeBase(str(kb_path)) as base:
        yield base


def test_read_dump_skips_array_brackets():
    entities = list(read_dump(str(SAMPLE)))
    assert len(entities) == 21
    assert entities[0]["id"] == "Q5" and entities[-1]["id"] == "P131"


def test_build_counts_and_progress(tmp_path):
    calls = []
    counts = build_kb(str(SAMPLE), str(tmp_path / "k.kb"), progress=lambda *a: calls.append(a))
    # the French-only item is skipped; P31 values outside the base (Q3918, Q47168) are dropped
    assert counts == {"entities": 21, "items": 12, "aliases": 25, "properties": 8,
                      "statements": 22}
    assert calls[-1] == (21, 12)
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".mamakg-kb-")]


def test_lookups(kb):
    assert kb.candidates("paris") == [("Q90", "Paris", 7.0), ("Q830149", "Paris", 2.0)]
    assert kb.candidates("madame curie") == [("Q7186", "Marie Curie", 7.0)]
    assert kb.candidates("Paris") == []  # callers pass normalized text
    assert kb.aliases("Q209842") == ["sorbonne", "the sorbonne", "university of paris"]
    assert kb.statements("Q7186", "Q270") == ["P19"]
    assert kb.statements("Q270", "Q7186") == []
    assert kb.types("Q90") == ["Q515"]
    assert kb.label("Q142") == "France" and kb.label("Q999999991") is None
    assert kb.property_label("P19") == "place of birth"
    assert kb.has_statements and kb.meta["lang"] == "en"


def test_deprecated_and_somevalue_statements_are_skipped(kb):
    assert kb.statements("Q830149", "Q30") == []  # deprecated (and Q30 is not in the base)
    assert kb.statements_among(["Q111530", "Q830149"]) == [("Q830149", "P131", "Q111530")]


def test_statements_among(kb):
    assert kb.statements_among(["Q7186", "Q37463", "Q90"]) == [
        ("Q37463", "P19", "Q90"), ("Q37463", "P26", "Q7186"), ("Q7186", "P26", "Q37463"),
    ]


@pytest.mark.parametrize("opener,suffix", [(gzip.open, ".gz"), (bz2.open, ".bz2")])
def test_compressed_dump_gives_the_same_base(tmp_path, kb_path, opener, suffix):
    dump = tmp_path / f"latest-all.json{suffix}"
    with open(SAMPLE, "rb") as src, opener(dump, "wb") as dst:
        shutil.copyfileobj(src, dst)
    build_kb(str(dump), str(tmp_path / "c.kb"))
    with KnowledgeBase(str(tmp_path / "c.kb")) as a, KnowledgeBase(str(kb_path)) as b:
        assert a.counts() == b.counts()
        assert a.candidates("warszawa") == b.candidates("warszawa") == [("Q270", "Warsaw", 6.0)]


def test_json_lines_dump(tmp_path):
    lines = [x.rstrip(",\n") for x in SAMPLE.read_text().splitlines() if x not in ("[", "]")]
    dump = tmp_path / "entities.jsonl"
    dump.write_text("\n".join(lines) + "\n")
    assert build_kb(str(dump), str(tmp_path / "k.kb"))["items"] == 12


def test_filters(tmp_path):
    counts = build_kb(str(SAMPLE), str(tmp_path / "people.kb"), types=["Q5"])
    assert counts["items"] == 2
    with KnowledgeBase(str(tmp_path / "people.kb")) as kb:
        assert kb.statements_among(["Q7186", "Q37463", "Q270"]) == [
            ("Q37463", "P26", "Q7186"), ("Q7186", "P26", "Q37463")]
    counts = build_kb(str(SAMPLE), str(tmp_path / "big.kb"), min_sitelinks=6)
    assert counts["items"] == 6  # human, city, Paris, France, Poland, Marie Curie
    build_kb(str(SAMPLE), str(tmp_path / "bare.kb"), keep_statements=False)
    with KnowledgeBase(str(tmp_path / "bare.kb")) as kb:
        assert not kb.has_statements and kb.candidates("paris")


def test_other_language(tmp_path):
    counts = build_kb(str(SAMPLE), str(tmp_path / "fr.kb"), lang="fr")
    assert counts["items"] == 1
    with KnowledgeBase(str(tmp_path / "fr.kb")) as kb:
        assert kb.candidates("musée curie") == [("Q999999991", "Musée Curie", 2.0)]


def test_bad_dump_line_names_the_line_and_keeps_the_old_base(tmp_path):
    dump = tmp_path / "bad.json"
    dump.write_text('[\n{"type":"item","id":"Q1"},\n{oops\n]\n')
    out = tmp_path / "k.kb"
    out.write_text("old")
    with pytest.raises(MamakgError, match=r"bad.json:3"):
        build_kb(str(dump), str(out))
    assert out.read_text() == "old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bad.json", "k.kb"]


def test_import_aliases_into_a_built_base(tmp_path, kb_path):
    path = tmp_path / "k.kb"
    shutil.copy(kb_path, path)
    table = tmp_path / "aliases.tsv"
    table.write_text("mention\tqid\tprior\nThe  Curies' lab\tQ42\t3\nParis\tQ830149\t50\n"
                     "Sklodowska\tQ7186\n")
    assert import_aliases(str(table), str(path)) == 3
    with KnowledgeBase(str(path)) as kb:
        assert kb.candidates("the curies' lab") == [("Q42", "The  Curies' lab", 3.0)]
        assert kb.candidates("paris")[0] == ("Q830149", "Paris", 50.0)  # the user's prior wins
        assert kb.candidates("sklodowska") == [("Q7186", "Marie Curie", 1.0)]


def test_import_aliases_creates_a_base(tmp_path):
    table = tmp_path / "aliases.tsv"
    table.write_text("Bob Dylan\tQ392\t10\n")
    import_aliases(str(table), str(tmp_path / "new.kb"))
    with KnowledgeBase(str(tmp_path / "new.kb")) as kb:
        assert kb.candidates("bob dylan") == [("Q392", "Bob Dylan", 10.0)]
        assert not kb.has_statements


@pytest.mark.parametrize("row,message", [("Bob\tdylan\t1\n", ":1: expected"),
                                         ("Bob\tQ392\tmany\n", "is not a number")])
def test_import_aliases_bad_rows(tmp_path, row, message):
    table = tmp_path / "aliases.tsv"
    table.write_text(row)
    with pytest.raises(MamakgError, match=message):
        import_aliases(str(table), str(tmp_path / "k.kb"))


def test_open_errors(tmp_path):
    with pytest.raises(MamakgError, match="no such knowledge base"):
        KnowledgeBase(str(tmp_path / "missing.kb"))
    (tmp_path / "text.kb").write_text("not sqlite at all, just some text " * 10)
    with pytest.raises(MamakgError, match="not a mamakg knowledge base"):
        KnowledgeBase(str(tmp_path / "text.kb"))


# --- the command line ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def runner():
    return CliRunner()


def test_cli_build_import_lookup(runner, tmp_path):
    out = tmp_path / "k.kb"
    result = runner.invoke(cli, ["kb", "build", str(SAMPLE), "-o", str(out), "--types", "Q515,Q5"])
    assert result.exit_code == 0, result.output
    assert "kept 5 items" in result.stderr and result.stdout == ""
    again = runner.invoke(cli, ["kb", "build", str(SAMPLE), "-o", str(out)])
    assert again.exit_code == 2 and "--force" in again.stderr
    forced = runner.invoke(cli, ["kb", "build", str(SAMPLE), "-o", str(out), "--force",
                                 "--no-statements", "--min-sitelinks", "6"])
    assert forced.exit_code == 0, forced.output
    table = tmp_path / "a.tsv"
    table.write_text("Paname\tQ90\t2\n")
    imported = runner.invoke(cli, ["kb", "import", str(table), "-o", str(out)])
    assert imported.exit_code == 0 and "imported 1 aliases" in imported.stderr
    lookup = runner.invoke(cli, ["kb", "lookup", str(out), "PANAME"])
    assert lookup.exit_code == 0 and lookup.stdout == "Q90\tParis\t1.0000\n"


@pytest.mark.parametrize("args,message", [
    (["--types", "humans"], "expected Q-ids"),
    (["--min-sitelinks", "-1"], "must not be negative"),
])
def test_cli_build_usage_errors(runner, tmp_path, args, message):
    result = runner.invoke(cli, ["kb", "build", str(SAMPLE), "-o", str(tmp_path / "k.kb"), *args])
    assert result.exit_code == 2 and message in result.stderr


def test_cli_missing_dump(runner, tmp_path):
    result = runner.invoke(cli, ["kb", "build", str(tmp_path / "none.json"), "-o",
                                 str(tmp_path / "k.kb")])
    assert result.exit_code == 2 and "no such dump file" in result.stderr
