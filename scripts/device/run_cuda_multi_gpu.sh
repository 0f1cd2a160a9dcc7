#!/usr/bin/env bash
# The CUDA plugin's multi-GPU checks (issue 13), for a device machine with two or more GPUs
# (kind nvidia-h100-x2 or larger). On one GPU these tests skip with "needs 2 GPUs"; this script
# runs exactly them, plus the conformance suite's device tier, which adds the peer-copy check
# between cuda:0 and cuda:1 when it sees two devices. Run from the folder pack_cuda_carry.sh
# filled, as run_cuda_checks.sh:
#   bash device-carry/cuda/run_cuda_multi_gpu.sh
# Logs go to $OUT (or /tmp/ember-out); the last lines printed are a summary.
set -u
HERE=$(cd "$(dirname "$0")" && pwd)
OUT=${OUT:-/tmp/ember-out}
WORK=/tmp/ember-cuda
mkdir -p "$OUT" "$WORK"
tar -xJf "$HERE/ember-cuda.tar.xz" -C "$WORK"
NV=$(python3 -c 'import nvidia; print(list(nvidia.__path__)[0])' 2>/dev/null || true)
LIBS="$WORK/lib:$WORK/deps"
for d in "$NV"/*/lib /usr/local/cuda/lib64; do [ -d "$d" ] && LIBS="$LIBS:$d"; done
export LD_LIBRARY_PATH="$LIBS${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
export EMBER_CUDA_KERNEL_CACHE="$WORK/kernel-cache"
export NCCL_NVLS_ENABLE=0 TORCH_SYMM_MEM_DISABLE_MULTICAST=1 NVSHMEM_DISABLE_NVLS=1

GPUS=$(nvidia-smi -L 2>/dev/null | wc -l)
{
  echo "GPUs: $GPUS"
  nvidia-smi topo -m 2>&1 | head -8
} > "$OUT/multi_env.log"
[ "$GPUS" -lt 2 ] && echo "only $GPUS GPU(s): the multi-GPU tests would skip; use a kind with 2 or more" >> "$OUT/multi_env.log"
# Every test whose name says it needs several GPUs (they skip below two).
timeout 300 "$WORK/bin/ember_cuda_tests" --gtest_filter='*Gpus*:*Peer*:*MultiGpu*' > "$OUT/multi_tests.log" 2>&1
echo "multi-GPU tests rc=$?" >> "$OUT/multi_env.log"
# Device tier (allocation, copies, streams, events, the cuda:0 -> cuda:1 peer copy) and one kernel.
timeout 300 "$WORK/bin/ember-conformance" --plugin "$WORK/lib/ember/plugins/libember_cuda.so" --op add \
  > "$OUT/multi_conformance.log" 2>&1
echo "conformance (device tier) rc=$?" >> "$OUT/multi_env.log"
echo "==== multi-GPU summary ===="
cat "$OUT/multi_env.log"
grep -E '^\[  (PASSED|FAILED|SKIPPED) ' "$OUT/multi_tests.log"
grep -E 'peer|passed, ' "$OUT/multi_conformance.log"
