"""Worker processes change how fast a build runs, never what it gives: spaCy and Match in
worker processes give the graph of the one-process build, results come back in order, a
bounded number of tasks ahead, and a long document is parsed a bounded piece at a time."""

from __future__ import annotations

import functools
import gc
import os
import platform
import signal
import subprocess
import sys
import textwrap
import threading
import time
import weakref

import pytest

from mamakg.config import Config, OutputFormat
from mamakg.parse import parse_documents
from mamakg.rdf.writers import render
from mamakg.reader import read_documents
from mamakg.scale.processes import YOUNG_OBJECTS, Workers, lasting_objects, long_lived_heap
from mamakg.types import Document

from conftest import DEMO, ROOT


def _square(x: int) -> int:
    time.sleep(0.01 * (x % 3))  # finish out of order
    return x * x


def _fail(x: int) -> int:
    if x == 3:
        raise ValueError(f"task {x} failed")
    return x


def test_workers_hand_back_results_in_order_and_stay_a_bounded_number_ahead():
    pulled = []

    def tasks():
        for i in range(40):
            pulled.append(i)
            yield i

    with Workers(2) as pool:
        out = []
        for result in pool.map(_square, tasks(), ahead=3):
            out.append(result)
            # the result of task k is handed back once at most 3 tasks are out: k + 3 pulled
            assert len(pulled) <= len(out) + 3
        assert out == [i * i for i in range(40)]


class _Cycle:
    def __init__(self) -> None:
        self.me = self


def _frozen_in_worker(_: int) -> tuple[int, tuple[int, int, int]]:
    return gc.get_freeze_count(), gc.get_threshold()


def test_a_build_keeps_the_objects_alive_before_it_out_of_the_collectors_passes():
    before, frozen_before = gc.get_threshold(), gc.get_freeze_count()
    assert frozen_before == 0
    alive = [_Cycle() for _ in range(100)]
    with long_lived_heap():
        assert gc.get_freeze_count() >= len(alive)
        assert gc.get_threshold()[0] == max(before[0], YOUNG_OBJECTS)
        with long_lived_heap():  # nested: the outer block's setting holds
            assert gc.get_threshold()[0] == max(before[0], YOUNG_OBJECTS)
        assert gc.get_freeze_count() >= len(alive)
        with Workers(1) as pool:  # a forked worker inherits the setting
            (frozen, threshold), = pool.map(_frozen_in_worker, [0])
        assert frozen > 0 and threshold[0] == max(before[0], YOUNG_OBJECTS)
        garbage = weakref.ref(_Cycle())  # garbage made in the block is still collected
        gc.collect()
        assert garbage() is None
    assert gc.get_threshold() == before and gc.get_freeze_count() == 0
    kept = weakref.ref(alive[0])
    del alive
    gc.collect()  # once the block ends, the frozen objects are collected again
    assert kept() is None


