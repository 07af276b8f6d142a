"""Map-stage rules that have no switch of their own, each measured switched off: the value kinds
read from property descriptions (`mamakg.mapping.properties.value_kinds`: a property whose value
is a person takes no organization, and the reverse), the role readings
(`mamakg.mapping.semantic`: "was a professor at", "a British [Labour Party] politician" read as
employment, membership, party or team by the organization's meaning), the agent's "by"
(`mamakg.mapping.semantic.EmbeddingMapper`: a phrase ending in "by" matches no name ending in
another preposition, nor the reverse; a passive phrase without "by", or one ending in another
preposition, states no property whose value is an agent), the groups that are no subject
(`mamakg.mapping.facts._head_side`: a nationality, religion or party heads no schema fact), a
verb's place or time preposition (`mamakg.mapping.semantic._verb_before`: "died at" is no "died
of"), causes (`mamakg.english.CAUSE_NOUNS`: a cause is no person, group or place: "died
Stuttgart" states no *cause of death*), administrative locations
(`mamakg.mapping.facts._administrative`: a thing located in a city lies in that administrative
entity, P131, as the description of *location* says), languages
(`mamakg.english.LANGUAGE_NOUNS`: a language is the value of a language property only), the
properties of works (`mamakg.mapping.mapper.WORK_PROPERTIES`: no person is the subject of
*director*, *publication date* or *narrative location*), an organization's leaders
(`mamakg.mapping.mapper.LEADERS`: "was chairman of the board of the Monterrey Institute" gives
the institute's *board member*, read from tail to head) and the works a document names as such
(`mamakg.mapping.resolve.agreed_kinds`: "Ocean Waves is a 1993 anime film" is a work, whatever
the entity recognizer made of its name) and the organizations that are no place
(`mamakg.mapping.facts._organization_for_a_place`: "released on Decca Records" states no *place
of publication*, "based in Hagen" a headquarters whatever the recognizer called Hagen), and a
child's noun before "of" (`mamakg.mapping.mapper.names_a_child`: "was a son of" mapped to
*father* or *mother* is the parent's *child*, read from tail to head), and a native of a
place (`mamakg.mapping.semantic.names_a_native`: "Ed is a native of Kansas City" states his
*place of birth*).

    python benchmarks/map_rules.py --quality-out Q --relmap-out R [--doc docs/map-rules.md]

Q is the ``--out`` folder of a finished ``benchmarks/quality.py`` run (its
``knowledgenet_work`` folder and ``inputs/``), R that of ``benchmarks/relation_mapping.py``
(``trex_work``, ``fewrel_work`` and the sentence corpora). The rules act in the corpus-level
half of the build, so each row rebuilds a copy of the default build's work folder with the
rule off (no sentence is read again) and scores it as those scripts score the default: the
KnowledgeNet label and span-overlap modes, and the Map accuracy / other P-id / abstains of
relation_mapping.py. To switch a rule off, this script runs the build in a process of its own
with the rule replaced (``--off RULE -- BUILD ARGS``); that is the only place it is done.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "data"
GOLD = DATA / "knowledgenet-dev" / "knowledgenet_folds123.jsonl"


def _no_value_kinds() -> None:
    from mamakg.mapping import semantic

    semantic._KIND_FITS = {}


def _no_role_readings() -> None:
    from mamakg.mapping import semantic

    semantic._is_role = lambda *args: False  # type: ignore[assignment]
    semantic._is_role_noun = lambda *args: False  # type: ignore[assignment]


def _no_agent_by() -> None:
    from mamakg.mapping import semantic

    semantic.final_preposition = lambda phrase: ""  # type: ignore[assignment]
    semantic.is_passive = lambda surface, key: False  # type: ignore[assignment]


def _no_group_subjects() -> None:
    from mamakg.mapping import facts
    from mamakg.mapping.arguments import is_named
    from mamakg.mapping.semantic import kind_of

    facts._head_side = lambda head: (kind_of(head.kind, head.label), is_named(head))


def _no_where_prepositions() -> None:
    from mamakg.mapping import semantic

    semantic._verb_before = lambda phrase, prepositions: ""  # type: ignore[assignment]


def _no_administrative() -> None:
    from mamakg.mapping import facts

    facts._administrative = lambda rel, head, tail: rel  # type: ignore[assignment]


def _no_languages() -> None:
    from mamakg.mapping import properties, semantic

    properties.LANGUAGE_NOUNS = frozenset()  # type: ignore[misc]
    init = semantic.EmbeddingMapper.__init__

    def any_tail(self: semantic.EmbeddingMapper, *args: object, **kwargs: object) -> None:
        init(self, *args, **kwargs)  # type: ignore[arg-type]
        self._language_valued[:] = True

    semantic.EmbeddingMapper.__init__ = any_tail  # type: ignore[method-assign]


def _no_causes() -> None:
    from mamakg.mapping import properties

    properties.CAUSE_NOUNS = frozenset()  # type: ignore[misc]


def _no_work_subjects() -> None:
    from mamakg.mapping import mapper

    mapper.WORK_PROPERTIES = frozenset()  # type: ignore[misc]


def _no_leaders() -> None:
    from mamakg.mapping import mapper

    mapper.LEADERS = frozenset()  # type: ignore[misc]


def _no_said_works() -> None:
    from mamakg.mapping import resolve

    resolve.WORK_NOUNS = frozenset()  # type: ignore[misc]


def _no_organization_places() -> None:
    from mamakg.mapping import facts

    facts._organization_for_a_place = lambda *args: False  # type: ignore[assignment]


def _no_child_nouns() -> None:
    from mamakg.mapping import mapper

    mapper.names_a_child = lambda phrase: False  # type: ignore[assignment]


def _no_natives() -> None:
    from mamakg.mapping import semantic

    semantic.names_a_native = lambda key: False  # type: ignore[assignment]


RULES = {"value-kinds": _no_value_kinds, "role-readings": _no_role_readings,
         "agent-by": _no_agent_by, "group-subjects": _no_group_subjects,
         "where-prepositions": _no_where_prepositions, "causes": _no_causes,
         "administrative-locations": _no_administrative, "languages": _no_languages,
         "work-subjects": _no_work_subjects, "leaders": _no_leaders,
         "said-works": _no_said_works,
         "organization-places": _no_organization_places, "child-nouns": _no_child_nouns,
         "natives": _no_natives}
"""Rule name -> what switches it off in the build's process."""


