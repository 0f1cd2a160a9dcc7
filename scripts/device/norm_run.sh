#!/usr/bin/env bash
# One device call for the normalization kernels (under 10 minutes; each step stops at a shared
# deadline, most important first). Packed next to run_cuda_checks.sh by pack_cuda_carry.sh; run
# there: [QUICK=1] bash device-carry/cuda/norm_run.sh [DEADLINE_S]
#   1. the CUDA tests (kernels compile as they are first used: no warm phase)
#   2. conformance of the norm, convolution and fused optimizer ops on libember_cuda.so
#   3. ember's and PyTorch's ResNet-50 rows side by side
#   4. gradcheck of the norm and convolution ops on cuda
#   5. GPU time per kernel (Nsight Compute) of ember's training step (a window of steady-state
#      steps; ncu_sum.py counts the optimizer launches in it) and of PyTorch's whole step
cd "$(dirname "$0")"
HERE=$(pwd)
START=$(date +%s)
DEADLINE=$(( START + ${1:-570} ))
W=/tmp/ember-cuda
R=$OUT
left() { local l=$(( DEADLINE - $(date +%s) )); [ "$l" -gt "$1" ] && echo "$1" || echo "$(( l > 1 ? l : 1 ))"; }
# QUICK=1: only the tests of batch norm, the optimizers and the nn kernels (a short lease).
if [ -n "${QUICK:-}" ]; then
  bash run_cuda_checks.sh env > /dev/null 2>&1
  export LD_LIBRARY_PATH=$(grep -h LD_LIBRARY_PATH= /tmp/ember-logs/env.log | cut -d= -f2-)
  export EMBER_CUDA_KERNEL_CACHE=$W/kernel-cache
  timeout $(left 90) $W/bin/ember_cuda_tests --gtest_brief=1 \
    --gtest_filter='*BatchNorm*:*Foreach*:*NnKernels*:*LayerGradients*:*Training*:*Cnn*:*Autocast*' > $R/tests.txt 2>&1
  echo "== tests rc=$?"; grep -E 'PASSED|FAILED|SKIPPED|tests ran' $R/tests.txt | head -20
else
  TESTS_S=$(left 150) bash run_cuda_checks.sh env tests > /dev/null 2>&1
  cat /tmp/ember-logs/summary.txt
  export LD_LIBRARY_PATH=$(grep -h LD_LIBRARY_PATH= /tmp/ember-logs/env.log | cut -d= -f2-)
  export EMBER_CUDA_KERNEL_CACHE=$W/kernel-cache
fi
ops="--op native_batch_norm --op native_batch_norm_backward --op native_layer_norm --op native_layer_norm_backward"
ops="$ops --op convolution --op convolution_backward --op _fused_sgd_ --op _fused_adam_ --op _fused_adamw_"
timeout $(left 90) $W/bin/ember-conformance --plugin $W/lib/ember/plugins/libember_cuda.so $ops > $R/conf.txt 2>&1
echo "conformance rc=$?" >> $R/conf.txt
echo "== conformance"; grep -E 'FAIL|passed, ' $R/conf.txt | head -20; tail -1 $R/conf.txt
B="--benchmark_repetitions=3 --benchmark_report_aggregates_only=true --benchmark_min_time=0.3"
timeout $(left 100) $W/bin/ember_cuda_bench --benchmark_filter='ResNet50' $B --benchmark_format=json \
  --benchmark_out=$R/ember.json > $R/ember.txt 2>&1
timeout $(left 120) python3 torch_cuda_bench.py --resnet-only --out $R/torch.json --reps 15 > $R/torch.txt 2>&1
python3 compare_bench.py $R/ember.json $R/torch.json > $R/compare.txt 2>&1
echo "== compare"; cat $R/compare.txt
EMBER_TEST_DEVICE=cuda timeout $(left 60) $W/bin/ember_autograd_tests \
  --gtest_filter='Ops/GradcheckAllOps.*norm*:Ops/GradcheckAllOps.*onvolution*' --gtest_brief=1 > $R/grad.txt 2>&1
echo "== gradcheck"; grep -E 'FAILED|PASSED|tests ran' $R/grad.txt | head -20
NCU=/usr/local/cuda/bin/ncu
timeout $(left 150) $NCU --clock-control none --metrics gpu__time_duration.sum --csv --launch-skip ${SKIP:-4000} \
  --launch-count ${COUNT:-2500} $W/bin/ember_cuda_bench --benchmark_filter='ResNet50TrainStep/' \
  --benchmark_min_time=1 > $R/ncu_ember.csv 2> $R/ncu_ember.err
timeout $(left 120) $NCU --clock-control none --metrics gpu__time_duration.sum --csv --profile-from-start off \
  python3 "$HERE/torch_train_ncu.py" > $R/ncu_torch.csv 2> $R/ncu_torch.err
for f in ember torch; do
  echo "== ncu $f"; python3 "$HERE/ncu_sum.py" $R/ncu_$f.csv 25 2>&1 | head -34
done
echo "took $(( $(date +%s) - START )) s"