def test_what_lives_as_long_as_the_build_joins_the_frozen_objects():
    passes: list[int] = []

    def counted(phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            passes.append(info["generation"])

    gc.callbacks.append(counted)
    try:
        with long_lived_heap():
            with lasting_objects():
                assert not gc.isenabled()
                made = [[_Cycle()] for _ in range(YOUNG_OBJECTS // 2)]  # past the youngest pass
                assert passes == []
            assert gc.isenabled() and passes == []
            frozen = gc.get_freeze_count()
            assert frozen >= 2 * len(made)
            garbage = weakref.ref(made[0][0])
            del made
            gc.collect()  # frozen: not collected while the build lasts
            assert garbage() is not None
        assert gc.get_freeze_count() == 0
        gc.collect()  # and collected once it ends
        assert garbage() is None
        with lasting_objects():  # outside a build's block: nothing changes
            assert gc.isenabled()
        assert gc.get_freeze_count() == 0
    finally:
        gc.callbacks.remove(counted)


def test_objects_frozen_before_stay_as_the_program_froze_them(monkeypatch):
    # The calls, not the count of frozen objects: that count also falls whenever a frozen
    # object is freed (garbage of earlier tests, another thread), whatever the block does.
    gc.freeze()
    try:
        calls: list[str] = []
        monkeypatch.setattr(gc, "freeze", lambda: calls.append("freeze"))
        monkeypatch.setattr(gc, "unfreeze", lambda: calls.append("unfreeze"))
        with long_lived_heap():
            assert gc.get_threshold()[0] >= YOUNG_OBJECTS
        assert calls == []  # nothing more frozen, nothing thawed
        assert gc.get_freeze_count() > 0
    finally:
        monkeypatch.undo()
        gc.unfreeze()


def test_a_collector_turned_off_stays_off():
    gc.disable()
    try:
        with long_lived_heap():
            assert not gc.isenabled()
        assert not gc.isenabled()
    finally:
        gc.enable()


def _slow(log: str, x: int) -> tuple[int, int]:
    time.sleep(0.3)
    with open(log, "a") as handle:
        handle.write(f"{x}\n")
    return x, os.getpid()


@pytest.mark.skipif(platform.libc_ver()[0] != "glibc", reason="glibc's malloc_trim, /proc")
def test_the_memory_a_window_freed_goes_back_to_the_system():
    """C heap memory freed between blocks still in use, which the allocator would keep, goes
    back to the operating system: the process's resident memory falls."""
    script = textwrap.dedent("""
        from mamakg.scale.processes import release_free_memory
        def rss():
            with open("/proc/self/status") as status:
                return int(status.read().split("VmRSS:")[1].split()[0]) // 1024
        blocks = [bytes(4000) for _ in range(25_000)]  # ~100 MB from malloc, not pymalloc
        kept = blocks[::50]  # one in fifty stays: the heap cannot shrink from its top
        del blocks
        before = rss()
        release_free_memory()
        print(before, rss(), len(kept))
    """)
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                         check=True, cwd=ROOT)
    before, after, _ = map(int, out.stdout.split())
    assert before - after > 50, (before, after)


_HEAP_FAULTS = textwrap.dedent("""
    import resource
    import numpy as np
    from mamakg.scale.processes import Workers

    def rounds(n):
        for _ in range(n):
            arrays = [np.ones(1_000_000) for _ in range(10)]  # 8 MB each
            del arrays

    def faults(_):
        rounds(2)
        before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
        rounds(10)
        return resource.getrusage(resource.RUSAGE_SELF).ru_minflt - before

    if __name__ == "__main__":
        with Workers(1) as pool:
            print(pool.submit(faults, 0).result())
""")
"""Prints the page faults a worker takes making and freeing 80 MB of arrays ten times."""


@pytest.mark.skipif(platform.libc_ver()[0] != "glibc", reason="glibc's mallopt")
def test_a_worker_keeps_the_memory_it_freed_for_its_next_arrays():
    """A worker process's C heap keeps what big arrays freed (`steady_heap`), so arrays made
    again take no fresh pages; with MAMAKG_STEADY_HEAP=0 (glibc as it comes) the heap hands
    them back and every round faults its pages in again. Each in a new interpreter, whose
    heap nothing before has shaped."""
    from mamakg.scale.processes import _GLIBC_SETTINGS

    plain = {k: v for k, v in os.environ.items() if k not in _GLIBC_SETTINGS}
    counts = []
    for steady in ("1", "0"):
        out = subprocess.run([sys.executable, "-c", _HEAP_FAULTS], capture_output=True,
                             text=True, check=True, cwd=ROOT,
                             env=dict(plain, MAMAKG_STEADY_HEAP=steady))
        counts.append(int(out.stdout.split()[-1]))
    steady_faults, default_faults = counts
    assert default_faults > 10_000 and steady_faults < default_faults / 10, counts


def test_once_all_is_submitted_the_caller_takes_back_the_tasks_no_worker_started(tmp_path):
    """At the end of the tasks the caller does not wait while one worker works through the
    queue: it runs the last queued tasks itself, each result still in its turn, each task
    run once."""
    log = str(tmp_path / "ran")
    with Workers(1) as pool:
        out = list(pool.map(functools.partial(_slow, log), range(8), ahead=8,
                            local=lambda x: (_slow(log, x)[0], 0)))
    assert [x for x, _ in out] == list(range(8))
    here = [x for x, pid in out if pid == 0]
    assert here and here == list(range(8 - len(here), 8))  # the last ones
    with open(log) as handle:
        assert sorted(int(line) for line in handle) == list(range(8))


def test_a_workers_exception_is_raised_at_its_turn():
    with Workers(2) as pool:
        got = []
        with pytest.raises(ValueError, match="task 3 failed"):
            for result in pool.map(_fail, range(10)):
                got.append(result)
        assert got == [0, 1, 2]


def test_workers_end_when_their_parent_is_killed(tmp_path):
    script = textwrap.dedent("""
        import time
        from mamakg.scale.processes import Workers
        pool = Workers(2)
        list(pool.map(abs, [1, 2]))  # the workers are up
        print(" ".join(str(p) for p in pool._pool._processes), flush=True)
        time.sleep(60)
    """)
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    proc = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, env=env)
    assert proc.stdout is not None
    workers = [int(p) for p in proc.stdout.readline().split()]
    assert len(workers) == 2
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    deadline = time.monotonic() + 10
    alive = workers
    while alive and time.monotonic() < deadline:
        time.sleep(0.1)
        alive = [p for p in workers if _alive(p)]
    assert not alive, "worker processes outlived their killed parent"


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as handle:
            return handle.read().split()[2] != "Z"
    except FileNotFoundError:
        return False


class _Recorder:
    """A spaCy pipeline that records the characters of each batch it is handed."""

    def __init__(self, nlp):
        self.nlp = nlp
        self.tokenizer = nlp.tokenizer  # finds where sentences end, parses nothing
        self.batches: list[int] = []

    @property
    def max_length(self):
        return self.nlp.max_length

    @max_length.setter
    def max_length(self, value):
        self.nlp.max_length = value

    def pipe(self, items, **kwargs):
        items = list(items)
        self.batches.append(sum(len(text) for text, _ in items))
        return self.nlp.pipe(items, **kwargs)


@pytest.mark.real_model
def test_a_long_document_is_parsed_a_bounded_piece_at_a_time(nlp):
    """A one-line document many times longer than a segment reaches spaCy a segment or two at
    a time (spaCy's memory grows with the text of a batch), numbered as one document, in
    this process and in workers alike."""
    sizes = {"segment_chars": 300, "task_chars": 400}
    text = " ".join(line for line in DEMO.read_text(encoding="utf-8").splitlines()[:8])
    assert len(text) > 10 * sizes["segment_chars"]
    recorder = _Recorder(nlp)
    long = list(parse_documents([Document("long", text)], recorder, **sizes))
    assert len(recorder.batches) >= 10
    assert max(recorder.batches) <= sizes["task_chars"]
    assert [s.index for s in long] == list(range(len(long)))  # numbered across segments
    for s in long:
        assert text[s.start:s.start + len(s.text)] == s.text
    in_workers = list(parse_documents([Document("long", text)], nlp, workers=2, **sizes))
    assert in_workers == long


@pytest.mark.real_model
def test_spacy_workers_give_the_sentences_of_one_process(nlp):
    docs = list(read_documents([str(DEMO)]))
    docs.insert(3, Document("empty", "   "))
    one = list(parse_documents(docs, nlp, workers=0))
    timings: dict[str, float] = {}
    two = list(parse_documents(docs, nlp, workers=2, timings=timings))
    assert two == one and len(one) > 100
    assert timings["parse_workers"] > 0


@pytest.mark.real_model
@pytest.mark.parametrize("decided", [1, 0, 2])
def test_a_worker_started_ahead_of_the_decision_changes_no_sentence(monkeypatch, nlp, decided):
    """One worker parses while the build decides; decided otherwise, it finishes what it was
    given and the rest goes on as decided (here, or in a pool of that many workers)."""
    from mamakg import parse

    docs = list(read_documents([str(DEMO)]))[:40]
    sizes = {"task_chars": 500}  # a task a document
    one = list(parse_documents(docs, nlp, **sizes))
    n_tasks = sum(1 for _ in parse._tasks(docs, parse.Segmenter(nlp, parse.SEGMENT_CHARS),
                                          sizes["task_chars"]))
    here = []  # tasks parsed in this process (the workers count theirs in their own memory)
    real = parse._parse_task
    monkeypatch.setattr(parse, "_parse_task", lambda *a: here.append(1) or real(*a))
    answer: list[int | None] = [None]
    pools: list[Workers] = []
    parsed: list[int] = []
    timings: dict[str, float] = {}
    out = []
    for sentence in parse_documents(docs, nlp, workers=lambda: answer[0], ahead_of_decision=1,
                                    timings=timings, on_workers=pools.append,
                                    on_parsed=lambda n, seconds: parsed.append(n), **sizes):
        out.append(sentence)
        if len(out) == 10:
            answer[0] = decided
    assert out == one and len(one) > 100
    assert sum(parsed) == len(one)  # each task counted once, wherever it was parsed
    assert timings["parse_workers"] > 0  # the worker started ahead took the first task
    assert [pool.n for pool in pools] == ([1] if decided == 1 else [1, 2] if decided == 2
                                          else [1])
    if decided == 0:  # the worker had at most the tasks queued for it
        assert len(here) >= n_tasks - parse.AHEAD and n_tasks > 2 * parse.AHEAD


@pytest.mark.real_model
def test_a_corpus_of_one_task_starts_no_worker_ahead(nlp):
    docs = list(read_documents([str(DEMO)]))[:3]
    pools: list[Workers] = []
    out = list(parse_documents(docs, nlp, workers=lambda: None, ahead_of_decision=1,
                               on_workers=pools.append))
    assert out == list(parse_documents(docs, nlp)) and not pools


@pytest.mark.real_model
@pytest.mark.parametrize(("parse_processes", "match_processes"), [(2, 0), (1, 2), (1, None)])
def test_worker_processes_give_the_graph_of_the_one_process_build(nlp, real_lm,
                                                                  parse_processes,
                                                                  match_processes):
    from mamakg.pipeline import build

    docs = list(read_documents([str(DEMO)]))[:8]
    config = Config.preset("default", device="cpu", parse_processes=parse_processes,
                           match_processes=match_processes, batch_size=1)  # several windows
    one = build(docs, config.replace(parse_processes=0, match_processes=0), nlp=nlp,
                lm=real_lm)
    many = build(docs, config, nlp=nlp, lm=real_lm)
    assert one.facts
    # the same bytes, but for the recorded settings
    assert render(many.facts, one.run, OutputFormat.NT, config.base_iri) == \
        render(one.facts, one.run, OutputFormat.NT, config.base_iri)
    for field in ("n_documents", "n_sentences", "n_truncated", "n_candidates", "dropped",
                  "n_mentions", "n_facts"):
        assert getattr(many.summary, field) == getattr(one.summary, field), field
    timings = many.summary.timings
    workers = "match_workers" if match_processes else "parse_workers"
    assert timings[workers] > 0 and timings["attend"] > 0
    # matching in this process is part of its Match stage, which may also wait for workers
    assert one.summary.timings["match_here"] > 0
    assert timings.get("match_here", 0.0) <= timings["match"]
    if match_processes is None:  # the spaCy worker, done parsing, matched a window
        assert many.summary.n_sentences > 2 * 16 and timings["match_workers"] > 0


@pytest.mark.parametrize(("parse", "attend", "match", "workers"), [
    (1.0, 0.1, 0.2, 1),  # a model cheap next to spaCy: one worker
    (1.4, 2.7, 0.2, 1),  # a small model: spaCy beside its forward pass
    (0.5, 5.0, 0.2, 0),  # the forward pass dominates: spaCy stays
])
def test_on_a_cpu_the_first_window_decides_the_spacy_workers(monkeypatch, parse, attend, match,
                                                             workers):
    from mamakg import config as config_module
    from mamakg.pipeline import WorkerPlan

    monkeypatch.setattr(config_module, "available_cores", lambda: 2)
    plan = WorkerPlan(Config(), on_cpu=True)
    ask = plan.parse_workers()
    assert callable(ask) and ask() is None and plan.match == 0  # undecided
    assert plan.ahead_of_decision == 1  # one worker parses while the first window is timed
    plan.observe({"parse": parse, "attend": attend, "match": match}, 100)
    assert ask() == workers
    plan.observe({"parse": 100.0, "attend": 0.0, "match": 0.0}, 100)  # decided once
    assert ask() == workers


def test_the_forward_pass_gets_the_cores_no_worker_of_any_pool_is_busy_on(monkeypatch):
    """spaCy's workers and Match's both take cores from the forward pass while busy."""
    from mamakg import config as config_module
    from mamakg.pipeline import WorkerPlan

    class Pool:
        def __init__(self, busy):
            self.now = busy

        def busy(self):
            return self.now

    monkeypatch.setattr(config_module, "available_cores", lambda: 4)
    plan = WorkerPlan(Config(parse_processes=2, match_processes=1), on_cpu=True, threads=4)
    assert plan.forward_threads() == 4  # no pool yet
    parse, match = Pool(2), Pool(1)
    plan.started(parse)
    assert plan.forward_threads() == 2
    plan.started(match)
    assert plan.forward_threads() == 1
    parse.now = 0
    assert plan.forward_threads() == 3
    match.now, parse.now = 2, 3  # more busy than cores (a pool counts at most its workers)
    monkeypatch.setattr(config_module, "available_cores", lambda: 2)
    assert WorkerPlan(Config(), on_cpu=True, threads=2).forward_threads() == 2
    assert plan.forward_threads() == 1  # one at least


def test_windows_lent_to_idle_workers_come_back_in_order():
    """A window goes to the pool the lender gives (or is matched here when it gives none);
    results come back in the windows' order, and one whose pool closed before a worker took
    it is matched here."""
    from concurrent.futures import Future

    from mamakg.pipeline import StageClock, _lent

    class Pool:
        def __init__(self):
            self.given = []

        def submit(self, fn, window):
            self.given.append(window)
            done: Future = Future()
            if window == 2:
                done.cancel()  # the pool closed first
            else:
                done.set_result(([f"worker {window}"], window, 0.5))
            return done

    pool = Pool()
    lenders = iter([pool, None, pool, pool, None])
    clock = StageClock({})
    out = list(_lent(range(5), lambda w: ([f"here {w}"], w, 0.0), lambda: next(lenders), clock))
    assert out == [(["worker 0"], 0), (["here 1"], 1), (["here 2"], 2), (["worker 3"], 3),
                   (["here 4"], 4)]
    assert pool.given == [0, 2, 3]
    assert clock.timings["match_workers"] == 1.0


def test_spacy_workers_are_lent_to_match_only_once_decided_idle_and_on_a_cpu(monkeypatch):
    from mamakg import config as config_module
    from mamakg.pipeline import WorkerPlan

    class Pool:
        n, forks, closed, now = 1, True, False, 0

        def busy(self):
            return self.now

    monkeypatch.setattr(config_module, "available_cores", lambda: 2)
    plan = WorkerPlan(Config(), on_cpu=True, threads=2)
    pool = Pool()
    plan.started(pool)
    assert plan.lends and plan.lender() is None  # not decided yet: the first window is timed
    plan.observe({"parse": 1.0, "attend": 0.1, "match": 0.2}, 100)
    assert plan.parse == 1 and plan.lender() is pool
    pool.now = 1
    assert plan.lender() is None  # parsing
    pool.now, pool.closed = 0, True
    assert plan.lender() is None
    assert not WorkerPlan(Config(match_processes=0), on_cpu=True).lends  # Match set by hand
    assert not WorkerPlan(Config(), on_cpu=False).lends  # an accelerator: Match's own workers


def test_the_first_window_is_judged_at_the_parse_rate_and_as_if_on_every_thread(monkeypatch):
    """The worker started ahead parses beside the first window: its parse is the tasks'
    rate times the window's sentences, its forward pass counts as on every thread."""
    from mamakg import config as config_module
    from mamakg.pipeline import WorkerPlan

    class Pool:
        def busy(self):
            return 1

    monkeypatch.setattr(config_module, "available_cores", lambda: 2)
    plan = WorkerPlan(Config(), on_cpu=True, threads=2)
    plan.started(Pool())
    assert plan.forward_threads() == 1  # the worker is parsing: one thread of two
    plan.parsed(50, 0.5)  # 10 ms a sentence
    plan.parsed(50, 0.5)
    # 100 sentences: parse 1.0 s; attend 5.4 s on one thread is 2.7 s on two: keeps pace
    plan.observe({"parse": 0.1, "attend": 5.4, "match": 0.2}, 100)
    assert plan.parse == 1
    # judged as timed (parse 0.1 s, attend 5.4 s), the worker would not pay
    assert WorkerPlan.decide(0.1, 5.4, 0.2, 2) == 0
    two_cores = WorkerPlan(Config(), on_cpu=True)  # the cores are read when it is made
    monkeypatch.setattr(config_module, "available_cores", lambda: 1)
    assert WorkerPlan(Config(), on_cpu=True).ahead_of_decision == 0
    assert two_cores.ahead_of_decision == 1


def test_on_a_cpu_the_forward_pass_gets_the_cores_no_worker_is_parsing_on(monkeypatch):
    from mamakg import config as config_module
    from mamakg.pipeline import WorkerPlan

    class Pool:
        n_busy = 0

        def busy(self):
            return self.n_busy

    monkeypatch.setattr(config_module, "available_cores", lambda: 4)
    plan = WorkerPlan(Config(parse_processes=3), on_cpu=True)
    assert plan.forward_threads() == 4  # no pool yet
    pool = Pool()
    plan.started(pool)
    seen = []
    for pool.n_busy in (0, 1, 3):
        seen.append(plan.forward_threads())
    assert seen == [4, 3, 1]
    fewer = WorkerPlan(Config(parse_processes=3), on_cpu=True, threads=2)  # torch set to 2
    fewer.started(pool)
    seen = []
    for pool.n_busy in (0, 1, 3):
        seen.append(fewer.forward_threads())
    assert seen == [2, 2, 1]


def test_each_batch_runs_on_the_threads_the_plan_gives_and_the_build_gives_them_back(
        monkeypatch, nlp, real_lm):
    from mamakg import pipeline
    from mamakg.result import Summary

    before = real_lm.threads
    given: list[int] = []

    class Planned(pipeline.WorkerPlan):
        def forward_threads(self):
            given.append(1 + len(given) % 2)  # 1, 2, 1, ...
            return given[-1]

    launch = real_lm._launch
    seen = []

    def launched(*args):
        seen.append(real_lm.threads)
        return launch(*args)

    monkeypatch.setattr(pipeline, "WorkerPlan", Planned)
    monkeypatch.setattr(real_lm, "_launch", launched)
    config = Config(device="cpu", batch_size=1)
    window = pipeline.WINDOW * config.batch_size  # the build's windows of sentences
    docs = [Document(f"d:{i}", "Marie Curie was born in Warsaw.") for i in range(2 * window + 8)]
    summary = Summary()
    rows = list(pipeline.mention_rows(docs, nlp, real_lm, config, summary,
                                      pipeline.StageClock(summary.timings)))
    assert len(rows) == 3
    batches = -(-window // real_lm.config.batch_size)  # the model's batches in a window
    assert seen == given and len(seen) > 2 * batches  # every batch, the first window's too
    assert real_lm.threads == before and real_lm.threads_per_batch is None


def test_the_forward_pass_gives_the_same_attention_on_one_thread_and_on_two(nlp, real_lm):
    """The plan changes torch's threads batch by batch; the graph must not depend on them."""
    import numpy as np

    docs = list(read_documents([str(DEMO)]))[:8]
    sentences = list(parse_documents(docs, nlp))
    before = real_lm.threads
    try:
        real_lm.threads = 1
        one = real_lm.attend_window(sentences).attentions
        real_lm.threads = 2
        two = real_lm.attend_window(sentences).attentions
    finally:
        real_lm.threads = before
    assert len(one) == len(sentences) > 8
    assert all(np.array_equal(a, b) for a, b in zip(one, two, strict=True))


class _Library:
    """A BLAS library as threadpoolctl shows it, which counts the calls that set it."""

    def __init__(self, threads: int) -> None:
        self.num_threads, self.calls = threads, []

    def set_num_threads(self, n: int) -> None:
        self.calls.append(n)
        self.num_threads = n


def test_one_blas_thread_leaves_a_library_on_one_thread_alone_and_restores_the_others():
    """OpenBLAS starts its threads again at any call that sets them after a fork: a
    library on one thread already must not be called at all."""
    from mamakg.parse import _OneBlasThread

    on_one, on_four = _Library(1), _Library(4)
    with _OneBlasThread([on_one, on_four]):
        assert (on_one.num_threads, on_four.num_threads) == (1, 1)
    assert on_one.calls == [] and on_four.calls == [1, 4] and on_four.num_threads == 4
    _OneBlasThread([on_four])  # not as a context: for the rest of the process
    assert on_four.num_threads == 1


def _blas_threads(_=None) -> int:
    from threadpoolctl import ThreadpoolController

    return max(library.num_threads
               for library in ThreadpoolController().select(user_api="blas").lib_controllers)


@pytest.mark.parametrize("through", ["build", "workdir"])
def test_a_build_on_several_cores_holds_numpys_blas_on_one_thread_its_workers_too(
        monkeypatch, tmp_path, nlp, real_lm, through):
    """Set before the workers fork, so that they inherit one thread and need not set it
    (`benchmarks/blas_threads.py`); set back when the build ends."""
    from threadpoolctl import ThreadpoolController

    import mamakg.config
    from mamakg.pipeline import build
    from mamakg.scale.workdir import build_workdir

    if not ThreadpoolController().select(user_api="blas").lib_controllers:
        pytest.skip("numpy has no BLAS that threadpoolctl can set")
    monkeypatch.setattr(mamakg.config, "available_cores", lambda: 2)
    seen: list[int] = []
    forked: list[int] = []

    def window_done(_: int) -> None:
        seen.append(_blas_threads())
        if not forked:
            with Workers(1) as pool:
                forked.extend(pool.map(_blas_threads, [0]))

    config = Config.preset("default", device="cpu", parse_processes=1, batch_size=1)
    with ThreadpoolController().limit(limits=2, user_api="blas"):
        if through == "build":
            build(list(read_documents([str(DEMO)]))[:4], config, nlp=nlp, lm=real_lm,
                  on_sentences=window_done)
        else:
            corpus = tmp_path / "c.txt"
            corpus.write_text("Marie Curie was born in Warsaw.\n\nParis is the capital of "
                              "France.\n", encoding="utf-8")
            build_workdir([str(corpus)], config, str(tmp_path / "w"),
                          models=lambda: (nlp, real_lm), on_sentences=window_done)
        assert _blas_threads() == 2
        with Workers(1) as pool:  # a worker forked outside a build keeps the setting
            assert list(pool.map(_blas_threads, [0])) == [2]
    assert seen and set(seen) == {1} and forked == [1]


def _keep_events(events):
    _EVENTS[:] = events


_EVENTS: list = []


def _started_then_wait(_):
    started, go = _EVENTS
    started.set()
    go.wait(30)
    return os.getpid()


def test_busy_counts_the_workers_with_a_task_to_work_on():
    import multiprocessing

    from mamakg.scale.processes import Workers

    context = multiprocessing.get_context("fork")
    started, go = context.Event(), context.Event()
    with Workers(1, _keep_events, ((started, go),)) as pool:
        assert pool.busy() == 0
        results = pool.map(_started_then_wait, [0, 1])
        waiting = threading.Thread(target=lambda: list(results))
        waiting.start()  # submits both tasks and waits for the first
        assert started.wait(30)
        assert pool.busy() == 1  # two tasks, one worker
        go.set()
        waiting.join(30)
        assert not waiting.is_alive() and pool.busy() == 0


def test_with_an_accelerator_or_explicit_counts_nothing_is_left_to_decide(monkeypatch):
    from mamakg import config as config_module
    from mamakg.pipeline import WorkerPlan

    monkeypatch.setattr(config_module, "available_cores", lambda: 16)
    plan = WorkerPlan(Config(), on_cpu=False)  # an accelerator
    assert (plan.parse_workers(), plan.match) == (10, 5)
    plan = WorkerPlan(Config(parse_processes=3, match_processes=0), on_cpu=True)
    assert (plan.parse_workers(), plan.match) == (3, 0)
