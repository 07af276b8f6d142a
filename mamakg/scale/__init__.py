"""Big corpora: builds in a work folder (sharded, resumable, incremental: `workdir`), on a Ray
cluster (`ray_engine`), and the bounded hand-off between producer and consumer (`prefetch`).
"""
