"""benchmarks/quality.py rewrites docs/quality.md but keeps its one hand-written section."""

import sys

from conftest import ROOT

sys.path.insert(0, str(ROOT / "benchmarks"))

from quality import HAND_WRITTEN, keep_hand_written  # noqa: E402


def test_a_rewrite_keeps_the_hand_written_section_before_the_commands(tmp_path):
    doc = tmp_path / "quality.md"
    new = "# Quality figures\n\n## KnowledgeNet\n\nnew figures\n\n## Commands\n\nnew commands\n"
    assert keep_hand_written(new, doc) == new  # no report yet
    doc.write_text("# Quality figures\n\n## KnowledgeNet\n\nold figures\n\n"
                   f"{HAND_WRITTEN}\n\nrules, by hand\n\n## Commands\n\nold commands\n")
    assert keep_hand_written(new, doc) == (
        "# Quality figures\n\n## KnowledgeNet\n\nnew figures\n\n"
        f"{HAND_WRITTEN}\n\nrules, by hand\n\n## Commands\n\nnew commands\n")
