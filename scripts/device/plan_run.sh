#!/usr/bin/env bash
# One device call (under 5 minutes): the CUDA tests, ember's and PyTorch's ResNet-50 rows side by
# side, the same ember rows with the v7-style cuDNN calls (EMBER_CUDNN_LEGACY_API=1), gradcheck
# of the convolutions and the conformance suite for them. Packed next to run_cuda_checks.sh by
# pack_cuda_carry.sh; run there: bash device-carry/cuda/plan_run.sh
cd "$(dirname "$0")"
WARM_S=100 TESTS_S=150 bash run_cuda_checks.sh env warm tests > /dev/null 2>&1
W=/tmp/ember-cuda
export LD_LIBRARY_PATH=$(grep -h LD_LIBRARY_PATH= /tmp/ember-logs/env.log | cut -d= -f2-)
export EMBER_CUDA_KERNEL_CACHE=$W/kernel-cache
R=$OUT
B="--benchmark_repetitions=3 --benchmark_report_aggregates_only=true --benchmark_min_time=0.3"
timeout 120 $W/bin/ember_cuda_bench --benchmark_filter='ResNet50|SmallOp' $B --benchmark_format=json --benchmark_out=$R/ember_plans.json > $R/ember_plans.txt 2>&1
timeout 150 python3 torch_cuda_bench.py --resnet-only --out $R/torch.json --reps 15 > $R/torch.txt 2>&1
python3 compare_bench.py $R/ember_plans.json $R/torch.json > $R/compare.txt 2>&1
EMBER_CUDNN_LEGACY_API=1 timeout 70 $W/bin/ember_cuda_bench --benchmark_filter='ResNet50Forward|ResNet50TrainStep$' $B > $R/ember_legacy.txt 2>&1
EMBER_TEST_DEVICE=cuda timeout 60 $W/bin/ember_autograd_tests --gtest_filter='Ops/GradcheckAllOps.*onvolution*' --gtest_brief=1 > $R/gradconv.txt 2>&1
timeout 100 $W/bin/ember-conformance --plugin $W/lib/ember/plugins/libember_cuda.so --op convolution --op convolution_backward > $R/conf_conv.txt 2>&1
echo "conformance(conv) rc=$?" >> $R/conf_conv.txt
cat /tmp/ember-logs/summary.txt
echo "== compare"; cat $R/compare.txt
echo "== legacy"; grep -E "median" $R/ember_legacy.txt
echo "== gradconv"; tail -3 $R/gradconv.txt
echo "== conformance conv"; tail -4 $R/conf_conv.txt
