"""A self-contained HTML page that draws a graph: ``mamakg view GRAPH -o graph.html``.

One file, no network: the facts travel as JSON inside the page, and a small hand-written
script lays them out (a seeded force layout, so the same graph gives the same picture) and
draws them as SVG. Click a node for its facts, an edge for its sentence; type to filter;
``graph.html#IRI`` opens on a fact or an entity.
A Content-Security-Policy forbids every fetch, so the page cannot load anything.
"""

from __future__ import annotations

import html
import json
import re
from typing import Any

from mamakg.errors import UsageError
from mamakg.inspect.browse import select_facts
from mamakg.rdf.load import LoadedGraph
from mamakg.rdf.vocab import IRIs

__all__ = ["graph_data", "render_html"]


def graph_data(graph: LoadedGraph, max_facts: int = 500) -> dict[str, Any]:
    """Nodes and edges of the best `max_facts` facts (by score), as plain JSON."""
    if max_facts < 1:
        raise UsageError("--max-facts must be at least 1")
    iris = IRIs(graph.base)
    chosen = select_facts(graph.facts, limit=max_facts)
    nodes: dict[str, dict[str, Any]] = {}
    edges = []
    for fact in chosen:
        ends = []
        for ent in (fact.head, fact.tail):
            iri = str(iris.entity(ent))
            node = nodes.setdefault(iri, {"id": iri, "label": ent.label, "qid": ent.qid,
                                          "support": 0})
            node["support"] += fact.support
            ends.append(iri)
        m = fact.mentions[0] if fact.mentions else None
        edges.append({
            "id": str(iris.fact(fact)), "source": ends[0], "target": ends[1],
            "label": fact.relation.pid_label or fact.relation.label,
            "phrase": fact.relation.label, "pid": fact.relation.pid,
            "status": fact.status.value, "score": round(fact.score, 6),
            "support": fact.support,
            "sentence": m.sentence if m else "",
            "spans": [[m.head.start, m.head.end], [m.relation.start, m.relation.end],
                      [m.tail.start, m.tail.end]] if m else [],
        })
    return {"nodes": list(nodes.values()), "edges": edges, "n_facts": len(graph.facts),
            "source": graph.source}


def _script_json(data: Any) -> str:
    """JSON that cannot end its <script> element early."""
    text = json.dumps(data, ensure_ascii=False, sort_keys=True)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def render_html(graph: LoadedGraph, max_facts: int = 500) -> str:
    """The page, as text."""
    data = graph_data(graph, max_facts)
    title = html.escape(f"mamakg: {graph.source}")
    shown = len(data["edges"])
    note = html.escape(f"{shown} of {data['n_facts']} facts (best score first), "
                       f"{len(data['nodes'])} entities")
    values = {"TITLE": title, "NOTE": note, "DATA": _script_json(data)}
    return re.sub(r"@(TITLE|NOTE|DATA)@", lambda m: values[m.group(1)], _PAGE)


