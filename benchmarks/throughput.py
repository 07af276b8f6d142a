"""Throughput of mamakg in one run: LM forward only, spaCy only, and end to end.

    python benchmarks/throughput.py --sentences 5000
    python benchmarks/throughput.py --device cuda --random-init bert-large --dtype bf16
    python benchmarks/throughput.py --random-init tiny --sentences 5000 --check-graph

Prints one JSON line: sentences per second end to end (build + N-Triples written), of the
pipeline's forward only (the Attend stage alone: tokenizer, batching, forward pass, merge of
pieces into tokens, one copy to the host per batch), of the raw forward limit (the model alone
on the same batches, pre-tokenized, inputs already on the device, no host copy), of spaCy
alone on one core (numpy's BLAS on one thread; and without its named-entity recognizer, for
what the entity kinds cost), timed before the build and again after it (a machine's speed can
drift by a tenth in minutes; the end-to-end ratio to spaCy and the budget take the mean of the
two); their ratios; the seconds of each stage in the build's own process and the busy
seconds of its worker processes (summed over the workers); on CUDA the GPU's busy seconds
(CUDA events around each batch's device work) and their share of the build's wall time;
the share of the cores' time the build kept busy (``cpu_busy_share``) and the rate it would
have had with every core busy to the end (``sent_per_s_every_core_busy``: its CPU seconds,
the operating system's count, spread over the cores), and of that count the kernel's part
(``kernel_per_1k``: system seconds and minor page faults per 1,000 sentences, which the stages'
own seconds mostly leave out); and a ``budget`` (`budget`): CPU
seconds per 1,000 sentences by stage over all processes, the serial part, spaCy alone, and
the rate a 16-core host with a free model could reach; and spaCy's release with the
pipeline's name (``spacy``: releases differ in speed, docs/performance.md); whether the rule
modules ran compiled (``rule_modules``, `mamakg.native`: ``MAMAKG_PURE_PYTHON=1`` runs the
same code as its sources, for an A/B in one tree). The corpus is
made of sentences of ../shared/data/raw-text (the KnowledgeNet/DBpedia abstracts, CC BY-SA),
repeated as needed.
spaCy alone's system seconds and page faults (``spacy_kernel_per_1k``), and spaCy alone again
in one worker process as a build starts it (``sent_per_s_spacy_in_worker``,
``spacy_in_worker_kernel_per_1k``: its C heap kept for reuse, `steady_heap`), after the build.
``--spacy-once`` times spaCy before the build only (the GPU script's time-limited runs).
``--random-embedder`` gives the relation mapper's sentence-embedding model random weights of
the bundled model's shape (for a host its weights do not travel to: the GPU script); the
report says how relations were mapped (``relation_mapping``).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RAW = ROOT.parent / "shared" / "data" / "raw-text" / "knowledgenet_fold5_dbpedia_abstracts.jsonl"

RANDOM_CONFIGS = {
    "bert-base": dict(kind="bert", hidden_size=768, num_hidden_layers=12, num_attention_heads=12,
                      intermediate_size=3072),
    "bert-large": dict(kind="bert", hidden_size=1024, num_hidden_layers=24,
                       num_attention_heads=16, intermediate_size=4096),
    "gpt2": dict(kind="gpt2", n_embd=768, n_layer=12, n_head=12),
    "tiny": dict(kind="bert", hidden_size=64, num_hidden_layers=1, num_attention_heads=2,
                 intermediate_size=128),
}


def corpus_documents(n_sentences: int, nlp) -> list:
    """Documents of whole abstracts, repeated, holding about n_sentences sentences."""
    from mamakg.types import Document

    texts = [json.loads(line)["text"] for line in RAW.read_text(encoding="utf-8").splitlines()]
    per_doc = [sum(1 for _ in nlp(t).sents) for t in texts[:50]]
    avg = sum(per_doc) / len(per_doc)
    n_docs = max(1, round(n_sentences / avg))
    return [Document(f"doc{i}", texts[i % len(texts)]) for i in range(n_docs)]


def random_model(name: str, tokenizer, attention: str):
    import torch
    from transformers import AutoModel, BertConfig, GPT2Config

    spec = dict(RANDOM_CONFIGS[name])
    kind = spec.pop("kind")
    torch.manual_seed(0)
    if kind == "bert":
        cfg = BertConfig(vocab_size=tokenizer.vocab_size, **spec)
    else:
        cfg = GPT2Config(vocab_size=tokenizer.vocab_size, **spec)
    return AutoModel.from_config(cfg, attn_implementation=attention)


def random_embedder(config):
    """The relation mapper's sentence-embedding model with random weights of the bundled
    model's shape (its tokenizer and configuration), on the build's device; None with the
    Map stage's embedding mapper off."""
    import torch
    from transformers import AutoConfig, AutoModel

    from mamakg.attention import Embedder, resolve_model

    if not config.semantic_map:
        return None
    source, _, _ = resolve_model(None)
    torch.manual_seed(0)
    return Embedder(model=AutoModel.from_config(AutoConfig.from_pretrained(source)),
                    device=config.device)


