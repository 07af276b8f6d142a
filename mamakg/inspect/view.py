"""A picture of a graph that a person can read: ``mamakg view GRAPH -o graph.html``.

What is drawn (`choose_facts`):

- the whole graph is rarely readable, so the view picks its most informative part: the facts
  of the best-connected entities (most facts), a few per entity so that one hub does not take
  the whole picture, and the facts that join two of them; isolated pairs come last;
- only *named* entities (a Wikidata item, or a label with a capital letter that is not a
  pronoun) are shared between facts. Pronouns ("He" in one document is not "He" in the next),
  common nouns, numbers and dates are drawn once per fact, as leaves: a year or "company"
  must not tie unrelated people together;
- ``--entity NAME``: the neighbourhood of the entities that match NAME (a Q-id, a label, or
  text in one), `hops` steps out through named entities, nearest facts first.

Where it is drawn (`layout`): NetworkX's seeded spring layout of each connected piece, spaced
by the width of its labels (`piece_spacing`), the pieces packed in rows, largest first, as
wide as fills the canvas best; then every distance (never the text) is grown or shrunk so the
drawing is about the size of a laptop window (`CANVAS`), where labels are drawn at
`NODE_FONT` and `EDGE_FONT` pixels. The same graph gives the same picture. Labels that would
overlap one already placed are left for hover. `mamakg.inspect.page` draws the result
as one self-contained HTML page (`render_html`).
"""

from __future__ import annotations

import math
import re
from collections import Counter, defaultdict
from collections.abc import Sequence
from typing import Any

from mamakg.english import is_month
from mamakg.errors import UsageError
from mamakg.inspect.browse import select_facts
from mamakg.inspect.page import EDGE_FONT, NODE_FONT, Picture, render_page
from mamakg.mapping.arguments import is_named
from mamakg.rdf.load import LoadedGraph
from mamakg.rdf.vocab import IRIs
from mamakg.types import Entity, Fact

__all__ = ["CANVAS", "EDGE_FONT", "NODE_FONT", "choose_facts", "label_width", "layout",
           "picture", "piece_spacing", "render_html"]


_WORD = re.compile(r"\w+")
_CHAR = 0.64 * NODE_FONT
"""Width of one character of a bold entity label (a generous average of sans-serif fonts)."""
_EDGE_CHAR = 0.6 * EDGE_FONT
"""Width of one character of a relation label."""
_LINE = NODE_FONT + 4
"""Height of a label's box."""
CANVAS = (1360.0, 880.0)
"""The drawing's target size: the page at 1400 x 1000 without its header. A drawing is grown
or shrunk (its distances, never its text) to about this size."""
_SPACING = 100.0
"""The shortest median edge of a piece, in pixels, before it is fitted to the canvas."""
_GROW = (0.6, 3.0)
"""How far fitting may shrink or grow the distances."""


def _is_value(entity: Entity) -> bool:
    words = _WORD.findall(entity.label)
    return bool(words) and all(w.isdigit() or is_month(w) for w in words) \
        and any(w.isdigit() for w in words)


def _best(facts: Sequence[Fact]) -> list[Fact]:
    return select_facts(facts)  # best score first, then support, then keys


