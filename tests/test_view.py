"""mamakg view: which facts are drawn, where, and the page in a real browser."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys

import pytest
from click.testing import CliRunner

from mamakg.cli import cli
from mamakg.errors import MamakgError, UsageError
from mamakg.inspect.page import EDGE_FONT, NODE_FONT
from mamakg.inspect.view import (
    CANVAS,
    choose_facts,
    label_width,
    layout,
    picture,
    piece_spacing,
    render_html,
)
from mamakg.rdf.load import LoadedGraph
from mamakg.rdf.vocab import IRIs
from mamakg.types import Entity, Relation

from graph_samples import BASE, MANIFEST, fact, mention, sample_facts

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def ent(label, qid=None):
    return Entity(label.lower(), label, qid, 0.9 if qid else 0.0)


def f(head, rel, tail, doc="d.txt:1", score=0.5):
    h, t = ent(head) if isinstance(head, str) else head, ent(tail) if isinstance(tail, str) \
        else tail
    r = Relation(rel, rel)
    return fact(h, r, t, [mention(h, r, t, f"{h.label} {rel} {t.label}.", h.label, rel,
                                  t.label, doc_id=doc, score=score)])


def corpus():
    """A hub (Marie Curie, 8 facts), a second entity joined to it (Warsaw), pronoun heads in
    many documents, dates, common nouns, and isolated pairs with high scores."""
    facts = [f("Marie Curie", "born in", "Warsaw", score=0.3),
             f("Marie Curie", "born on", "7 November 1867", score=0.2),
             f("Marie Curie", "won", "Nobel Prize", score=0.2),
             f("Marie Curie", "married", "Pierre Curie", score=0.2),
             f("Marie Curie", "studied at", "University of Paris", score=0.2),
             f("Marie Curie", "discovered", "polonium", score=0.2),
             f("Marie Curie", "discovered", "radium", score=0.2),
             f("Marie Curie", "was", "physicist", score=0.2),
             f("Warsaw", "capital of", "Poland", score=0.1),
             f("Warsaw", "on", "Vistula", score=0.1)]
    facts += [f("He", "was born in", f"Town {i}", doc=f"d.txt:{i}", score=0.9)
              for i in range(12)]
    facts += [f(f"Lone {i}", "met", f"Other {i}", score=0.95) for i in range(12)]
    facts += [f("She", "won", "1903", doc=f"e.txt:{i}", score=0.9) for i in range(5)]
    return LoadedGraph(sorted(facts, key=lambda x: (x.head.key, x.relation.key, x.tail.key)),
                       MANIFEST, BASE, "mem", "mem")


def test_the_best_connected_entities_come_first_and_pronouns_are_never_shared():
    graph = corpus()
    chosen, note = choose_facts(graph, max_facts=12)
    heads = [x.head.label for x in chosen]
    # the hub first, its fact with the next hub leading, at most max(5, 12 // 8) of them;
    # then the next hub's; then at most a quarter of facts that share no entity; then the
    # rest of the first hub's, while room is left
    assert (chosen[0].head.label, chosen[0].tail.label) == ("Marie Curie", "Warsaw")
    assert heads == ["Marie Curie"] * 5 + ["Warsaw"] * 2 + ["Lone 0", "Lone 1", "Lone 10"] \
        + ["Marie Curie"] * 2
    assert note == ("12 of 39 facts: those of the 2 best-connected entities, and 3 that "
                    "share no entity")
    # "He" heads twelve facts in twelve documents: drawn once per fact, never one hub
    drawn = layout(graph.facts, BASE)
    he = [n for n in drawn.nodes if n["label"] == "He"]
    assert len(he) == 12 and all(n["kind"] == "other" for n in he)
    dates = [n for n in drawn.nodes if n["label"] in ("1903", "7 November 1867")]
    assert dates and all(n["kind"] == "value" for n in dates)
    hub = [n for n in drawn.nodes if n["label"] == "Marie Curie"]
    assert len(hub) == 1 and hub[0]["kind"] == "named"


def test_a_common_noun_a_name_qualifies_is_no_named_entity():
    # "a fellow NASA astronaut" holds a name, but the node is an astronaut: drawn as a common
    # noun, and not shared between the facts of two documents
    facts = [f("Shannon Walker", "spouse", "fellow NASA astronaut", doc="a.txt:1"),
             f("Ann Lee", "met", "fellow NASA astronaut", doc="b.txt:1"),
             f("Shannon Walker", "studied at", "University of Texas", doc="a.txt:2")]
    drawn = layout(facts, BASE)
    kinds = {}
    for n in drawn.nodes:
        kinds.setdefault(n["label"], []).append(n["kind"])
    assert kinds["fellow NASA astronaut"] == ["other", "other"]
    assert kinds["University of Texas"] == ["named"]
    assert kinds["Shannon Walker"] == ["named"]


def test_entity_neighbourhood_by_hops():
    graph = corpus()
    one, note = choose_facts(graph, entity="warsaw")
    assert {(x.head.label, x.tail.label) for x in one} == {
        ("Marie Curie", "Warsaw"), ("Warsaw", "Poland"), ("Warsaw", "Vistula")}
    assert note == "3 of 3 facts within 1 step of Warsaw"
    two, note = choose_facts(graph, entity="Warsaw", hops=2)
    assert len(two) == 10 and note == "10 of 10 facts within 2 steps of Warsaw"
    assert [x.head.label for x in two[:3]] != []  # nearest first: the 1-step facts lead
    assert {(x.head.label, x.tail.label) for x in two[:3]} == \
        {(x.head.label, x.tail.label) for x in one}
    capped, note = choose_facts(graph, entity="Warsaw", hops=2, max_facts=4)
    assert len(capped) == 4 and note == "4 of 10 facts within 2 steps of Warsaw"
    by_part, _ = choose_facts(graph, entity="curi")  # part of a label
    assert len(by_part) == 8
    with pytest.raises(MamakgError, match="no entity matches 'Atlantis'"):
        choose_facts(graph, entity="Atlantis")
    with pytest.raises(UsageError, match="--hops"):
        choose_facts(graph, entity="Warsaw", hops=0)


def test_an_entity_by_qid():
    facts = sample_facts()
    graph = LoadedGraph(facts, MANIFEST, BASE, "mem", "mem")
    chosen, _ = choose_facts(graph, entity="Q392")
    assert {x.head.qid for x in chosen} == {"Q392"} and len(chosen) == 2


def overlaps(a, b):
    return not (a[2] < b[0] or a[0] > b[2] or a[3] < b[1] or a[1] > b[3])


def test_shown_labels_do_not_overlap_and_everything_is_in_the_box():
    drawn = picture(corpus(), max_facts=60)
    boxes = []
    for n in drawn.nodes:
        assert drawn.x <= n["x"] <= drawn.x + drawn.width
        assert drawn.y <= n["y"] <= drawn.y + drawn.height
        if n["shown"]:
            width = label_width(n["label"])
            x = n["x"] + n["dx"] - {"start": 0, "end": width, "middle": width / 2}[n["anchor"]]
            # the baseline is at dy: letters reach about a font size above it
            boxes.append((x, n["y"] + n["dy"] - NODE_FONT + 2, x + width, n["y"] + n["dy"] + 2))
    for e in drawn.edges:
        if e["shown"]:
            width = label_width(e["label"], edge=True)
            boxes.append((e["lx"] - width / 2, e["ly"] - EDGE_FONT + 2, e["lx"] + width / 2,
                          e["ly"] + 2))
    assert len(boxes) > len(drawn.nodes) // 2  # most labels are shown
    for i, a in enumerate(boxes):
        assert drawn.x <= a[0] and a[2] <= drawn.x + drawn.width
        for b in boxes[i + 1:]:
            assert not overlaps(a, b), (a, b)


def test_the_same_graph_gives_the_same_page_whatever_the_hash_seed(tmp_path):
    script = ("import sys; sys.path[:0] = [sys.argv[1], sys.argv[2]]\n"
              "from test_view import corpus\n"
              "from mamakg.inspect.view import render_html\n"
              "sys.stdout.write(render_html(corpus()))\n")
    pages = []
    for seed in ("1", "2"):
        env = dict(os.environ, PYTHONHASHSEED=seed)
        done = subprocess.run([sys.executable, "-c", script, ROOT,
                               os.path.join(ROOT, "tests")], env=env, capture_output=True,
                              text=True, timeout=120, check=True)
        pages.append(done.stdout)
    assert pages[0] == pages[1] and pages[0].startswith("<!doctype html>")


HOSTILE = '</script><script>document.title="owned"</script> & <!--'


def hostile_graph():
    facts = sample_facts()
    x = facts[1]
    tail = Entity(x.tail.key, HOSTILE)
    return LoadedGraph([facts[0], type(x)(x.head, x.relation, tail, x.score, x.support,
                                          x.mentions), facts[2]], MANIFEST, BASE, "mem", "mem")


def test_the_page_is_self_contained_and_escapes_labels():
    page = render_html(hostile_graph())
    assert page.count("</script>") == 2 and HOSTILE not in page
    assert "Content-Security-Policy" in page and "default-src 'none'" in page
    assert " src=" not in page and " href=" not in page and "@import" not in page
    assert "&lt;/script&gt;&lt;script&gt;" in page  # the SVG text is escaped markup
    data = json.loads(re.search(r'id="data">(.*?)</script>', page, re.S).group(1))
    assert len(data["edges"]) == 3 and data["n_facts"] == 3


def test_view_command(tmp_path):
    from mamakg.rdf.writers import render

    source = tmp_path / "g.ttl"
    from mamakg.config import OutputFormat

    graph = corpus()
    source.write_bytes(render(graph.facts, MANIFEST, OutputFormat.TTL, BASE))
    out = tmp_path / "g.html"
    runner = CliRunner()
    result = runner.invoke(cli, ["view", str(source), "-o", str(out)])
    assert result.exit_code == 0, result.output
    # 60 asked for, 25 drawn: the 10 facts of the two hubs and 15 (a quarter of 60) of the
    # 29 facts that share no entity
    assert 'data-edges="25"' in out.read_text()
    near = runner.invoke(cli, ["view", str(source), "-o", str(tmp_path / "w.html"),
                               "--entity", "Warsaw", "--hops", "2"])
    assert near.exit_code == 0, near.output
    assert "10 of 10 facts within 2 steps of Warsaw" in (tmp_path / "w.html").read_text()
    again = runner.invoke(cli, ["view", str(source), "-o", str(out)])
    assert again.exit_code == 2 and "--force" in again.output
    missing = runner.invoke(cli, ["view", str(source), "-o", str(tmp_path / "x.html"),
                                  "--entity", "Atlantis"])
    assert missing.exit_code == 1 and missing.output.count("\n") == 1


def chromium(tmp_path, *args):
    exe = shutil.which("chromium") or shutil.which("chromium-browser")
    if exe is None:
        pytest.skip("no chromium (apt-get install chromium)")
    profile = tmp_path / "chromium-profile"
    proc = subprocess.run(
        [exe, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--no-first-run", f"--user-data-dir={profile}", "--virtual-time-budget=5000",
         "--window-size=1400,900", *args],
        capture_output=True, text=True, timeout=90)
    assert proc.returncode == 0, proc.stderr[-2000:]
    return proc.stdout


def test_the_page_draws_in_headless_chromium(tmp_path):
    graph = hostile_graph()
    page = tmp_path / "g.html"
    page.write_text(render_html(graph), encoding="utf-8")
    odd = next(x for x in graph.facts if x.head.qid is None)
    fact_iri = str(IRIs(BASE).fact(odd))
    dom = chromium(tmp_path, "--dump-dom", page.as_uri() + "#" + fact_iri)
    body = re.search(r"<body[^>]*>", dom).group(0)
    assert 'data-ready="1"' in body and "data-error" not in body, body
    assert 'data-nodes="5"' in dom and 'data-edges="3"' in dom
    assert dom.count("<circle") == 5 and dom.count('class="edge ') == 3
    assert "owned" not in dom.split("</title>")[0]  # the label did not run as a script
    assert "&lt;/script&gt;&lt;script&gt;" in dom  # ... it is drawn as text
    # the #IRI opened that fact: its sentence with head, relation and tail marked
    assert '<mark class="r">$rows ]-&gt;( ?x</mark>' in dom
    assert re.search(r'<aside id="info" class=""[^>]*>', dom)  # the details panel opened
    assert fact_iri in dom
    shot = tmp_path / "g.png"
    chromium(tmp_path, f"--screenshot={shot}", page.as_uri())
    assert shot.read_bytes().startswith(b"\x89PNG") and shot.stat().st_size > 10_000


# --- readable at 1400 x 1000 -------------------------------------------------------------------

def star(n_leaves, label):
    hub = ent("Ian Hancock")
    return LoadedGraph([f(hub, f"rel {i}", ent(f"{label} {i:02d}"), score=0.5)
                        for i in range(n_leaves)], MANIFEST, BASE, "mem", "mem")


def test_labels_are_drawn_at_a_readable_size():
    assert NODE_FONT >= 13 and EDGE_FONT >= 11
    page = render_html(corpus())
    assert f".nlabel {{ font-size: {NODE_FONT}px;" in page
    assert f".elabel {{ font-size: {EDGE_FONT}px;" in page
    # the drawing is about the window's size, so a pixel of it is about a pixel on screen
    for graph in (corpus(), star(15, "Leaf")):
        drawn = picture(graph)
        assert drawn.width <= CANVAS[0] * 1.15 and drawn.height <= CANVAS[1] * 1.15, \
            (drawn.width, drawn.height)


def test_a_star_fills_the_canvas():
    drawn = picture(star(15, "Romani people at the 1997 Rally"), entity="Ian Hancock")
    xs = [n["x"] for n in drawn.nodes]
    ys = [n["y"] for n in drawn.nodes]
    # before: a star of 15 leaves was a circle of about 100 px in the middle of the page
    assert max(xs) - min(xs) > 0.45 * CANVAS[0] or max(ys) - min(ys) > 0.7 * CANVAS[1]
    assert sum(n["shown"] for n in drawn.nodes) == len(drawn.nodes)  # every label fits


def test_a_piece_is_spaced_by_its_labels():
    assert piece_spacing(["Al", "Bo", "Cy"]) == 100.0
    long = ["Program of Romani Studies at the University"] * 3
    assert piece_spacing(long) == label_width(long[0]) / 2 + 40.0 > 150
    # before fitting the canvas, a piece with long labels is drawn wider than one with short
    short, wide = picture(star(4, "Al")), picture(star(4, "Program of Romani Studies"))
    assert max(n["x"] for n in wide.nodes) - min(n["x"] for n in wide.nodes) >= \
        max(n["x"] for n in short.nodes) - min(n["x"] for n in short.nodes)


def test_the_legend_lists_only_the_kinds_drawn():
    plain = render_html(corpus())  # no entity is linked: no Wikidata colour
    legend = re.search(r'<span class="legend">(.*?)</span>\n<span class="hint">', plain,
                       re.S).group(1)
    assert "Wikidata item" not in legend
    assert "named entity" in legend and "number or date" in legend
    linked = render_html(LoadedGraph(sample_facts(), MANIFEST, BASE, "mem", "mem"))
    assert '<i class="dot linked"></i> Wikidata item' in linked


def test_the_details_panel_is_hidden_until_something_is_clicked():
    page = render_html(corpus())
    assert '<aside id="info" class="hidden"></aside>' in page
    assert 'info.classList.remove("hidden")' in page  # a click opens it (the browser test)


def test_facts_of_one_property_between_two_entities_are_one_edge():
    """"is a politician for", "joined" (both member of political party) between the same two
    entities: one edge, the first fact's, with both phrases; an open relation beside them and
    the same property the other way stay edges of their own."""
    def mapped(head, phrase, tail, pid, score):
        made = f(head, phrase, tail, score=score)
        return fact(made.head, Relation(phrase, phrase, pid=pid,
                                        pid_label="member of political party"), made.tail,
                    list(made.mentions))

    facts = [mapped("Gunnar Sand", "is a politician for", "Labour Party", "P102", 0.9),
             mapped("Gunnar Sand", "joined", "Labour Party", "P102", 0.5),
             mapped("Gunnar Sand", "joined", "Labour Party", "P102", 0.4),
             f("Gunnar Sand", "led", "Labour Party"),
             mapped("Labour Party", "joined", "Gunnar Sand", "P102", 0.3)]
    drawn = layout(facts, BASE)
    assert sorted((e["phrase"], e["pid"]) for e in drawn.edges) == [
        ("is a politician for; joined", "P102"), ("joined", "P102"), ("led", None)]
    first = next(e for e in drawn.edges if e["phrase"].startswith("is a"))
    assert first["id"] == str(IRIs(BASE).fact(facts[0])) and first["score"] == 0.9