def raw_forward(lm, texts: list[str], window: int, sync) -> float:
    """Seconds of the model alone on the texts: the pipeline's windows and batches, inputs
    tokenized, padded and on the device beforehand, the read layer's weights computed, no
    merge into tokens and no copy to the host."""
    import torch

    batches = []
    for begin in range(0, len(texts), window):
        chunk = texts[begin : begin + window]
        enc = lm.encode(chunk)
        lengths = [len(ids) for ids in enc["input_ids"]]
        order = sorted(range(len(chunk)), key=lambda i: (lengths[i], i))
        size = lm.config.batch_size
        for b in range(0, len(order), size):
            batches.append(lm.to_device(lm.batch_inputs(enc, order[b : b + size])))
    sync()
    started = time.perf_counter()
    with torch.inference_mode():
        for inputs in batches:
            lm.layer_attention(inputs)
    sync()
    return time.perf_counter() - started


def _children_cpu_seconds() -> float:
    """User + system CPU seconds of this process's finished worker processes."""
    workers = resource.getrusage(resource.RUSAGE_CHILDREN)
    return workers.ru_utime + workers.ru_stime


def _os_count() -> tuple[float, float, int, float, int]:
    """The operating system's count for this process and its finished worker processes: CPU
    seconds (user + system), of them the system (kernel) seconds, and minor page faults;
    then this process's own system seconds and minor page faults. The kernel's part is what
    the stages' own seconds mostly leave out (a page touched for the first time, an
    allocation's fresh mapping, a pipe's copies)."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    workers = resource.getrusage(resource.RUSAGE_CHILDREN)
    system = own.ru_stime + workers.ru_stime
    return (own.ru_utime + workers.ru_utime + system, system,
            own.ru_minflt + workers.ru_minflt, own.ru_stime, own.ru_minflt)


MODEL_STAGES = ("device", "embed")
"""Timings that are model work, not the pipeline's CPU work: the language model's (the GPU's
busy seconds; on a CPU, the seconds of its forward passes and merge into tokens, inside
attend) and the forward passes of the phrase-embedding model (on the model's device: a GPU
where the build has one). A model that costs nothing costs nothing in them."""
SERIAL_STAGES = ("attend", "resolve_edges", "store", "prepare", "collect", "write")
"""Stages that stay in the build's own process whatever the number of cores (the model is
fed from it; documents cut by window edges are resolved there; the relation mappers are
readied there as windows come; the corpus-level half and the writer's merge of its worker
processes' parts run there)."""


