"""Big corpora: builds in a work folder (sharded, resumable, incremental: `workdir`), on a Ray
cluster (`ray_engine`), worker processes on one machine (`processes`), and the bounded
hand-off between producer and consumer (`prefetch`).
"""
