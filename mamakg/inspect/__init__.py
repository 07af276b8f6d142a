"""After a build: look inside a graph and hand it to other tools.

- `browse`: counts, fact selection, one fact's path, SPARQL (``show``, ``facts``, ``explain``,
  ``query``);
- `export`: other formats and databases' import files (``export``);
- `push`: a running SPARQL store or Neo4j database (``push``);
- `view`: one self-contained HTML picture (``view``).
"""
