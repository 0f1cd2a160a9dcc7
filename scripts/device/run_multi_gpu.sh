#!/usr/bin/env bash
# Every multi-GPU run of issue 13 in one device call, on a kind with 2 or more GPUs
# (nvidia-h100-x2, -x4, ...). Run from the folder pack_dist_carry.sh filled:
#   bash device-carry/dist/run_multi_gpu.sh
# In order (the most wanted first, so a run cut short still brings them back):
#   collectives  nccl collectives on 2 GPUs and on all of them
#   ddp          DDP over NCCL on 2 GPUs: parameters equal, to 1e-5, to one process on the whole batch
#   allreduce    NCCL all_reduce 1 KiB .. 1 GiB on 2 GPUs, ember then PyTorch (same call), compared
#   resnet50     DDP ResNet-50 (batch 64 per GPU, synthetic data) on 2 GPUs and on 4 where there
#                are 4, ember (overlap on and off) then PyTorch, compared
#   kill         SIGKILL of one rank during an NCCL all_reduce, 10 trials, each must fail the
#                survivor within timeout (10 s) + 2 s naming the dead rank
#   peer         the CUDA plugin's peer-copy checks (run_cuda_multi_gpu.sh), when packed alongside
# Results: $OUT/summary.txt (printed last), $OUT/compare.txt and $OUT/dist-logs.tgz.
set -u
SUMMARY=/tmp/ember-dist-logs/summary.txt
source "$(dirname "$0")/dist_env.sh"
: > "$SUMMARY"
GPUS=$(nvidia-smi -L 2>/dev/null | wc -l)
echo "GPUs: $GPUS" >> "$SUMMARY"
nvidia-smi topo -m 2>&1 | head -8 | sed 's/^/    /' >> "$SUMMARY"
[ "$GPUS" -lt 2 ] && echo "only $GPUS GPU(s): use a kind with 2 or more; run_dist_checks.sh covers one GPU" >> "$SUMMARY"
PHASES=${*:-collectives ddp allreduce resnet50 kill peer}
for phase in $PHASES; do
  case $phase in
    collectives)
      step nccl_collectives_2 180 env $NCCL_ENV "$EMBER" launch --nproc 2 "$WORKER" nccl_collectives
      [ "$GPUS" -gt 2 ] && step "nccl_collectives_$GPUS" 180 env $NCCL_ENV "$EMBER" launch --nproc "$GPUS" "$WORKER" nccl_collectives ;;
    ddp) step ddp_nccl_2 180 env $NCCL_ENV "$EMBER" launch --nproc 2 "$WORKER" ddp_equivalence 6 ;;
    allreduce)
      step ember_allreduce_2 240 env $NCCL_ENV "$EMBER" launch --nproc 2 "$BENCH" allreduce 1024 1073741824
      step torch_allreduce_2 240 python3 "$HERE/torch_dist_bench.py" --nproc 2 --backend nccl allreduce 1024 1073741824
      python3 "$HERE/compare_dist_bench.py" "$LOGS/ember_allreduce_2.log" "$LOGS/torch_allreduce_2.log" \
        --min-ratio 0.97 > "$LOGS/compare_allreduce.txt" 2>&1
      cat "$LOGS/compare_allreduce.txt" >> "$SUMMARY"; cat "$LOGS/compare_allreduce.txt" >> "$RESULTS/compare.txt" ;;
    resnet50)
      for n in 2 4; do
        [ "$GPUS" -lt "$n" ] && continue
        step "ember_resnet50_$n" 300 env $NCCL_ENV "$EMBER" launch --nproc "$n" "$BENCH" ddp resnet50 64 20
        step "torch_resnet50_$n" 300 python3 "$HERE/torch_dist_bench.py" --nproc "$n" --backend nccl ddp resnet50 64 20
        python3 "$HERE/compare_dist_bench.py" "$LOGS/ember_resnet50_$n.log" "$LOGS/torch_resnet50_$n.log" \
          > "$LOGS/compare_resnet50_$n.txt" 2>&1
        cat "$LOGS/compare_resnet50_$n.txt" >> "$SUMMARY"; cat "$LOGS/compare_resnet50_$n.txt" >> "$RESULTS/compare.txt"
      done ;;
    kill)
      ok=0
      for t in $(seq 1 10); do
        LINES_PER_STEP=3 step "nccl_kill_$t" 60 env $NCCL_ENV EMBER_TEST_TIMEOUT_MS=10000 \
          "$EMBER" launch --grace 30 --nproc 2 "$WORKER" kill_in_all_reduce 1
        grep -q "scenario kill_in_all_reduce passed" "$LOGS/nccl_kill_$t.log" && ok=$((ok + 1))
      done
      echo "kill trials: $ok/10 survivors named the dead rank within timeout + 2 s" >> "$SUMMARY" ;;
    peer)
      if [ -f "$HERE/run_cuda_multi_gpu.sh" ] && [ -f "$HERE/ember-cuda.tar.xz" ]; then
        step cuda_peer_copies 400 bash "$HERE/run_cuda_multi_gpu.sh"
      else
        echo "peer: run_cuda_multi_gpu.sh and ember-cuda.tar.xz (pack_cuda_carry.sh) are not in this folder; skipped" >> "$SUMMARY"
      fi ;;
    *) echo "unknown phase $phase" >> "$SUMMARY" ;;
  esac
done
publish
echo "==== multi-GPU runs ($(date -u +%FT%TZ)) ===="
cat "$SUMMARY"
