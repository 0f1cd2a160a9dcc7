#!/usr/bin/env bash
# One device call: the CUDA tests, gradcheck of every differentiable op on cuda, and the small-op
# host cost of this build's plugin against another build's (ab_before.so beside this script, if
# present) and libtorch, interleaved three times (batches of 200 launches on an idle GPU on every
# side: bench/cuda/cuda_bench.cpp, libtorch_cuda_bench.cpp). Packed by pack_cuda_carry.sh; run
# there: bash device-carry/cuda/smallop_ab.sh [GRADCHECK_S]
cd "$(dirname "$0")"
bash run_cuda_checks.sh env libtorch > /dev/null 2>&1
export LD_LIBRARY_PATH=$(grep -h LD_LIBRARY_PATH= /tmp/ember-logs/env.log | cut -d= -f2-)
export EMBER_CUDA_KERNEL_CACHE=/tmp/ember-cuda/kernel-cache
W=/tmp/ember-cuda
P=$W/lib/ember/plugins/libember_cuda.so
cp $P /tmp/after.so
timeout 120 $W/bin/ember_cuda_tests --gtest_brief=1 > /tmp/t.log 2>&1
echo "tests rc=$?"; grep -E "PASSED|FAILED|SKIPPED" /tmp/t.log | head -12
EMBER_TEST_DEVICE=cuda timeout ${1:-150} $W/bin/ember_autograd_tests --gtest_filter='Ops/GradcheckAllOps.*' \
  --gtest_brief=1 > /tmp/g.log 2>&1
echo "gradcheck rc=$?"; grep -E "PASSED|FAILED|SKIPPED" /tmp/g.log | head -20
variants="after"
[ -f ab_before.so ] && variants="after before"
for i in 1 2 3; do
  for v in $variants; do
    if [ $v = before ]; then cp ab_before.so $P; else cp /tmp/after.so $P; fi
    r=$($W/bin/ember_cuda_bench --benchmark_filter=SmallOp --benchmark_min_time=1 2>/dev/null | grep BM_Small | awk '{print $2}')
    echo "ember_$v $r us"
  done
  [ -x $W/libtorch_bench ] && $W/libtorch_bench | tail -1
done
cp /tmp/after.so $P
