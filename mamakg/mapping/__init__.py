"""The Map stage (paper section 2.2): relations to Wikidata properties, entities to Wikidata
items, the rest kept as an open schema.

- `properties`: the shipped Wikidata property table and the label/alias matcher over it;
- `entities`: entity linking through a user's alias table or an offline knowledge base;
- `distant`: relation mapping by distant supervision over a knowledge base;
- `kb`: the offline knowledge base itself (built from a Wikidata dump);
- `canonical`: relation phrases that say the same thing grouped into one open relation.
"""
