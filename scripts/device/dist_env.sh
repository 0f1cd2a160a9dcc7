# Sourced by run_dist_checks.sh and run_multi_gpu.sh: unpacks ember-dist.tar.xz into $WORK, sets
# the library path (ember's deps, PyTorch's NCCL and CUDA libraries, /usr/local/cuda), keeps NVLink
# multicast off (the device machines' rule), and defines `step NAME TIMEOUT_S COMMAND...`, which
# logs to $LOGS/NAME.log and appends "NAME rc=.. seconds" and the log's key lines to $SUMMARY.
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
RESULTS=${OUT:-/tmp/ember-out}
LOGS=/tmp/ember-dist-logs
WORK=/tmp/ember-dist
mkdir -p "$RESULTS" "$LOGS" "$WORK"
[ -x "$WORK/bin/ember" ] || tar -xJf "$HERE/ember-dist.tar.xz" -C "$WORK"
NV=$(python3 -c 'import nvidia; print(list(nvidia.__path__)[0])' 2>/dev/null || true)
LIBS="$WORK/lib:$WORK/deps"
for d in "$NV"/*/lib /usr/local/cuda/lib64 /usr/local/cuda/lib; do [ -d "$d" ] && LIBS="$LIBS:$d"; done
export LD_LIBRARY_PATH="$LIBS${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
export NCCL_NVLS_ENABLE=0 TORCH_SYMM_MEM_DISABLE_MULTICAST=1 NVSHMEM_DISABLE_NVLS=1
export EMBER_CUDA_KERNEL_CACHE="$WORK/kernel-cache"
EMBER="$WORK/bin/ember"
WORKER="$WORK/bin/ember_dist_worker"
BENCH="$WORK/bin/ember_dist_bench"
export EMBER_TEST_CLI="$EMBER" EMBER_TEST_WORKER="$WORKER" EMBER_TEST_PLUGINS="$WORK/lib/ember/plugins"
NCCL_ENV="EMBER_TEST_BACKEND=cpu:gloo,cuda:nccl EMBER_TEST_DEVICE=cuda"

publish() {
  cp "$SUMMARY" "$RESULTS/" 2>/dev/null
  tar -czf "$RESULTS/dist-logs.tgz" -C "$LOGS" . 2>/dev/null
}

step() {
  local name=$1 limit=$2
  shift 2
  local start=$(date +%s)
  timeout -k 5 "$limit" "$@" > "$LOGS/$name.log" 2>&1
  local rc=$?
  printf '%-28s rc=%-3s %4ss\n' "$name" "$rc" "$(( $(date +%s) - start ))" >> "$SUMMARY"
  grep -E 'passed|PASSED|FAILED|error|detected after|within 1e-5|allreduce bytes|ddp model|Duplicate|correct' "$LOGS/$name.log" \
    | grep -v '^\[ RUN' | head -${LINES_PER_STEP:-30} | cut -c1-400 | sed 's/^/    /' >> "$SUMMARY"
  [ $rc -eq 124 ] && echo "    (timed out after ${limit}s)" >> "$SUMMARY"
  publish
  return 0
}