def _build(rule: str, args: list[str]) -> None:
    env = dict(os.environ, HF_HUB_OFFLINE="1", TRANSFORMERS_OFFLINE="1")
    cmd = [sys.executable, __file__, "--off", rule, "--", "-q", "build", *args]
    print("$ " + " ".join(cmd[1:]), file=sys.stderr, flush=True)
    subprocess.run(cmd, check=True, cwd=ROOT, env=env)


def _properties(path: Path) -> dict[tuple[str, str, str], str | None]:
    """Each fact of a ``--format jsonl`` output (by its keys) -> its P-id (None: open)."""
    out = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        fact = json.loads(line)
        keys = (fact["head"]["key"], fact["relation"]["key"], fact["tail"]["key"])
        out[keys] = fact["relation"].get("pid")
    return out


def changed(default: Path, other: Path) -> int:
    """How many facts have a property in one of two outputs and not the same one (or none)
    in the other: what a rule changes, whether or not a set's gold scores it."""
    a, b = _properties(default), _properties(other)
    return sum(1 for k in a.keys() | b.keys() if (a.get(k) or b.get(k)) and a.get(k) != b.get(k))


def knowledgenet(rule: str, quality_out: Path, scratch: Path) -> dict[str, object]:
    from knowledgenet_documents import to_passages

    work = scratch / f"knowledgenet_work_{rule}"
    shutil.copytree(quality_out / "knowledgenet_work", work)
    pred = scratch / f"knowledgenet_{rule}.jsonl"
    _build(rule, [str(quality_out / "inputs" / "knowledgenet_documents.jsonl"), "--format",
                  "jsonl", "-o", str(pred), "--force", "--preset", "default", "--workdir",
                  str(work)])
    rows = [json.loads(line) for line in GOLD.read_text(encoding="utf-8").splitlines() if line]
    scored = scratch / f"knowledgenet_{rule}_by_passage.jsonl"
    scored.write_text("".join(to_passages(pred.read_text(encoding="utf-8").splitlines(), rows)),
                      encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "mamakg", "eval", "knowledgenet", "--gold",
                           str(GOLD), str(scored), "--mode", "label", "--json"],
                          check=True, capture_output=True, text=True, cwd=ROOT)
    label = json.loads(done.stdout)["label"]
    return {"precision": label["precision"], "recall": label["recall"], "tp": label["tp"],
            "fp": label["fp"],
            "changed": changed(quality_out / "knowledgenet_default.jsonl", pred)}


