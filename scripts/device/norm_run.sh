#!/usr/bin/env bash
# Device calls for the normalization kernels (each under 10 minutes). Packed next to
# run_cuda_checks.sh by pack_cuda_carry.sh; run there: bash device-carry/cuda/norm_run.sh PHASE
#   check    the CUDA tests; conformance and gradcheck of the norm, convolution and fused optimizer
#            ops; ember's and PyTorch's ResNet-50 rows side by side
#   profile  GPU time per kernel (Nsight Compute) of ember's training step (a window of
#            steady-state steps, counted by the optimizer's launches) and of PyTorch's whole step
cd "$(dirname "$0")"
HERE=$(pwd)
W=/tmp/ember-cuda
R=$OUT
if [ ! -f /tmp/ember-logs/env.log ]; then
  WARM_S=100 TESTS_S=150 bash run_cuda_checks.sh env warm tests > /dev/null 2>&1
  cat /tmp/ember-logs/summary.txt
fi
export LD_LIBRARY_PATH=$(grep -h LD_LIBRARY_PATH= /tmp/ember-logs/env.log | cut -d= -f2-)
export EMBER_CUDA_KERNEL_CACHE=$W/kernel-cache
case ${1:-check} in
  check)
    ops="--op native_batch_norm --op native_batch_norm_backward --op native_layer_norm --op native_layer_norm_backward"
    ops="$ops --op convolution --op convolution_backward --op _fused_sgd_ --op _fused_adam_ --op _fused_adamw_"
    timeout 150 $W/bin/ember-conformance --plugin $W/lib/ember/plugins/libember_cuda.so $ops > $R/conf.txt 2>&1
    echo "conformance rc=$?" >> $R/conf.txt
    EMBER_TEST_DEVICE=cuda timeout 120 $W/bin/ember_autograd_tests \
      --gtest_filter='Ops/GradcheckAllOps.*norm*:Ops/GradcheckAllOps.*onvolution*' --gtest_brief=1 > $R/grad.txt 2>&1
    B="--benchmark_repetitions=3 --benchmark_report_aggregates_only=true --benchmark_min_time=0.3"
    timeout 120 $W/bin/ember_cuda_bench --benchmark_filter='ResNet50' $B --benchmark_format=json \
      --benchmark_out=$R/ember.json > $R/ember.txt 2>&1
    timeout 150 python3 torch_cuda_bench.py --resnet-only --out $R/torch.json --reps 15 > $R/torch.txt 2>&1
    python3 compare_bench.py $R/ember.json $R/torch.json > $R/compare.txt 2>&1
    echo "== conformance"; grep -E 'FAIL|passed, ' $R/conf.txt | head -20; tail -1 $R/conf.txt
    echo "== gradcheck"; grep -E 'FAILED|PASSED|tests ran' $R/grad.txt | head -20
    echo "== compare"; cat $R/compare.txt ;;
  profile)
    NCU=/usr/local/cuda/bin/ncu
    timeout 240 $NCU --clock-control none --metrics gpu__time_duration.sum --csv --launch-skip ${SKIP:-4000} \
      --launch-count ${COUNT:-3000} $W/bin/ember_cuda_bench --benchmark_filter='ResNet50TrainStep/' \
      --benchmark_min_time=1 > $R/ncu_ember.csv 2> $R/ncu_ember.err
    timeout 200 $NCU --clock-control none --metrics gpu__time_duration.sum --csv --profile-from-start off \
      python3 "$HERE/torch_train_ncu.py" > $R/ncu_torch.csv 2> $R/ncu_torch.err
    for f in ember torch; do
      echo "== $f"; python3 "$HERE/ncu_sum.py" $R/ncu_$f.csv 30 2>&1 | head -40
    done ;;
esac
