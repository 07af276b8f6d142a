"""Scorers for the benchmarks in shared/data (see SCORING.md), one module per benchmark:

- `mamakg.evaluate.carb`: CaRB open extractions (AUC and best-F1 point);
- `mamakg.evaluate.benchie`: BenchIE fact synsets (exact match P, R, F1);
- `mamakg.evaluate.knowledgenet`: KnowledgeNet mapped facts (label, span and uri modes);
- `mamakg.evaluate.docred`: Re-DocRED / DocRED documents: the graph's nodes against the gold
  entities, and mapped facts against the gold triples;
- `mamakg.evaluate.strings`: `norm` and the date rules of SCORING.md section 4;
- `mamakg.evaluate.files`: reading gold and prediction files.

Each module parses files separately from scoring; the scorers are pure functions returning
small frozen dataclasses. Nothing here prints.
"""

__all__: list[str] = []
