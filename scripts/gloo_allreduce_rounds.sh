#!/usr/bin/env bash
# all_reduce over 2 gloo ranks, ember and PyTorch 1.13 alternated for ROUNDS rounds (default 7),
# then per-size medians side by side (docs/PERFORMANCE.md, "Distributed"). Single rounds on the
# 2-core machine swing up to 1.5x (gloo's transport threads' wake-ups), so only medians of
# interleaved rounds are compared. Usage (from the repository root, after `make build`):
#   bash scripts/gloo_allreduce_rounds.sh [ROUNDS] [OUT_DIR]
set -euo pipefail
rounds=${1:-7}
out=${2:-/tmp/gloo-rounds}
mkdir -p "$out"
export EMBER_CONFIG=bench/distributed/one_thread.yaml
for r in $(seq 1 "$rounds"); do
  EMBER_TEST_BACKEND=gloo build/bin/ember launch --nproc 2 build/bin/ember_dist_bench allreduce 1024 268435456 \
    > "$out/ember.$r.log" 2>&1
  /usr/bin/python3 bench/distributed/torch_dist_bench.py --nproc 2 --backend gloo allreduce 1024 268435456 \
    > "$out/torch.$r.log" 2>&1
done
e=$(ls "$out"/ember.*.log | paste -sd,)
t=$(ls "$out"/torch.*.log | paste -sd,)
python3 scripts/compare_dist_bench.py "$e" "$t"
