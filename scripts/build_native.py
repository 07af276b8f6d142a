"""Compile mamakg's rule modules (`mamakg.native.MODULES`) to C with mypyc, into
mamakg/_native/ with a manifest of what they were built from; ``import mamakg`` then uses
them in place of their sources (`mamakg.native`). ``make install`` and ``make native`` run
this; it needs mypy (a dev requirement) and a C compiler, and takes a few minutes.

    python scripts/build_native.py [--jobs 2]

Writes the folder whole or not at all: on any failure the modules stay their sources, and
this exits 1 with one line on stderr.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import sysconfig
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def compile_modules(modules: tuple[str, ...], group: str, work: Path, jobs: int) -> Path:
    """Run mypyc and the C compiler on the modules' sources; the folder the extension
    modules were built into (laid out as packages)."""
    from mypyc.build import mypycify
    from setuptools import setup

    paths = [str(Path(*m.split(".")).with_suffix(".py")) for m in modules]
    extensions = mypycify(paths, opt_level="3", group_name=group, multi_file=True,
                          target_dir=str(work / "c"))
    lib = work / "lib"
    setup(name="mamakg-native", ext_modules=extensions,
          script_args=["-q", "build_ext", "--build-lib", str(lib), "--build-temp",
                       str(work / "temp"), "--parallel", str(jobs)])
    return lib


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1,
                        help="C files compiled at once [the cores]")
    args = parser.parse_args()
    os.environ["MAMAKG_PURE_PYTHON"] = "1"  # this process reads the sources, loads nothing
    sys.path.insert(0, str(ROOT))
    os.chdir(ROOT)  # mypy finds the package, and its settings in pyproject.toml, here
    from mamakg.native import FOLDER, GROUP, MODULES, source_digest

    started = time.perf_counter()
    digest = source_digest()
    suffix = sysconfig.get_config_var("EXT_SUFFIX")
    with tempfile.TemporaryDirectory(prefix=".native-", dir=FOLDER.parent) as tmp:
        work = Path(tmp)
        try:
            lib = compile_modules(MODULES, GROUP, work, args.jobs)
        except (Exception, SystemExit) as err:  # setuptools exits on a compiler error
            sys.exit(f"build_native: mypyc or the C compiler failed ({err}); mamakg stays "
                     "pure Python")
        files = {}
        staged = work / "_native"
        staged.mkdir()
        for name in (*MODULES, GROUP + "__mypyc"):
            built = lib.joinpath(*name.split(".")).with_name(name.split(".")[-1] + suffix)
            if not built.exists():
                sys.exit(f"build_native: {built.name} was not built; mamakg stays pure Python")
            files[name] = name + suffix
            shutil.copy2(built, staged / files[name])
        if source_digest() != digest:
            sys.exit("build_native: a source changed while compiling; run it again")
        manifest = {"digest": digest, "cache_tag": sys.implementation.cache_tag,
                    "files": files}
        (staged / "manifest.json").write_text(json.dumps(manifest, indent=1) + "\n",
                                              encoding="utf-8")
        old = work / "old"
        if FOLDER.exists():
            FOLDER.rename(old)
        staged.rename(FOLDER)
    print(f"build_native: {len(MODULES)} modules compiled into {FOLDER.relative_to(ROOT)} "
          f"in {time.perf_counter() - started:.0f} s", file=sys.stderr)


if __name__ == "__main__":
    main()