def budget(timings: dict[str, float], n: int, spacy_s: float, raw_s: float,
           cpu_s: float, cores: int = 16, on_cpu: bool = False) -> dict[str, object]:
    """Where every second goes, per 1,000 sentences, and what it means for a host with
    `cores` cores and a model that costs nothing (a GPU far faster than the rest):

    - ``stage_seconds_per_1k``: each stage, summed over all processes (the build's own
      stages; the worker processes' busy seconds under ``parse_workers`` / ``match_workers``
      / ``collect_workers`` / ``write_workers``; ``write`` is the build process's CPU
      seconds while writing, not the wall time; while workers run, the build's own
      ``parse`` seconds count only where it parsed itself (``parse_here``: the first window,
      and the tasks it takes on while the next result is not ready), its ``match`` seconds
      only where it matched itself (``match_here``: the windows no worker took, and those
      it matches while the next result is not ready; the rest is waiting), and
      so are the seconds its ``collect`` waits idle for the workers that compare the
      relation phrases and group facts, ``collect_waiting`` (its CPU seconds meanwhile,
      receiving their results, count as ``collect``);
    - ``all_cpu_per_1k``: the sum of that work, outside the models' forward passes (taken
      out of ``attend``: on a GPU the raw forward seconds; with `on_cpu`, ``device``, the
      seconds the build's own forward passes and merges into tokens took on its torch
      threads, work a GPU host does on the device; the phrase-embedding model's forward
      passes, stage ``embed``, timed apart from ``collect``, are not counted either:
      ``model_seconds_per_1k`` shows both); ``cpu_rusage_per_1k`` is the operating
      system's count of CPU seconds of all processes over the build (forward pass included,
      on every torch thread), as a cross-check;
    - ``serial_per_1k``: the build's own work outside the forward pass (attend less the
      model's work, resolve_edges, store, prepare, collect, write): the part that one
      process does whatever the cores;
    - ``spacy_per_1k``: spaCy alone, the components the build loads, one process on one core
      (numpy's BLAS on one thread, the garbage collector as in a build; `spacy_s`: the
      benchmark passes the mean of its runs before and after the build);
    - ``projected_sent_per_s``: min(cores / all-CPU seconds per sentence, 1 / serial seconds
      per sentence), for `cores` cores."""
    workers = timings.get("parse_workers", 0.0) > 0 or timings.get("match_workers", 0.0) > 0
    stages = {k: v for k, v in timings.items() if k not in MODEL_STAGES}
    if timings.get("parse_workers", 0.0) > 0:  # parsing here is work, the rest waiting
        stages["parse"] = stages.get("parse_here", 0.0)
    stages.pop("parse_here", None)
    if timings.get("match_workers", 0.0) > 0:  # matching here is work, the rest waiting
        stages["match"] = stages.get("match_here", 0.0)
    stages.pop("match_here", None)
    model_s = timings.get("device", 0.0) if on_cpu else raw_s
    attend_cpu = max(timings.get("attend", 0.0) - model_s, 0.0)
    stages["attend"] = attend_cpu
    # the corpus-level half grouped in worker processes: this process's collect less waiting
    stages["collect"] = stages.get("collect", 0.0) - stages.pop("collect_waiting", 0.0)
    all_cpu = sum(stages.values())
    serial = sum(stages.get(k, 0.0) for k in SERIAL_STAGES)
    per_k = 1000.0 / max(n, 1)
    all_per_s, serial_per_s = all_cpu / max(n, 1), serial / max(n, 1)
    projected = min(cores / all_per_s if all_per_s else float("inf"),
                    1 / serial_per_s if serial_per_s else float("inf"))
    return {
        "stage_seconds_per_1k": {k: round(v * per_k, 2) for k, v in sorted(stages.items())},
        "model_seconds_per_1k": {"forward_raw": round(raw_s * per_k, 2),
                                 "forward_in_build": round(model_s * per_k, 2),
                                 "embed": round(timings.get("embed", 0.0) * per_k, 2)},
        "worker_processes_used": workers,
        "all_cpu_per_1k": round(all_cpu * per_k, 2),
        "cpu_rusage_per_1k": round(cpu_s * per_k, 2),
        "serial_per_1k": round(serial * per_k, 2),
        "spacy_per_1k": round(spacy_s * per_k, 2),
        "all_cpu_to_spacy": round(all_cpu / spacy_s, 3) if spacy_s else None,
        "serial_to_spacy": round(serial / spacy_s, 3) if spacy_s else None,
        "projected_cores": cores,
        "projected_sent_per_s": round(projected, 1),
    }


def spacy_alone(docs: list, nlp, max_tokens: int, keep: bool = False) -> tuple[float, list]:
    """Seconds of spaCy alone over the documents in this process, on one core (numpy's BLAS
    on one thread, the garbage collector as in a build's workers:
    scale.processes.long_lived_heap), and with `keep` the sentences (else none are held, so
    a timing after the build adds nothing to the peak memory reported)."""
    from mamakg.parse import one_blas_thread, parse_documents
    from mamakg.scale.processes import long_lived_heap

    sentences: list = []
    with one_blas_thread(), long_lived_heap():
        t0 = time.perf_counter()
        for sentence in parse_documents(docs, nlp, max_tokens=max_tokens):
            if keep:
                sentences.append(sentence)
        return time.perf_counter() - t0, sentences


_SPACY_JOB: list = []
"""What `spacy_in_worker`'s worker parses (documents, pipeline, token limit): set before the
worker is forked, which inherits it."""


