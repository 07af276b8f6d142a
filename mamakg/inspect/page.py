"""The HTML page of `mamakg view`: one self-contained file, no network.

The picture is drawn here, in Python, as SVG markup with the places `mamakg.inspect.view`
computed, so the page shows it even with scripts off. A small script adds what needs a
reader: hover an entity to light up its facts and neighbours, click it for its facts or click
a fact for its sentence, drag to pan, scroll to zoom, type to find an entity;
``graph.html#IRI`` opens on a fact or an entity. A Content-Security-Policy forbids every
fetch, so the page cannot load anything.
"""

from __future__ import annotations

import html
import json
import re
from dataclasses import dataclass, field
from typing import Any

__all__ = ["EDGE_FONT", "KINDS", "NODE_FONT", "Picture", "render_page"]

NODE_FONT, EDGE_FONT = 14, 12
"""Font sizes of entity and relation labels, in pixels of the drawing. `mamakg.inspect.view`
makes the drawing about the size of a laptop window, so they are about that on screen."""
KINDS = {"linked": "Wikidata item", "named": "named entity", "other": "pronoun or common noun",
         "value": "number or date"}
"""What an entity's colour says; the legend lists the kinds a picture draws."""


@dataclass
class Picture:
    """Nodes and edges with their places, ready to draw (plain JSON values)."""

    nodes: list[dict[str, Any]] = field(default_factory=list)
    edges: list[dict[str, Any]] = field(default_factory=list)
    x: float = 0.0
    """The drawing's box (the SVG viewBox): left, top, width, height."""
    y: float = 0.0
    width: float = 0.0
    height: float = 0.0
    note: str = ""


def _script_json(data: Any) -> str:
    """JSON that cannot end its <script> element early."""
    text = json.dumps(data, ensure_ascii=False, sort_keys=True)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def _attr(text: object) -> str:
    return html.escape(str(text), quote=True)


def _svg(p: Picture) -> str:
    index = {n["id"]: i for i, n in enumerate(p.nodes)}
    out = [f'<svg id="graph" viewBox="{p.x:.0f} {p.y:.0f} {p.width:.0f} {p.height:.0f}" role="img" '
           f'aria-label="knowledge graph" data-nodes="{len(p.nodes)}" '
           f'data-edges="{len(p.edges)}">',
           "<defs>" + "".join(
               f'<marker id="arrow-{s}" viewBox="0 0 10 10" refX="9" refY="5" '
               f'markerWidth="7" markerHeight="7" orient="auto-start-reverse">'
               f'<path d="M0,1 L10,5 L0,9 z" class="head {s}"/></marker>'
               for s in ("mapped", "partial", "unmapped")) + "</defs>",
           '<g id="view">', '<g class="edges">']
    for i, e in enumerate(p.edges):
        out.append(f'<path class="edge {e["status"]}" data-e="{i}" d="{e["path"]}" '
                   f'marker-end="url(#arrow-{e["status"]})"><title>{_attr(e["label"])}'
                   f'</title></path>')
    out.append('</g><g class="elabels">')
    for i, e in enumerate(p.edges):
        more = "" if e["shown"] else " more"
        out.append(f'<text class="elabel{more}" data-e="{i}" x="{e["lx"]}" y="{e["ly"]}" '
                   f'text-anchor="middle">{_attr(e["text"])}</text>')
    out.append('</g><g class="nodes">')
    for n in p.nodes:
        more = "" if n["shown"] else " more"
        out.append(f'<g class="node {n["kind"]}" data-n="{index[n["id"]]}" '
                   f'transform="translate({n["x"]},{n["y"]})"><circle r="{n["r"]}"/>'
                   f'<text class="nlabel{more}" x="{n["dx"]}" y="{n["dy"]}" '
                   f'text-anchor="{n["anchor"]}">{_attr(n["text"])}'
                   f'</text><title>{_attr(n["label"])}</title></g>')
    out.append("</g></g></svg>")
    return "\n".join(out)


