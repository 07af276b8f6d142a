#!/bin/bash
# Every GPU measurement of docs/performance.md in one device call, each step with its own
# time limit (a device session has 15 minutes in all). From the project root, after
# `make install` and `../shared/tools/device-pack` here; then, with the device tool:
#   run(command="source .devpack/setup.sh && bash benchmarks/gpu.sh", carry=[".devpack"],
#       timeout_s=560)
set -u
step() {
    local limit=$1
    shift
    echo "### $(date +%T) $*"
    timeout "$limit" "$@" || echo "### failed or timed out ($?): $*"
}
nvidia-smi --query-gpu=name,memory.total --format=csv,noheader
step 200 python3 benchmarks/throughput.py --device cuda --random-init bert-large --dtype bf16 \
    --sentences 20000 --spacy-once
step 170 python3 benchmarks/throughput.py --device cuda --random-init bert-large --dtype bf16 \
    --sentences 20000 --preset paper --spacy-once
step 120 python3 benchmarks/throughput.py --device cuda --random-init tiny --sentences 20000 --spacy-once
