"""The Map stage (paper section 2.2): relations to Wikidata properties, entities to Wikidata
items, the rest kept as an open schema (docs/architecture.md has the picture).

- `annotate`: what the Map stage reads from a mention's sentence, right after Match
  (`arguments`: head and tail kinds, readings between named entities; parts of speech);
- `facts`: the corpus-level half: relation filter, pronouns (`coref`), grouping, the relation
  mappers, dates and numbers as literals (`values`), graded confidence (`confidence`);
- `mapper`: the one relation-mapper interface (`MapQuery` in, `Mapping` out) and the chain
  that asks `distant`, `semantic` (kind readings, sentence embeddings over `vectors`) and
  `strings` (label/alias, over the `properties` table) in order;
- `entities`: entity linking through a user's alias table or an offline knowledge base;
- `kb`: the offline knowledge base itself (built from a Wikidata dump);
- `canonical`: relation phrases that say the same thing grouped into one open relation.
"""
