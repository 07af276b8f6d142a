"""Writing and reading mamakg's graphs, in one vocabulary (`vocab.MK`).

- `vocab`: the ``mk:`` terms and the IRIs mamakg mints;
- `graph`: facts -> RDF triples and NetworkX;
- `writers`: every output format of ``mamakg build``, byte for byte deterministic;
- `load`: any of those files (or an Oxigraph store) back into facts.
"""