_PAGE = """<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy"
      content="default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>@TITLE@</title>
<style>
body { margin: 0; font: 14px system-ui, sans-serif; color: #222; }
header { display: flex; gap: 1em; align-items: center; padding: .5em 1em; background: #f3f3f3; }
header h1 { font-size: 1em; margin: 0; }
main { display: flex; height: calc(100vh - 3em); }
svg { flex: 1; min-width: 0; background: #fff; }
aside { width: 26em; overflow: auto; padding: 0 1em; border-left: 1px solid #ddd; }
line { stroke: #999; stroke-width: 1.2; cursor: pointer; }
line.mapped { stroke: #2a7; } line.partial { stroke: #69c; }
line:hover, line.on { stroke: #d33; stroke-width: 3; }
circle { fill: #fc6; stroke: #a70; cursor: pointer; } circle.linked { fill: #7bd; stroke: #147; }
circle.on { stroke: #d33; stroke-width: 3; }
text { font-size: 11px; pointer-events: none; fill: #333; }
.hidden { display: none; }
.h, .t { background: #cef; } .r { background: #fdc; }
</style>
</head>
<body>
<header><h1>@TITLE@</h1><input id="filter" type="search" placeholder="filter entities">
<span id="note">@NOTE@</span></header>
<main><svg id="graph" viewBox="0 0 1000 700" role="img" aria-label="knowledge graph"></svg>
<aside id="info"><p>Click an entity or a fact.</p></aside></main>
<script type="application/json" id="data">@DATA@</script>
<script>
(function () {
  "use strict";
  var body = document.body;
  try {
    var data = JSON.parse(document.getElementById("data").textContent);
    var svg = document.getElementById("graph"), info = document.getElementById("info");
    var NS = "http://www.w3.org/2000/svg", W = 1000, H = 700;
    var nodes = data.nodes, byId = {};
    nodes.forEach(function (n) { byId[n.id] = n; });
    var edges = data.edges.map(function (e) {
      return Object.assign({}, e, {s: byId[e.source], t: byId[e.target]});
    });
    var seed = 42;
    function rand() { seed = (seed * 1103515245 + 12345) % 2147483648; return seed / 2147483648; }
    nodes.forEach(function (n, i) {
      var a = 2 * Math.PI * i / Math.max(nodes.length, 1);
      n.x = W / 2 + 300 * Math.cos(a) + 10 * rand(); n.y = H / 2 + 250 * Math.sin(a) + 10 * rand();
      n.vx = 0; n.vy = 0;
    });
    var steps = nodes.length > 400 ? 60 : 250;
    for (var it = 0; it < steps; it++) {
      var limit = 20 * (1 - it / steps) + 1;
      for (var a = 0; a < nodes.length; a++) {
        for (var b = a + 1; b < nodes.length; b++) {
          var p = nodes[a], q = nodes[b], dx = p.x - q.x, dy = p.y - q.y;
          var f = 800 / (dx * dx + dy * dy + 0.01);
          p.vx += dx * f; p.vy += dy * f; q.vx -= dx * f; q.vy -= dy * f;
        }
      }
      edges.forEach(function (e) {
        var dx = e.t.x - e.s.x, dy = e.t.y - e.s.y, d = Math.sqrt(dx * dx + dy * dy) + 0.01;
        var f = (d - 80) * 0.02 / d;
        e.s.vx += dx * f; e.s.vy += dy * f; e.t.vx -= dx * f; e.t.vy -= dy * f;
      });
      nodes.forEach(function (n) {
        n.vx += (W / 2 - n.x) * 0.03; n.vy += (H / 2 - n.y) * 0.03;
        var v = Math.sqrt(n.vx * n.vx + n.vy * n.vy);
        if (v > limit) { n.vx *= limit / v; n.vy *= limit / v; }
        n.x += n.vx; n.y += n.vy; n.vx *= 0.5; n.vy *= 0.5;
      });
    }
    var x0 = Infinity, x1 = -Infinity, y0 = Infinity, y1 = -Infinity;
    nodes.forEach(function (n) {
      x0 = Math.min(x0, n.x); x1 = Math.max(x1, n.x);
      y0 = Math.min(y0, n.y); y1 = Math.max(y1, n.y);
    });
    var k = Math.min((W - 120) / Math.max(x1 - x0, 1), (H - 60) / Math.max(y1 - y0, 1), 3);
    nodes.forEach(function (n) { n.x = 60 + (n.x - x0) * k; n.y = 30 + (n.y - y0) * k; });

    function el(name, attrs, parent) {
      var node = document.createElementNS(NS, name);
      Object.keys(attrs).forEach(function (key) { node.setAttribute(key, attrs[key]); });
      parent.appendChild(node);
      return node;
    }
    function html(name, text, parent, cls) {
      var node = document.createElement(name);
      if (text !== null) { node.textContent = text; }
      if (cls) { node.className = cls; }
      parent.appendChild(node);
      return node;
    }
    function clear() {
      info.textContent = "";
      Array.prototype.forEach.call(svg.querySelectorAll(".on"), function (n) {
        n.classList.remove("on");
      });
    }
    function showEdge(e) {
      clear(); e.line.classList.add("on");
      html("h3", e.s.label + " \\u2192 " + e.label + " \\u2192 " + e.t.label, info);
      html("p", e.status + (e.pid ? " (" + e.pid + ")" : "") + ", score " + e.score +
           ", support " + e.support, info);
      var p = html("p", null, info), text = e.sentence, at = 0;
      var cuts = e.spans.map(function (s, i) { return [s[0], s[1], ["h", "r", "t"][i]]; })
        .sort(function (a, b) { return a[0] - b[0]; });
      cuts.forEach(function (c) {
        if (c[0] < at || c[0] >= c[1]) { return; }
        p.appendChild(document.createTextNode(text.slice(at, c[0])));
        html("mark", text.slice(c[0], c[1]), p, c[2]);
        at = c[1];
      });
      p.appendChild(document.createTextNode(text.slice(at)));
      html("code", e.id, info);
    }
    function showNode(n) {
      clear(); n.circle.classList.add("on");
      html("h3", n.label, info);
      html("p", (n.qid ? n.qid + ", " : "") + "support " + n.support, info);
      var list = html("ul", null, info);
      edges.forEach(function (e) {
        if (e.s === n || e.t === n) {
          var item = html("li", e.s.label + " \\u2192 " + e.label + " \\u2192 " + e.t.label, list);
          item.style.cursor = "pointer";
          item.addEventListener("click", function () { showEdge(e); });
        }
      });
    }
    edges.forEach(function (e) {
      e.line = el("line", {x1: e.s.x, y1: e.s.y, x2: e.t.x, y2: e.t.y, "class": e.status}, svg);
      el("title", {}, e.line).textContent = e.label;
      e.line.addEventListener("click", function () { showEdge(e); });
    });
    nodes.forEach(function (n) {
      var r = 4 + Math.min(8, Math.sqrt(n.support) * 2);
      n.circle = el("circle", {cx: n.x, cy: n.y, r: r, "class": n.qid ? "linked" : ""}, svg);
      el("title", {}, n.circle).textContent = n.label;
      n.circle.addEventListener("click", function () { showNode(n); });
      n.text = el("text", {x: n.x + r + 2, y: n.y + 4}, svg);
      n.text.textContent = n.label;
    });
    document.getElementById("filter").addEventListener("input", function (ev) {
      var want = ev.target.value.toLowerCase();
      nodes.forEach(function (n) {
        n.hidden = want !== "" && n.label.toLowerCase().indexOf(want) < 0;
      });
      edges.forEach(function (e) {
        var hide = e.s.hidden && e.t.hidden;
        e.line.classList.toggle("hidden", hide);
        if (!hide) { e.s.shown = true; e.t.shown = true; }
      });
      nodes.forEach(function (n) {
        var hide = n.hidden && !n.shown;
        n.circle.classList.toggle("hidden", hide); n.text.classList.toggle("hidden", hide);
        n.shown = false;
      });
    });
    var wanted = decodeURIComponent(location.hash.slice(1));  // graph.html#<fact or entity IRI>
    edges.forEach(function (e) { if (e.id === wanted) { showEdge(e); } });
    nodes.forEach(function (n) { if (n.id === wanted) { showNode(n); } });
    svg.setAttribute("data-nodes", String(nodes.length));
    svg.setAttribute("data-edges", String(edges.length));
    body.setAttribute("data-ready", "1");
  } catch (err) {
    body.setAttribute("data-error", String((err && err.message) || err));
  }
})();
</script>
</body>
</html>
"""
