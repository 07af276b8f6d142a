#!/bin/bash
# Every GPU measurement of docs/performance.md in one device call, each step with its own
# time limit (a device session has 15 minutes in all). From the project root, after
# `make install` and, here, `sed 's|spacy>=3.8,<3.9|spacy==3.8.6|' ../shared/tools/device-pack
# | bash` (the project's spaCy pin; the tool alone packs the newest 3.8, which parses slower);
# then, with the device tool:
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
echo "$(nproc) cores: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2)"
python3 -c "import sys, torch, transformers; print('python', sys.version.split()[0], 'torch', \
torch.__version__, 'transformers', transformers.__version__)"
# device-pack leaves the bundled sentence-embedding model's weights behind (they would not fit
# in what a call carries): --random-embedder gives it random weights of its shape, so the
# relation phrases are embedded on the GPU as in a real build (the mappings are noise).
# --sentences 13000 should make about 20,000 sentences (the flag's estimate, from the first
# 50 abstracts, runs low: 6000 made 9,145 and 20000 made 30,950); with spaCy alone timed on one core (~430 sentences/s on the H200
# host's cores) a step of BERT-large took ~190 s at 30,950 sentences, ~100 s at 9,145.
step 170 python3 benchmarks/throughput.py --device cuda --random-init bert-large --dtype bf16 \
    --sentences 13000 --spacy-once --random-embedder
step 160 python3 benchmarks/throughput.py --device cuda --random-init bert-large --dtype bf16 \
    --sentences 13000 --preset paper --spacy-once --random-embedder
step 150 python3 benchmarks/throughput.py --device cuda --random-init tiny --sentences 13000 \
    --spacy-once --random-embedder
