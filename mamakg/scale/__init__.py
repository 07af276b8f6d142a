"""Big corpora: builds in a work folder (sharded, resumable, incremental: `workdir`, its
record `manifest`), shards and the engines that process them (`shards`: the interface and the
local engine; `ray_engine`: on a Ray cluster), worker processes on one machine (`processes`),
and the bounded hand-off between producer and consumer (`prefetch`).
"""