def choose_facts(graph: LoadedGraph, max_facts: int = 60, entity: str | None = None,
                 hops: int = 1) -> tuple[list[Fact], str]:
    """The facts to draw and a one-line note that says which they are."""
    if max_facts < 1:
        raise UsageError("--max-facts must be at least 1")
    if hops < 1:
        raise UsageError("--hops must be at least 1")
    iris = IRIs(graph.base)

    def node(e: Entity) -> str | None:
        return str(iris.entity(e)) if is_named(e, strict=True) else None

    if entity is not None:
        return _neighbourhood(graph, entity, hops, max_facts, iris, node)
    touching: dict[str, list[Fact]] = defaultdict(list)  # named entity -> its facts
    for fact in graph.facts:
        for n in sorted({n for n in (node(fact.head), node(fact.tail)) if n is not None}):
            touching[n].append(fact)
    degree = {n: len(fs) for n, fs in touching.items()}

    def rank(fact: Fact) -> tuple[Any, ...]:
        """Facts that join two entities with other facts first, then by score."""
        joins = sum(1 for e in (fact.head, fact.tail) if degree.get(node(e) or "", 0) > 1)
        return (-joins, -fact.score, -fact.support, fact.head.key, fact.relation.key,
                fact.tail.key)

    cap = max(5, max_facts // 8)  # facts drawn per entity, so that no hub takes the picture
    hubs = sorted((n for n, d in degree.items() if d > 1), key=lambda n: (-degree[n], n))
    taken: set[int] = set()
    chosen: list[Fact] = []
    over: list[Fact] = []  # a hub's facts past its share: drawn if room is left at the end
    n_hubs = 0
    for hub in hubs:
        room = max_facts - len(chosen)
        if room < 2:
            break
        new = [f for f in sorted(touching[hub], key=rank) if id(f) not in taken]
        if len(new) < 2 and room < max_facts // 4:
            continue  # late in the picture, one more lone edge says little
        n_hubs += 1
        for fact in new[:min(cap, room)]:
            taken.add(id(fact))
            chosen.append(fact)
        over += new[cap:]
    lone = [f for f in _best(graph.facts) if id(f) not in taken
            and all(degree.get(node(e) or "", 0) <= 1 for e in (f.head, f.tail))]
    n_lone = min(len(lone), max_facts // 4, max_facts - len(chosen))
    chosen += lone[:n_lone]
    for fact in over:
        if len(chosen) >= max_facts:
            break
        if id(fact) not in taken:
            taken.add(id(fact))
            chosen.append(fact)
    note = (f"{len(chosen):,} of {len(graph.facts):,} facts: those of the {n_hubs:,} "
            "best-connected entities" + (f", and {n_lone:,} that share no entity" if n_lone
                                         else ""))
    return chosen, note


def _neighbourhood(graph: LoadedGraph, wanted: str, hops: int, max_facts: int, iris: IRIs,
                   node: Any) -> tuple[list[Fact], str]:
    """The facts within `hops` steps of the entities that match `wanted`, nearest first."""
    from mamakg.inspect.browse import _entity_matches, no_entity

    needle = wanted.casefold()
    ends = {str(iris.entity(e)): e for f in graph.facts for e in (f.head, f.tail)}
    exact = {n for n, e in ends.items() if e.label.casefold() == needle or
             (e.qid or "").casefold() == needle}
    centres = exact or {n for n, e in ends.items() if _entity_matches(e, wanted)}
    if not centres:
        raise no_entity(wanted, graph.source)
    hop_of: dict[int, int] = {}  # id(fact) -> the step at which it was reached
    reached: list[Fact] = []
    frontier = set(centres)
    seen = set(centres)
    for hop in range(1, hops + 1):
        found = [f for f in graph.facts if str(iris.entity(f.head)) in frontier
                 or str(iris.entity(f.tail)) in frontier]
        for fact in found:
            if id(fact) not in hop_of:
                hop_of[id(fact)] = hop
                reached.append(fact)
        frontier = {n for f in found for n in (node(f.head), node(f.tail))
                    if n and n not in seen}
        seen |= frontier
        if not frontier or len(reached) >= max_facts:
            break
    ordered = sorted(reached, key=lambda f: (hop_of[id(f)], -f.score, -f.support, f.head.key,
                                             f.relation.key, f.tail.key))
    names = sorted({ends[n].label for n in centres})
    shown = ", ".join(names[:3]) + (f" and {len(names) - 3} more" if len(names) > 3 else "")
    kept = ordered[:max_facts]
    note = (f"{len(kept):,} of {len(ordered):,} facts within {hops} "
            f"step{'s' if hops > 1 else ''} of {shown}")
    return kept, note


def layout(facts: Sequence[Fact], base: str, seed: int = 7) -> Picture:
    """Place the facts' entities: a seeded spring layout per connected piece, pieces packed
    in rows, largest first; then the edges' curves and the labels that fit. Facts that map
    to one property between the same two entities ("is a politician for", "joined": member
    of political party) are one edge, the first fact's, with every phrase."""
    import networkx as nx

    iris = IRIs(base)
    nodes: dict[str, dict[str, Any]] = {}
    edges: list[dict[str, Any]] = []
    stated: dict[tuple[str, str, str], dict[str, Any]] = {}  # (source, target, P-id) -> edge
    for fact in facts:
        fact_id = str(iris.fact(fact))
        ends = []
        for ent in (fact.head, fact.tail):
            iri = str(iris.entity(ent))
            named = is_named(ent, strict=True)
            key = iri if named else f"{iri}#{fact_id.rsplit('/', 1)[-1]}"
            kind = "linked" if ent.qid else "named" if named else \
                "value" if _is_value(ent) else "other"
            node = nodes.setdefault(key, {"id": key, "iri": iri, "label": ent.label,
                                          "qid": ent.qid, "kind": kind,
                                          "aliases": list(ent.aliases), "facts": []})
            node["facts"].append(fact_id)
            ends.append(key)
        pid = fact.relation.pid
        same = stated.get((ends[0], ends[1], pid)) if pid else None
        if same is not None:
            if fact.relation.label not in same["phrases"]:
                same["phrases"].append(fact.relation.label)
            continue
        m = fact.mentions[0] if fact.mentions else None
        edges.append({
            "id": fact_id, "source": ends[0], "target": ends[1],
            "label": fact.relation.pid_label or fact.relation.label,
            "pid": fact.relation.pid,
            "status": fact.status.value, "score": round(fact.score, 6), "support": fact.support,
            "document": m.doc_id if m else "", "sentence": m.sentence if m else "",
            "spans": [[m.head.start, m.head.end], [m.relation.start, m.relation.end],
                      [m.tail.start, m.tail.end]] if m else [],
            "phrases": [fact.relation.label],  # joined into "phrase" below
        })
        if pid:
            stated[(ends[0], ends[1], pid)] = edges[-1]
    for e in edges:
        e["phrase"] = "; ".join(e.pop("phrases"))
    g = nx.Graph()
    g.add_nodes_from(sorted(nodes))
    g.add_edges_from(sorted((e["source"], e["target"]) for e in edges))
    pieces = sorted((sorted(c) for c in nx.connected_components(g)),
                    key=lambda c: (-len(c), c[0]))
    shapes = []  # each piece: its places with a median edge of 1, and its spacing in pixels
    for piece in pieces:
        sub = nx.Graph()  # a fresh graph, not a view: a view iterates a set, in no fixed order
        sub.add_nodes_from(piece)
        sub.add_edges_from(sorted(tuple(sorted(e)) for e in g.subgraph(piece).edges))
        if len(piece) == 1:
            shapes.append(({piece[0]: (0.0, 0.0)}, 0.0))
            continue
        pos = nx.spring_layout(sub, seed=seed, iterations=300, k=1.0 / math.sqrt(len(piece)))
        lengths = sorted(math.dist(pos[a], pos[b]) for a, b in sub.edges)
        unit = 1.0 / max(lengths[len(lengths) // 2], 1e-6)
        places = _upright({n: (float(x) * unit, float(y) * unit) for n, (x, y) in pos.items()})
        shapes.append((places, piece_spacing([nodes[n]["label"] for n in piece])))
    grow = _fit(shapes, nodes)
    _pack([{k: (x * spacing * grow, y * spacing * grow) for k, (x, y) in places.items()}
           for places, spacing in shapes], nodes, write=True)
    degree = Counter(n for e in edges for n in (e["source"], e["target"]))
    for key, node in nodes.items():
        node["r"] = round(min(16.0, 5.0 + 2.0 * math.sqrt(degree[key] - 1)), 1)
    _curves(edges, nodes)
    x0, y0, x1, y1 = _place_labels(nodes, edges, degree)
    # a small drawing is shown at its size (text at its size), centred in a canvas-sized box
    pad_x = max(12.0, (CANVAS[0] - (x1 - x0)) / 2)
    pad_y = max(12.0, (CANVAS[1] - (y1 - y0)) / 2)
    return Picture(sorted(nodes.values(), key=lambda n: n["id"]), edges,
                   round(x0 - pad_x, 1), round(y0 - pad_y, 1), round(x1 - x0 + 2 * pad_x, 1),
                   round(y1 - y0 + 2 * pad_y, 1))


def label_width(text: str, edge: bool = False) -> float:
    """The width of a label as drawn, in pixels (an estimate that errs wide)."""
    return (_EDGE_CHAR if edge else _CHAR) * len(_short(text))


def piece_spacing(labels: Sequence[str]) -> float:
    """The median edge of a piece, in pixels: `_SPACING`, or more where its labels are long,
    so that neighbours' labels have room (half the median label width, and a margin).

    >>> piece_spacing(["Bob", "Al"]), piece_spacing(["University of Buenos Aires"] * 3) > 150
    (100.0, True)
    """
    widths = sorted(label_width(x) for x in labels)
    return max(_SPACING, widths[len(widths) // 2] / 2 + 40.0)


def _fit(shapes: list[tuple[dict[str, tuple[float, float]], float]],
         nodes: dict[str, dict[str, Any]]) -> float:
    """The factor on every piece's spacing that makes the packed drawing about `CANVAS` in
    size (within `_GROW`): a lone star fills the window, many pieces come closer together.
    Labels keep their size, so the drawing's size is not proportional to the factor: a few
    rounds of correction."""
    grow = 1.0
    for _ in range(8):
        width, height = _pack([{k: (x * spacing * grow, y * spacing * grow)
                                for k, (x, y) in places.items()}
                               for places, spacing in shapes], nodes, write=False)
        ratio = min(CANVAS[0] / max(width, 1.0), CANVAS[1] / max(height, 1.0))
        if abs(ratio - 1.0) < 0.03:
            break
        new = min(max(grow * ratio, _GROW[0]), _GROW[1])
        if new == grow:
            break
        grow = new
    return grow


def _upright(places: dict[str, tuple[float, float]]) -> dict[str, tuple[float, float]]:
    """The piece turned so that its long axis is vertical: labels sit to the right of their
    nodes, so a tall piece keeps them apart where a wide one would run them together."""
    import numpy as np

    keys = list(places)
    xy = np.array([places[k] for k in keys])  # (N, 2)
    xy -= xy.mean(axis=0)
    _, vectors = np.linalg.eigh(np.cov(xy.T))  # eigenvalues ascending: the last is the long axis
    long, short = vectors[:, 1], vectors[:, 0]
    if long[1] < 0:  # a fixed sign: the same picture every time
        long = -long
    if short[0] < 0:
        short = -short
    turned = np.stack([xy @ short, xy @ long], axis=1)
    return {k: (float(x), float(y)) for k, (x, y) in zip(keys, turned, strict=True)}


def _pack(boxes: list[dict[str, tuple[float, float]]], nodes: dict[str, dict[str, Any]],
          margin: float = 24.0, *, write: bool) -> tuple[float, float]:
    """Lay the pieces out in rows (largest first), the rows as wide as fills the canvas's
    shape best, and (`write`) write each node's x, y. A piece's box holds its nodes and their
    labels (to the right of each node, as they are placed first). Returns the width and
    height of it all."""
    sizes = []
    for places in boxes:
        x0 = min(px for px, _ in places.values()) - 16
        x1 = max(px + 20 + label_width(nodes[k]["label"]) for k, (px, _) in places.items())
        y0 = min(py for _, py in places.values()) - 20
        y1 = max(py for _, py in places.values()) + 20
        sizes.append((x0, y0, x1 - x0 + 2 * margin, y1 - y0 + 2 * margin))
    widest = max((w for _, _, w, _ in sizes), default=0.0)
    area = sum(w * h for _, _, w, h in sizes)
    aspect = CANVAS[0] / CANVAS[1]

    def rows(row_width: float) -> tuple[list[tuple[float, float]], float, float]:
        corners, x, y, row_height, width = [], 0.0, 0.0, 0.0, 0.0
        for _, _, w, h in sizes:
            if x > 0 and x + w > row_width:
                x, y, row_height = 0.0, y + row_height, 0.0
            corners.append((x, y))
            x += w
            width = max(width, x)
            row_height = max(row_height, h)
        return corners, width, y + row_height

    tries = [rows(max(widest, math.sqrt(area * aspect) * f))
             for f in (0.7, 0.85, 1.0, 1.2, 1.4, 1.7, 2.0)]
    corners, width, height = max(tries, key=lambda t: min(CANVAS[0] / max(t[1], 1.0),
                                                          CANVAS[1] / max(t[2], 1.0)))
    if write:
        for places, (x0, y0, _, _), (x, y) in zip(boxes, sizes, corners, strict=True):
            for key, (px, py) in places.items():
                nodes[key]["x"] = round(x + margin + px - x0, 1)
                nodes[key]["y"] = round(y + margin + py - y0, 1)
    return width, height


def _curves(edges: list[dict[str, Any]], nodes: dict[str, dict[str, Any]]) -> None:
    """Each edge's SVG path (bent apart when several join the same two nodes; ending at the
    target's rim, for the arrowhead) and its curve (start, control point, end), along which
    its label goes."""
    between: dict[tuple[str, str], list[dict[str, Any]]] = defaultdict(list)
    for e in edges:
        between[tuple(sorted((e["source"], e["target"])))].append(e)  # type: ignore[index]
    for (a, _), group in between.items():
        for i, e in enumerate(group):
            s, t = nodes[e["source"]], nodes[e["target"]]
            if s is t:  # a self-loop: a small circle above the node
                x, y, r = s["x"], s["y"], s["r"]
                e["path"] = (f"M{x - r / 2:.1f},{y - r:.1f} C{x - 40:.1f},{y - 70:.1f} "
                             f"{x + 40:.1f},{y - 70:.1f} {x + r / 2:.1f},{y - r:.1f}")
                e["curve"] = ((x, y - 60),) * 3
                continue
            bend = (i - (len(group) - 1) / 2) * 36.0
            if e["source"] != a:
                bend = -bend  # the same side whichever way the edge points
            dx, dy = t["x"] - s["x"], t["y"] - s["y"]
            length = math.hypot(dx, dy) or 1.0
            nx_, ny_ = -dy / length, dx / length
            cx, cy = (s["x"] + t["x"]) / 2 + nx_ * bend, (s["y"] + t["y"]) / 2 + ny_ * bend
            # stop at the target's rim, in the direction the curve arrives from
            ax, ay = t["x"] - cx, t["y"] - cy
            arrive = math.hypot(ax, ay) or 1.0
            ex, ey = t["x"] - ax / arrive * (t["r"] + 2), t["y"] - ay / arrive * (t["r"] + 2)
            e["path"] = f"M{s['x']:.1f},{s['y']:.1f} Q{cx:.1f},{cy:.1f} {ex:.1f},{ey:.1f}"
            e["curve"] = ((s["x"], s["y"]), (cx, cy), (t["x"], t["y"]))


def _place_labels(nodes: dict[str, dict[str, Any]], edges: list[dict[str, Any]],
                  degree: Counter[str]) -> tuple[float, float, float, float]:
    """Place each label where it overlaps no circle and no label placed before it (right of
    its node, else left, above or below; an edge's at the middle of its curve), or mark it
    hidden until hover. The best-connected entities go first, then the best facts. Returns
    the box (x0, y0, x1, y1) around every circle and shown label."""
    placed = [(n["x"] - n["r"], n["y"] - n["r"], n["x"] + n["r"], n["y"] + n["r"])
              for n in nodes.values()]

    def free(box: tuple[float, float, float, float], gap: float = 2.0) -> bool:
        x0, y0, x1, y1 = box
        return all(x1 + gap < a or x0 - gap > c or y1 + gap < b or y0 - gap > d
                   for a, b, c, d in placed)

    for node in sorted(nodes.values(), key=lambda n: (-degree[n["id"]], n["id"])):
        width, r = label_width(node["label"]), node["r"]
        x, y = node["x"], node["y"]
        h = _LINE
        # (text-anchor, dx, dy) relative to the node (dy: the baseline); boxes in page
        # coordinates, a few pixels clear of the circle
        spots = [("start", r + 4, 5, (x + r + 3, y - h / 2, x + r + 6 + width, y + h / 2)),
                 ("end", -r - 4, 5, (x - r - 6 - width, y - h / 2, x - r - 3, y + h / 2)),
                 ("middle", 0, -r - 6, (x - width / 2, y - r - 3 - h, x + width / 2, y - r - 3)),
                 ("middle", 0, r + h, (x - width / 2, y + r + 3, x + width / 2, y + r + 3 + h))]
        for side, sign in (("start", 1), ("end", -1)):  # then corners: above or below a side
            for dy in (-r - 4, r + h):
                left = x + 2 if sign > 0 else x - 2 - width
                top = y + dy - h + 4
                spots.append((side, sign * 2, dy, (left, top, left + width, top + h)))
        node["shown"] = False
        node["anchor"], node["dx"], node["dy"] = spots[0][:3]
        for anchor, dx, dy, box in spots:
            if free(box):
                node["anchor"], node["dx"], node["dy"], node["shown"] = anchor, dx, dy, True
                placed.append(box)
                break
    for e in sorted(edges, key=lambda e: (-e["score"], e["id"])):
        width = label_width(e["label"], edge=True)
        (sx, sy), (cx, cy), (tx, ty) = e.pop("curve")
        # along the curve, nearer the end with fewer facts (a hub's middle is crowded)
        toward_target = degree[e["target"]] <= degree[e["source"]]
        along = [((1 - t) ** 2 * sx + 2 * t * (1 - t) * cx + t * t * tx,
                  (1 - t) ** 2 * sy + 2 * t * (1 - t) * cy + t * t * ty)
                 for t in ((0.6, 0.5, 0.72, 0.4) if toward_target else (0.4, 0.5, 0.28, 0.6))]
        e["lx"], e["ly"], e["shown"] = round(along[0][0], 1), round(along[0][1], 1), False
        for lx, ly in along:
            label = (lx - width / 2 - 2, ly - EDGE_FONT, lx + width / 2 + 2, ly + 4)
            if free(label):
                e["lx"], e["ly"], e["shown"] = round(lx, 1), round(ly, 1), True
                placed.append(label)
                break
    return (min((b[0] for b in placed), default=0.0), min((b[1] for b in placed), default=0.0),
            max((b[2] for b in placed), default=0.0), max((b[3] for b in placed), default=0.0))


def _short(text: str, limit: int = 28) -> str:
    """A label cut to `limit` characters for the picture (the whole text is on hover)."""
    return text if len(text) <= limit else text[:limit - 1].rstrip() + "…"


def render_html(graph: LoadedGraph, max_facts: int = 60, entity: str | None = None,
                hops: int = 1) -> str:
    """The page of `mamakg view`: `picture`, drawn by `mamakg.inspect.page.render_page`."""
    return render_page(picture(graph, max_facts, entity, hops), graph.source,
                       len(graph.facts))


def picture(graph: LoadedGraph, max_facts: int = 60, entity: str | None = None,
            hops: int = 1) -> Picture:
    """What `mamakg view` draws: `choose_facts`, then `layout`."""
    facts, note = choose_facts(graph, max_facts, entity, hops)
    drawn = layout(facts, graph.base)
    drawn.note = note
    for node in drawn.nodes:
        node["text"] = _short(node["label"])
    for e in drawn.edges:
        e["text"] = _short(e["label"])
    return drawn