def render_page(p: Picture, source: str, n_facts: int) -> str:
    """The page, as text."""
    data = {"nodes": [{k: n[k] for k in ("id", "iri", "label", "qid", "kind", "aliases")}
                      for n in p.nodes],
            "edges": [{k: e[k] for k in ("id", "source", "target", "label", "phrase", "pid",
                                         "status", "score", "support", "document", "sentence",
                                         "spans")} for e in p.edges],
            "n_facts": n_facts, "source": source}
    drawn = {n["kind"] for n in p.nodes}
    legend = "\n".join(f'<span><i class="dot {kind}"></i> {html.escape(words)}</span>'
                       for kind, words in KINDS.items() if kind in drawn)
    values = {"TITLE": html.escape(f"mamakg: {source}"), "NOTE": html.escape(p.note),
              "SVG": _svg(p), "DATA": _script_json(data), "LEGEND": legend,
              "NODE_FONT": str(NODE_FONT), "EDGE_FONT": str(EDGE_FONT)}
    return re.sub(r"@(TITLE|NOTE|SVG|DATA|LEGEND|NODE_FONT|EDGE_FONT)@",
                  lambda m: values[m.group(1)], _PAGE)


_PAGE = """<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy"
      content="default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>@TITLE@</title>
<style>
body { margin: 0; font: 14px system-ui, sans-serif; color: #222; display: flex;
       flex-direction: column; height: 100vh; }
header { display: flex; flex-wrap: wrap; gap: .3em 1.2em; align-items: center;
         padding: .35em 1em; background: #f4f4f4; border-bottom: 1px solid #ddd; }
.hint { color: #666; font-size: 13px; }
header h1 { font-size: 1em; margin: 0; }
.legend span { margin-right: .8em; white-space: nowrap; }
.dot { display: inline-block; width: .8em; height: .8em; border-radius: 50%;
       vertical-align: -.05em; border: 1px solid #555; }
main { display: flex; flex: 1; min-height: 0; position: relative; }
svg { flex: 1; min-width: 0; background: #fff; cursor: grab; user-select: none; }
aside { position: absolute; top: 0; right: 0; max-height: calc(100% - 2em); width: 26em;
        overflow: auto; padding: 0 1em .5em; margin: 1em; background: #fffffff2;
        border: 1px solid #ccc; border-radius: 6px; box-shadow: 0 2px 10px #0002; }
aside .close { float: right; border: none; background: none; font-size: 20px;
               cursor: pointer; color: #666; margin-top: .4em; }
.edge { fill: none; stroke: #b9b9b9; stroke-width: 1.3; cursor: pointer; }
.edge.mapped { stroke: #3a9a6a; } .edge.partial { stroke: #6b9fd1; }
.head { fill: #b9b9b9; } .head.mapped { fill: #3a9a6a; } .head.partial { fill: #6b9fd1; }
text { paint-order: stroke; stroke: #fff; stroke-width: 3px; stroke-linejoin: round; }
.elabel { font-size: @EDGE_FONT@px; fill: #555; cursor: pointer; }
.nlabel { font-size: @NODE_FONT@px; fill: #222; pointer-events: none; }
.node { cursor: pointer; } .node circle { stroke: #555; stroke-width: 1; }
.node.linked circle { fill: #5b9bd5; } .node.named circle { fill: #f2b544; }
.node.value circle { fill: #b7dfb0; } .node.other circle { fill: #e4e4e4; }
.dot.linked { background: #5b9bd5; } .dot.named { background: #f2b544; }
.dot.value { background: #b7dfb0; } .dot.other { background: #e4e4e4; }
.node.named .nlabel, .node.linked .nlabel { font-weight: 600; }
.more { display: none; }
svg.focus .node, svg.focus .edge, svg.focus .elabel { opacity: .12; }
svg.focus .hl, svg.focus .hl .more, svg.focus .elabel.hl { opacity: 1; display: inline; }
.edge.hl { stroke-width: 2.6; } .node.on circle { stroke: #d33; stroke-width: 3; }
.edge.on { stroke: #d33; stroke-width: 3; }
.hidden { display: none; }
mark.h, mark.t { background: #cfe6ff; } mark.r { background: #ffdcc2; }
li { cursor: pointer; margin: .2em 0; } code { font-size: 11px; word-break: break-all; }
</style>
</head>
<body>
<header><h1>@TITLE@</h1>
<input id="find" type="search" placeholder="find an entity">
<span id="note">@NOTE@</span>
<span class="legend">@LEGEND@</span>
<span class="hint">hover an entity to light up its facts; click it or a relation for details;
drag to move, scroll to zoom</span></header>
<main>@SVG@
<aside id="info" class="hidden"></aside></main>
<script type="application/json" id="data">@DATA@</script>
<script>
(function () {
  "use strict";
  var body = document.body;
  try {
    var data = JSON.parse(document.getElementById("data").textContent);
    var svg = document.getElementById("graph"), info = document.getElementById("info");
    var byId = {}, nodeEls = svg.querySelectorAll(".node"), adj = data.nodes.map(function () {
      return [];
    });
    data.nodes.forEach(function (n, i) { byId[n.id] = i; n.el = nodeEls[i]; });
    data.edges.forEach(function (e, i) {
      e.s = byId[e.source]; e.t = byId[e.target];
      e.els = svg.querySelectorAll('[data-e="' + i + '"]');
      adj[e.s].push(i); adj[e.t].push(i);
    });
    function each(list, f) { Array.prototype.forEach.call(list, f); }
    function focus(nodes, edges) {
      each(svg.querySelectorAll(".hl"), function (el) { el.classList.remove("hl"); });
      svg.classList.toggle("focus", nodes.length + edges.length > 0);
      nodes.forEach(function (i) { data.nodes[i].el.classList.add("hl"); });
      edges.forEach(function (i) {
        each(data.edges[i].els, function (el) { el.classList.add("hl"); });
      });
    }
    function around(i) {
      var ns = [i];
      adj[i].forEach(function (k) { ns.push(data.edges[k].s, data.edges[k].t); });
      focus(ns, adj[i]);
    }
    function add(name, text, parent, cls) {
      var el = document.createElement(name);
      if (text !== null) { el.textContent = text; }
      if (cls) { el.className = cls; }
      parent.appendChild(el);
      return el;
    }
    function clear() {
      info.textContent = "";
      info.classList.add("hidden");
      each(svg.querySelectorAll(".on"), function (el) { el.classList.remove("on"); });
    }
    function title(e) {
      return data.nodes[e.s].label + " \\u2192 " + e.label + " \\u2192 " + data.nodes[e.t].label;
    }
    function open() {
      info.classList.remove("hidden");
      add("button", "\u00d7", info, "close").addEventListener("click", function (ev) {
        ev.stopPropagation(); delete info.dataset.pinned; clear(); focus([], []);
      });
    }
    function showEdge(i) {
      var e = data.edges[i];
      clear(); open(); each(e.els, function (el) { el.classList.add("on"); });
      focus([e.s, e.t], [i]);
      add("h3", title(e), info);
      add("p", e.status + (e.pid ? " (" + e.pid + ")" : "") + ", score " + e.score +
          ", support " + e.support + (e.phrase !== e.label ? ", phrase \\u201c" + e.phrase +
          "\\u201d" : ""), info);
      var p = add("p", null, info), text = e.sentence, at = 0;
      e.spans.map(function (s, k) { return [s[0], s[1], ["h", "r", "t"][k]]; })
        .sort(function (a, b) { return a[0] - b[0]; }).forEach(function (c) {
          if (c[0] < at || c[0] >= c[1]) { return; }
          p.appendChild(document.createTextNode(text.slice(at, c[0])));
          add("mark", text.slice(c[0], c[1]), p, c[2]);
          at = c[1];
        });
      p.appendChild(document.createTextNode(text.slice(at)));
      add("p", "document " + e.document, info);
      add("code", e.id, info);
    }
    function showNode(i) {
      var n = data.nodes[i];
      clear(); open(); n.el.classList.add("on"); around(i);
      add("h3", n.label, info);
      if (n.aliases.length) { add("p", "also called " + n.aliases.join(", "), info); }
      add("p", (n.qid ? n.qid + ", " : "") + adj[i].length + " facts drawn", info);
      var list = add("ul", null, info);
      adj[i].forEach(function (k) {
        add("li", title(data.edges[k]), list).addEventListener("click", function () {
          showEdge(k);
        });
      });
      add("code", n.iri, info);
    }
    data.nodes.forEach(function (n, i) {
      n.el.addEventListener("mouseenter", function () {
        if (!info.dataset.pinned) { around(i); }
      });
      n.el.addEventListener("mouseleave", function () {
        if (!info.dataset.pinned) { focus([], []); }
      });
      n.el.addEventListener("click", function (ev) {
        ev.stopPropagation(); info.dataset.pinned = "1"; showNode(i);
      });
    });
    data.edges.forEach(function (e, i) {
      each(e.els, function (el) {
        el.addEventListener("click", function (ev) {
          ev.stopPropagation(); info.dataset.pinned = "1"; showEdge(i);
        });
      });
    });
    var box = svg.viewBox.baseVal, drag = null;
    svg.addEventListener("click", function () {
      if (drag && drag.moved) { return; }
      delete info.dataset.pinned; clear(); focus([], []);
    });
    svg.addEventListener("mousedown", function (ev) {
      drag = {x: ev.clientX, y: ev.clientY, bx: box.x, by: box.y, moved: false};
    });
    window.addEventListener("mousemove", function (ev) {
      if (!drag || !ev.buttons) { return; }
      var k = Math.max(box.width / svg.clientWidth, box.height / svg.clientHeight);
      drag.moved = drag.moved || Math.abs(ev.clientX - drag.x) + Math.abs(ev.clientY - drag.y) > 3;
      box.x = drag.bx - (ev.clientX - drag.x) * k; box.y = drag.by - (ev.clientY - drag.y) * k;
    });
    window.addEventListener("mouseup", function () { setTimeout(function () { drag = null; }); });
    svg.addEventListener("wheel", function (ev) {
      ev.preventDefault();
      var r = svg.getBoundingClientRect(), k = ev.deltaY > 0 ? 1.15 : 1 / 1.15;
      var fx = (ev.clientX - r.left) / r.width, fy = (ev.clientY - r.top) / r.height;
      box.x += box.width * fx * (1 - k); box.y += box.height * fy * (1 - k);
      box.width *= k; box.height *= k;
    }, {passive: false});
    document.getElementById("find").addEventListener("input", function (ev) {
      var want = ev.target.value.toLowerCase(), hits = [];
      if (want) {
        data.nodes.forEach(function (n, i) {
          if ([n.label].concat(n.aliases).some(function (name) {
            return name.toLowerCase().indexOf(want) >= 0;
          })) { hits.push(i); }
        });
      }
      focus(hits, []);
    });
    var wanted = decodeURIComponent(location.hash.slice(1));  // graph.html#<fact or entity IRI>
    data.edges.forEach(function (e, i) {
      if (e.id === wanted) { info.dataset.pinned = "1"; showEdge(i); }
    });
    data.nodes.forEach(function (n, i) {
      if (n.iri === wanted) { info.dataset.pinned = "1"; showNode(i); }
    });
    body.setAttribute("data-ready", "1");
  } catch (err) {
    body.setAttribute("data-error", String((err && err.message) || err));
  }
})();
</script>
</body>
</html>
"""
