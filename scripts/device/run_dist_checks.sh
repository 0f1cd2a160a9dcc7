#!/usr/bin/env bash
# Distributed checks on ONE GPU (issue 10; the single-GPU part of issue 13). Run from the folder
# pack_dist_carry.sh filled:   bash device-carry/dist/run_dist_checks.sh
#   env        GPU, torch, NCCL found
#   gtest      ember_distributed_tests: the nccl tests (world size 1) and the CPU suite (gloo)
#   world1     nccl collectives, DDP on cuda vs one process (1e-5), with world size 1
#   shared     two processes sharing cuda:0 (NCCL refuses duplicate GPUs in one communicator since
#              2.x; the log records whether it permits it here, and the error ember reports if not)
#   kill       SIGKILL of one of two ranks sharing the GPU during an NCCL all_reduce (if shared works)
#   bench1     NCCL all_reduce time, world size 1, ember vs PyTorch (no bus bandwidth with one rank)
# Results: $OUT/summary.txt (printed last) and $OUT/dist-logs.tgz.
set -u
SUMMARY=/tmp/ember-dist-logs/summary.txt
source "$(dirname "$0")/dist_env.sh"
: > "$SUMMARY"
PHASES=${*:-env gtest world1 shared kill bench1}
for phase in $PHASES; do
  case $phase in
    env)
      { nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader
        python3 -c 'import torch; print("torch", torch.__version__, "cuda", torch.version.cuda, "nccl", torch.cuda.nccl.version())'
        ldd "$WORK/lib/ember/plugins/libember_nccl.so" | grep -E "nccl|cudart|not found"
        "$EMBER" info; } > "$LOGS/env.log" 2>&1
      sed 's/^/env: /' "$LOGS/env.log" | head -12 >> "$SUMMARY" ;;
    gtest) step gtest 300 "$WORK/bin/ember_distributed_tests" --gtest_brief=1 ;;
    world1)
      step nccl_collectives_1 120 env $NCCL_ENV "$EMBER" launch --nproc 1 "$WORKER" nccl_collectives
      step ddp_cuda_1 120 env $NCCL_ENV "$EMBER" launch --nproc 1 "$WORKER" ddp_equivalence 4 ;;
    shared)
      step nccl_shared_gpu_2 120 env $NCCL_ENV EMBER_TEST_SHARE_GPU=1 EMBER_TEST_TIMEOUT_MS=60000 \
        "$EMBER" launch --nproc 2 "$WORKER" nccl_collectives
      step ddp_shared_gpu_2 120 env $NCCL_ENV EMBER_TEST_SHARE_GPU=1 EMBER_TEST_TIMEOUT_MS=60000 \
        "$EMBER" launch --nproc 2 "$WORKER" ddp_equivalence 4 ;;
    kill)
      if grep -q "scenario nccl_collectives passed" "$LOGS/nccl_shared_gpu_2.log" 2>/dev/null; then
        for t in 1 2 3; do
          step "nccl_kill_shared_$t" 60 env $NCCL_ENV EMBER_TEST_SHARE_GPU=1 EMBER_TEST_TIMEOUT_MS=10000 \
            "$EMBER" launch --grace 30 --nproc 2 "$WORKER" kill_in_all_reduce 1
        done
      else
        echo "kill: skipped (NCCL did not run two ranks on one GPU here)" >> "$SUMMARY"
      fi ;;
    bench1)
      step ember_nccl_allreduce_1 180 env $NCCL_ENV "$EMBER" launch --nproc 1 "$BENCH" allreduce 1024 1073741824
      step torch_nccl_allreduce_1 180 python3 "$HERE/torch_dist_bench.py" --nproc 1 --backend nccl allreduce 1024 1073741824 ;;
    *) echo "unknown phase $phase" >> "$SUMMARY" ;;
  esac
done
publish
echo "==== distributed checks, one GPU ($(date -u +%FT%TZ)) ===="
cat "$SUMMARY"