def _spacy_job(_: int) -> tuple[float, float, int]:
    docs, nlp, max_tokens = _SPACY_JOB
    before = resource.getrusage(resource.RUSAGE_SELF)
    seconds, _ = spacy_alone(docs, nlp, max_tokens)
    after = resource.getrusage(resource.RUSAGE_SELF)
    return seconds, after.ru_stime - before.ru_stime, after.ru_minflt - before.ru_minflt


def spacy_in_worker(docs: list, nlp, max_tokens: int) -> tuple[float, float, int]:
    """`spacy_alone` in one of a build's worker processes (forked; its C heap as
    `mamakg.scale.processes.steady_heap` sets it when it starts): seconds, of the worker's
    CPU the system (kernel) seconds, and minor page faults."""
    from mamakg.scale.processes import Workers

    _SPACY_JOB[:] = [docs, nlp, max_tokens]
    try:
        with Workers(1) as pool:
            return pool.submit(_spacy_job, 0).result()
    finally:
        _SPACY_JOB.clear()


def _rule_modules() -> str:
    """`mamakg.native.state`, or what a tree from before it runs (`benchmarks/ab.py`)."""
    try:
        from mamakg import native
    except ImportError:
        return "pure Python (a tree without mamakg.native)"
    return native.state()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--device", default="cpu", choices=["cpu", "cuda"])
    parser.add_argument("--sentences", type=int, default=2000)
    parser.add_argument("--model", default=None, help="model id or folder (default: bundled)")
    parser.add_argument("--dtype", default="fp32", choices=["fp32", "bf16", "fp16"])
    parser.add_argument("--batch-size", type=int, default=None)
    parser.add_argument("--preset", default="default", choices=["default", "paper"],
                        help="settings preset, as `mamakg build --preset` [default]")
    parser.add_argument("--overlap", choices=["auto", "on", "off"], default="auto",
                        help="with spaCy in the build's own process: parse in a background "
                             "thread while the model runs (auto: only on an accelerator)")
    parser.add_argument("--attention", choices=["sdpa", "eager"], default="sdpa",
                        help="sdpa: what the pipeline does (only the read layer computes its "
                             "weights); eager: eager attention in every layer [sdpa]")
    parser.add_argument("--threads", type=int, default=None,
                        help="torch CPU threads (default: torch's choice)")
    parser.add_argument("--parse-processes", type=int, default=None,
                        help="spaCy worker processes, as `mamakg build --parse-processes` "
                             "[the build's default for this machine]")
    parser.add_argument("--match-processes", type=int, default=None,
                        help="Match worker processes, as `mamakg build --match-processes` "
                             "[the build's default for this machine]")
    parser.add_argument("--spacy-once", action="store_true",
                        help="time spaCy alone before the build only, not again after it "
                             "(a GPU host's time-limited run)")
    parser.add_argument("--random-embedder", action="store_true",
                        help="random weights of the bundled sentence-embedding model's shape "
                             "for the relation mapper (speed only: its mappings are noise)")
    parser.add_argument("--check-graph", action="store_true",
                        help="also build with no worker processes and report whether the "
                             "N-Triples bytes are the same")
    parser.add_argument("--no-map", action="store_true",
                        help="the build as before the Map stage of issue 13: its six switches "
                             "off and spaCy without its named-entity recognizer (compare with "
                             "a default run for what the Map stage costs)")
    parser.add_argument("--random-init", choices=sorted(RANDOM_CONFIGS), default=None,
                        help="random weights of this shape (tokenizer: the bundled model's)")
    args = parser.parse_args()
    os.environ.setdefault("HF_HUB_OFFLINE", "1")

    import spacy
    import torch
    from transformers import AutoTokenizer

    from mamakg.attention import AttentionModel, resolve_model
    from mamakg.config import Config, OutputFormat, available_cores
    from mamakg.mapping.facts import load_embedder, make_mappers
    from mamakg.parse import load_nlp, pipeline_name
    from mamakg.pipeline import WINDOW, attend_windows, build

    batch = args.batch_size or (256 if args.device == "cuda" else 32)
    config = Config.preset(args.preset, model=args.model, device=args.device, dtype=args.dtype,
                           batch_size=batch, parse_processes=args.parse_processes,
                           match_processes=args.match_processes)
    nlp = load_nlp(None)
    if args.no_map:
        config = config.replace(semantic_map=False, resolve_pronouns=False,
                                entity_readings=False, clause_readings=False,
                                literal_values=False, graded_confidence=False)
        if "ner" in nlp.pipe_names:
            nlp.remove_pipe("ner")
    docs = corpus_documents(args.sentences, nlp)
    if args.threads:
        torch.set_num_threads(args.threads)
    model = tokenizer = None
    if args.random_init:
        source, _, _ = resolve_model(None)
        tokenizer = AutoTokenizer.from_pretrained(source)
        model = random_model(args.random_init, tokenizer, args.attention)
    elif args.attention == "eager":
        from transformers import AutoModel

        source, _, _ = resolve_model(args.model)
        model = AutoModel.from_pretrained(source, attn_implementation="eager")
    lm = AttentionModel(config, model=model, tokenizer=tokenizer)
    name = f"random-init {args.random_init}" if args.random_init else lm.info.name
    mappers = make_mappers(config, random_embedder(config) if args.random_embedder
                           else load_embedder(config))
    mapping = ("label and alias only" if mappers.embedder is None
               else f"embeddings ({'random-init ' if args.random_embedder else ''}"
                    f"{mappers.embedder.name})")

    # spaCy only; timed again after the build, since a machine's speed can drift by a tenth
    # or more in minutes
    own0 = resource.getrusage(resource.RUSAGE_SELF)
    spacy_s, sentences = spacy_alone(docs, nlp, config.max_tokens, keep=True)
    own1 = resource.getrusage(resource.RUSAGE_SELF)
    spacy_kernel = (own1.ru_stime - own0.ru_stime, own1.ru_minflt - own0.ru_minflt)
    n = len(sentences)
    # what the named-entity recognizer costs of that (the Map stage's source of entity kinds)
    spacy_no_ner_s = None
    if "ner" in nlp.pipe_names:
        with nlp.select_pipes(disable=["ner"]):
            spacy_no_ner_s, _ = spacy_alone(docs, nlp, config.max_tokens)

    def sync() -> None:
        if args.device == "cuda":
            torch.cuda.synchronize()

    # the raw forward limit: the model alone, inputs on the device beforehand
    texts = [s.text for s in sentences]
    window = WINDOW * batch
    lm.attend_window(sentences[:batch])  # warm-up
    raw_s = raw_forward(lm, texts, window, sync)

    # the pipeline's forward only: the Attend stage (tokenizer, batching, forward, merge into
    # tokens, copy to the host) on parsed sentences, without Match
    sync()
    t0 = time.perf_counter()
    for _ in attend_windows(sentences, lm, config):
        pass
    sync()
    forward_s = time.perf_counter() - t0

    # end to end, N-Triples written
    overlap = {"auto": None, "on": True, "off": False}[args.overlap]
    with tempfile.TemporaryDirectory() as tmp:
        t0 = time.perf_counter()
        count0 = _os_count()
        result = build(docs, config, nlp=nlp, lm=lm, mappers=mappers, overlap=overlap)
        t1 = time.perf_counter()
        own1, children1 = time.process_time(), _children_cpu_seconds()
        result.write(os.path.join(tmp, "g.nt"), OutputFormat.NT)
        e2e_s = time.perf_counter() - t0
        cpu_s, system_s, faults, own_system_s, own_faults = (
            after - before for after, before in zip(_os_count(), count0))
        timings = dict(result.summary.timings)
        # writing: this process's CPU seconds (the serial part), its writer processes' apart
        timings["write"] = time.process_time() - own1
        timings["write_workers"] = _children_cpu_seconds() - children1
        write_wall = time.perf_counter() - t1
        spacy_after_s = (spacy_s if args.spacy_once
                         else spacy_alone(docs, nlp, config.max_tokens)[0])
        same = None
        if args.check_graph:
            one = build(docs, config.replace(parse_processes=0, match_processes=0), nlp=nlp,
                        lm=lm, mappers=mappers)
            from mamakg.rdf.writers import render

            same = render(result.facts, one.run, OutputFormat.NT, config.base_iri) == render(
                one.facts, one.run, OutputFormat.NT, config.base_iri)

    spacy_mean_s = (spacy_s + spacy_after_s) / 2  # spaCy's pace around the build
    worker_s, worker_system_s, worker_faults = (
        spacy_in_worker(docs, nlp, config.max_tokens) if not args.spacy_once else (0.0, 0.0, 0))
    cores = available_cores()
    main_stages = ("parse", "parse_here", "attend", "match", "match_here", "resolve",
                   "resolve_edges", "store", "prepare", "collect", "collect_waiting", "embed",
                   "write")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    report = {
        "sentences": n,
        "sent_per_s_e2e": round(n / e2e_s, 1),
        "sent_per_s_forward": round(n / forward_s, 1),
        "sent_per_s_raw_forward": round(n / raw_s, 1),
        "ratio_e2e_to_forward": round(forward_s / e2e_s, 3),
        "ratio_e2e_to_raw_forward": round(raw_s / e2e_s, 3),
        "ratio_forward_to_raw_forward": round(raw_s / forward_s, 3),
        "sent_per_s_spacy": round(n / spacy_s, 1),
        "sent_per_s_spacy_after_build": round(n / spacy_after_s, 1),
        "ratio_e2e_to_spacy": round(spacy_mean_s / e2e_s, 3),
        "sent_per_s_spacy_without_ner": round(n / spacy_no_ner_s, 1) if spacy_no_ner_s
        else None,
        # spaCy alone's kernel part (this process: glibc's heap as it comes), and spaCy alone
        # in a worker process as a build starts one (its heap kept for reuse: `steady_heap`)
        "spacy_kernel_per_1k": {"system_seconds": round(spacy_kernel[0] * 1000 / n, 2),
                                "minor_page_faults": round(spacy_kernel[1] * 1000 / n)},
        "sent_per_s_spacy_in_worker": round(n / worker_s, 1) if worker_s else None,
        "spacy_in_worker_kernel_per_1k": {
            "system_seconds": round(worker_system_s * 1000 / n, 2),
            "minor_page_faults": round(worker_faults * 1000 / n)} if worker_s else None,
        "peak_rss_mb": round(peak, 1),
        "device": str(lm.device) + (f" ({torch.cuda.get_device_name()})"
                                    if args.device == "cuda" else ""),
        "model": name,
        "spacy": f"{spacy.__version__} ({pipeline_name(nlp)})",
        "dtype": args.dtype,
        "batch_size": batch,
        "preset": args.preset + (" --no-map" if args.no_map else ""),
        "relation_mapping": mapping,
        "overlap": args.overlap,
        "attention": args.attention if lm._capture is not None or args.attention == "eager"
        else "eager (no SDPA for this model)",
        "rule_modules": _rule_modules(),
        "facts": result.summary.n_facts,
        "seconds_e2e": round(e2e_s, 2),
        "main_process_seconds": {k: round(timings.get(k, 0.0), 2) for k in main_stages},
        "worker_busy_seconds": {
            "parse": round(timings.get("parse_workers", 0.0), 2),
            "match": round(timings.get("match_workers", 0.0), 2),
            "collect": round(timings.get("collect_workers", 0.0), 2),
            "write": round(timings.get("write_workers", 0.0), 2)},
        "write_wall_seconds": round(write_wall, 2),
        "parse_processes": config.parse_processes,
        "match_processes": config.match_processes,
        "torch_threads": torch.get_num_threads(),
        "cpus": os.cpu_count(),
        # how near the build came to every core's pace: with the CPU seconds it took (the
        # operating system's count, all processes, models included), it could not have run
        # faster than every core busy to the end
        "cpu_busy_share": round(cpu_s / (e2e_s * cores), 3),
        "sent_per_s_every_core_busy": round(n * cores / cpu_s, 1),
        # of that count, the kernel's part (`_os_count`), per 1,000 sentences: the stages'
        # own seconds leave most of it out
        "kernel_per_1k": {"system_seconds": round(system_s * 1000 / n, 2),
                          "minor_page_faults": round(faults * 1000 / n),
                          # of which the build's own process
                          "own_system_seconds": round(own_system_s * 1000 / n, 2),
                          "own_minor_page_faults": round(own_faults * 1000 / n)},
    }
    report["budget"] = budget(timings, n, spacy_mean_s, raw_s, cpu_s,
                              on_cpu=args.device == "cpu")
    if args.device == "cuda":
        report["gpu_busy_seconds"] = round(timings.get("device", 0.0), 2)
        report["gpu_busy_share_of_build"] = round(timings.get("device", 0.0)
                                                  / result.summary.seconds, 3)
    if same is not None:
        report["graph_identical_to_one_process_build"] = same
    print(json.dumps(report))
    sys.stdout.flush()


if __name__ == "__main__":
    main()