def relation_sets(rule: str, relmap_out: Path, scratch: Path) -> dict[str, dict[str, object]]:
    from relation_mapping import fewrel_records, score, trex_records

    records = {"trex": trex_records(DATA / "trex-lama-sample" / "trex_lama_shared.jsonl"),
               "fewrel": fewrel_records(DATA / "fewrel-val-wiki" / "val_wiki.json")}
    out = {}
    for name, recs in records.items():
        work = scratch / f"{name}_work_{rule}"
        shutil.copytree(relmap_out / f"{name}_work", work)
        pred = scratch / f"{name}_{rule}.jsonl"
        _build(rule, [str(relmap_out / f"{name}_sentences.jsonl"), "--format", "jsonl", "-o",
                      str(pred), "--force", "--workdir", str(work)])
        out[name] = {**score(recs, pred),
                     "changed": changed(relmap_out / f"{name}_facts.jsonl", pred)}
    return out


def _pct(x: object) -> str:
    return f"{100 * float(x):.1f}"  # type: ignore[arg-type]


def main() -> None:
    if len(sys.argv) > 2 and sys.argv[1] == "--off":  # the build, with one rule off
        RULES[sys.argv[2]]()
        from mamakg.cli import main as mamakg

        sys.argv = ["mamakg", *sys.argv[4:]]
        mamakg()
        return
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quality-out", type=Path, required=True)
    parser.add_argument("--relmap-out", type=Path, required=True)
    parser.add_argument("--doc", default=str(ROOT / "docs" / "map-rules.md"))
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from relation_mapping import fewrel_records, score, trex_records

    rows: list[tuple[str, dict[str, object], dict[str, dict[str, object]]]] = []
    results = json.loads((args.quality_out / "results.json").read_text(encoding="utf-8"))
    label = next(r for r in results["rows"] if r["config"] == "default")["knowledgenet"]["label"]
    default_sets = {
        "trex": score(trex_records(DATA / "trex-lama-sample" / "trex_lama_shared.jsonl"),
                      args.relmap_out / "trex_facts.jsonl"),
        "fewrel": score(fewrel_records(DATA / "fewrel-val-wiki" / "val_wiki.json"),
                        args.relmap_out / "fewrel_facts.jsonl")}
    rows.append(("default", {k: label[k] for k in ("precision", "recall", "tp", "fp")},
                 default_sets))
    with tempfile.TemporaryDirectory(prefix="mamakg-map-rules-") as tmp:
        for rule in RULES:
            kn = knowledgenet(rule, args.quality_out, Path(tmp))
            sets = relation_sets(rule, args.relmap_out, Path(tmp))
            print(json.dumps({"off": rule, "knowledgenet": kn, **sets}), flush=True)
            rows.append((f"without {rule}", kn, sets))
    lines = [
        "# Map-stage rules without a switch, measured off",
        "",
        "Produced by `python benchmarks/map_rules.py --quality-out $Q --relmap-out $R` "
        f"({datetime.datetime.now(datetime.timezone.utc):%Y-%m-%d %H:%M} UTC; do not edit "
        "by hand), over the work folders of the runs behind docs/quality.md and "
        "docs/relation-mapping.md: each row rebuilds the default build's corpus-level half "
        "with one rule off, over the same mentions. KnowledgeNet: folds 1-3, label mode; "
        "T-REx sample and FewRel val: Map accuracy / other P-id / abstains on the linked "
        "mentions (the protocols of those two documents). The last column counts the facts "
        "of the three builds whose property is not the default's (another one, or none where "
        "the default has one, or the reverse), scored by the gold or not: what the rule "
        "decides.",
        "",
        "| config | KnowledgeNet P / R (TP / FP) | T-REx accuracy / other / abstains "
        "| FewRel accuracy / other / abstains | facts with another property: KnowledgeNet / "
        "T-REx / FewRel |",
        "|---|---|---|---|---|",
    ]
    for name, kn, sets in rows:
        cells = [f"{_pct(s['map_accuracy'])} / {_pct(s['map_other_pid'])} / "
                 f"{_pct(s['map_abstain'])} ({s['map_right']} right)"
                 for s in (sets["trex"], sets["fewrel"])]
        moved = " / ".join(str(x.get("changed", "")) for x in (kn, sets["trex"], sets["fewrel"]))
        lines.append(f"| {name} | {_pct(kn['precision'])} / {_pct(kn['recall'])} "
                     f"({kn['tp']} / {kn['fp']}) | {cells[0]} | {cells[1]} "
                     f"| {moved if name != 'default' else '-'} |")
    lines.append("")
    Path(args.doc).write_text("\n".join(lines), encoding="utf-8")
    print(f"map_rules: wrote {args.doc}", file=sys.stderr)


if __name__ == "__main__":
    main()
