"""The rule modules compiled with mypyc (`mamakg.native`): used when built from the sources as
they are, and the same graph as their sources give. The comparisons need the compiled
modules (``make install`` builds them; CI checks they are in use)."""

import os
import shutil
import subprocess
import sys

import pytest

from mamakg import native

from conftest import ROOT

compiled = pytest.mark.skipif(not native.active(), reason=native.state())


def _pure_env():
    return dict(os.environ, MAMAKG_PURE_PYTHON="1", HF_HUB_OFFLINE="1")


@compiled
def test_each_compiled_module_is_loaded_from_the_compiled_build():
    import importlib

    for name in native.MODULES:
        module = importlib.import_module(name)
        assert module.__file__ and module.__file__.startswith(str(native.FOLDER)), name


@compiled
def test_the_compiled_modules_doctests_pass_on_their_sources():
    files = [str(native.source_path(m)) for m in native.MODULES]
    done = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
                           "--doctest-modules", *files], cwd=ROOT, env=_pure_env(),
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stdout[-3000:]
    assert " passed" in done.stdout and "no tests ran" not in done.stdout


@pytest.mark.real_model
@compiled
def test_compiled_and_pure_builds_write_the_same_bytes(tmp_path):
    """The demo built with the compiled modules, with a worker process for spaCy and one for
    Match (records cross processes), and in pure Python: the same N-Triples."""
    outputs = []
    for pure in (False, True):
        out = tmp_path / f"pure-{pure}.nt"
        env = _pure_env() if pure else dict(os.environ, HF_HUB_OFFLINE="1")
        subprocess.run([sys.executable, "-m", "mamakg", "-q", "build", "corpora/demo.txt",
                        "-o", str(out), "--parse-processes", "1", "--match-processes", "1"],
                       cwd=ROOT, env=env, check=True)
        outputs.append(out.read_bytes())
    assert outputs[0] == outputs[1] and outputs[0].count(b"\n") > 1000


@compiled
def test_a_changed_source_leaves_every_compiled_module_unused(tmp_path):
    copy = tmp_path / "mamakg"
    shutil.copytree(ROOT / "mamakg", copy, ignore=shutil.ignore_patterns("__pycache__"))
    probe = ("import mamakg, mamakg.native as n, mamakg.refine as r; "
             "print(n.state()); print(r.__file__)")
    env = dict(os.environ, PYTHONPATH=str(tmp_path))
    env.pop("MAMAKG_PURE_PYTHON", None)
    same = subprocess.run([sys.executable, "-c", probe], cwd=tmp_path, env=env,
                          capture_output=True, text=True, check=True).stdout.splitlines()
    assert same[0].startswith("compiled") and "_native" in same[1]
    source = copy / "refine.py"
    source.write_text(source.read_text(encoding="utf-8") + "\n# edited\n", encoding="utf-8")
    edited = subprocess.run([sys.executable, "-c", probe], cwd=tmp_path, env=env,
                            capture_output=True, text=True, check=True).stdout.splitlines()
    assert edited[0] == "pure Python (built from other sources (make native))"
    assert edited[1] == str(source)


def test_asking_for_pure_python_keeps_every_module_its_source():
    probe = "import mamakg.native as n, mamakg.refine as r; print(n.state()); print(r.__file__)"
    out = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, env=_pure_env(),
                         capture_output=True, text=True, check=True).stdout.splitlines()
    assert out == ["pure Python (MAMAKG_PURE_PYTHON is set)",
                   str(ROOT / "mamakg" / "refine.py")]
