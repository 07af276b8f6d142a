"""Build mamakg/data/property_vectors.npz: sentence-embedding vectors of the candidate Wikidata
properties (labels, aliases, descriptions) from the shipped CC0 table, with the bundled
all-MiniLM-L6-v2. Rerun it whenever the table or the embedding model changes
(tests/test_semantic.py checks that the file fits the table).

    python scripts/build_property_vectors.py [-o mamakg/data/property_vectors.npz]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    sys.path.insert(0, str(ROOT))
    from mamakg.attention import Embedder
    from mamakg.mapping.vectors import VECTORS_FILE, build_property_vectors

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-o", "--output", default=str(ROOT / "mamakg" / VECTORS_FILE))
    args = parser.parse_args()
    started = time.perf_counter()
    embedder = Embedder()
    vectors = build_property_vectors(lambda texts: embedder.embed(texts), embedder.name)
    vectors.save(args.output)
    print(f"{args.output}: {len(vectors)} properties, {len(vectors.name_text)} names, "
          f"{time.perf_counter() - started:.1f} s", file=sys.stderr)


if __name__ == "__main__":
    main()
