"""Shared fixtures. Nothing here downloads: tiny models are built from configs, and the real
models are the ones the Makefile installs from PyPI (all-MiniLM-L6-v2, en_core_web_sm)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data"
DEMO = ROOT / "corpora" / "demo.txt"


@pytest.fixture(scope="session")
def nlp():
    """The real spaCy English pipeline."""
    from mamakg.parse import load_nlp

    return load_nlp(None)


@pytest.fixture(scope="session")
def real_lm():
    """The bundled all-MiniLM-L6-v2."""
    from mamakg.attention import AttentionModel
    from mamakg.config import Config

    return AttentionModel(Config(device="cpu"))


@pytest.fixture(scope="session")
def demo_result(nlp, real_lm):
    """A build of the first 6 demo documents with the real models (a few seconds)."""
    from mamakg.config import Config
    from mamakg.pipeline import build
    from mamakg.reader import read_documents

    docs = list(read_documents([str(DEMO)]))[:6]
    return build(docs, Config(device="cpu"), nlp=nlp, lm=real_lm)


@pytest.fixture(scope="session")
def kb_path(tmp_path_factory):
    """A knowledge base built from the hand-written dump sample in tests/data."""
    from mamakg.mapping.kb import build_kb

    path = tmp_path_factory.mktemp("kb") / "sample.kb"
    build_kb(str(DATA / "wikidata_sample.json"), str(path))
    return path
