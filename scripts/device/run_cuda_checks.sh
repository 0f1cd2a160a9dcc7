#!/usr/bin/env bash
# The CUDA plugin's checks and benchmarks on the device machine, in one call (see
# docs/CUDA.md, "Testing on a GPU"). Run from the folder pack_cuda_carry.sh filled:
#   bash device-carry/cuda/run_cuda_checks.sh [PHASE...]
# Phases (default: all, in this order; the most wanted results first, so that a run cut short
# by the tool's limit still brings them back):
#   env          GPU, driver, libraries found
#   info         `ember info` (the cuda device and its properties)
#   warm         compiles the likely kernel programs into the disk cache on every core first
#   tests        ember_cuda_tests (device, streams, allocator, kernels, errors, training)
#   conformance  ember-conformance on libember_cuda.so (every kernel against the CPU plugin)
#   bench        ember_cuda_bench, then PyTorch's torch_cuda_bench.py, then the comparison
#   libtorch     runs libtorch_cuda_bench.cpp against the device's PyTorch (host cost); it is
#                compiled in the background from the start, beside the other phases
#   gradcheck    gradcheck / gradgradcheck of every differentiable op on cuda (float64)
#   profile      ember_cuda_bench's rows matching PROFILE_FILTER (default: ResNet-50 forward at
#                batch 1) under the sampling profiler (bench/sampler; PROFILE_CLOCK wall, the
#                main thread, or cpu, every thread): profile.stacks, to fold
#                here with bench/sampler/summarize.py --libs BUILD_DIR (the carried copies are
#                stripped)
# Multi-GPU checks (peer copies): run_cuda_multi_gpu.sh, on a kind with two or more GPUs.
# Logs: the device tool brings back at most 8 files, so every log is written to /tmp/ember-logs
# and, after each phase, $OUT (the tool's folder, or /tmp/ember-out) receives summary.txt,
# compare.txt and logs.tgz (all logs and JSON results). The last lines printed are the summary.
set -u
HERE=$(cd "$(dirname "$0")" && pwd)
RESULTS=${OUT:-/tmp/ember-out}
OUT=/tmp/ember-logs
WORK=/tmp/ember-cuda
mkdir -p "$RESULTS" "$OUT" "$WORK"
publish() {
  cp "$OUT/summary.txt" "$RESULTS/" 2>/dev/null
  [ -f "$OUT/compare.txt" ] && cp "$OUT/compare.txt" "$RESULTS/"
  tar -czf "$RESULTS/logs.tgz" -C "$OUT" . 2>/dev/null
}
PHASES=${*:-env info warm tests conformance bench libtorch gradcheck}
SUMMARY="$OUT/summary.txt"
: > "$SUMMARY"

tar -xJf "$HERE/ember-cuda.tar.xz" -C "$WORK"
NV=$(python3 -c 'import nvidia; print(list(nvidia.__path__)[0])' 2>/dev/null || true)
LIBS="$WORK/lib:$WORK/deps"
for d in "$NV"/*/lib /usr/local/cuda/lib64 /usr/local/cuda/lib; do [ -d "$d" ] && LIBS="$LIBS:$d"; done
export LD_LIBRARY_PATH="$LIBS${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
export EMBER_CUDA_KERNEL_CACHE="$WORK/kernel-cache"
export EMBER_CLI="$WORK/bin/ember"
export NCCL_NVLS_ENABLE=0 TORCH_SYMM_MEM_DISABLE_MULTICAST=1 NVSHMEM_DISABLE_NVLS=1

# run NAME TIMEOUT_S COMMAND...: logs to $OUT/NAME.log, one summary line with gtest-style counts.
run() {
  local name=$1 limit=$2
  shift 2
  local start=$(date +%s)
  timeout "$limit" "$@" > "$OUT/$name.log" 2>&1
  local rc=$? took=$(( $(date +%s) - start ))
  local counts=""
  local passed=$(grep -Eo '\[  PASSED  \] [0-9]+' "$OUT/$name.log" | tail -1 | grep -Eo '[0-9]+$')
  local failed=$(grep -E '^\[  FAILED  \] [A-Za-z]' "$OUT/$name.log" | sed 's/ (.*//' | sort -u | wc -l)
  [ "$failed" = 0 ] && failed=
  local skipped=$(grep -Eo '\[  SKIPPED \] [0-9]+' "$OUT/$name.log" | tail -1 | grep -Eo '[0-9]+$')
  [ -n "$passed$failed$skipped" ] && counts="passed ${passed:-0}, failed ${failed:-0}, skipped ${skipped:-0}"
  local conf=$(grep -Eo '[0-9]+ passed, [0-9]+ failed, [0-9]+ skipped' "$OUT/$name.log" | tail -1)
  [ -n "$conf" ] && counts="$conf"
  printf '%-12s rc=%-3s %4ss  %s\n' "$name" "$rc" "$took" "$counts" >> "$SUMMARY"
  grep -E '^\[  FAILED  \] [A-Za-z]' "$OUT/$name.log" | sort -u | head -40 | sed 's/^/    /' >> "$SUMMARY"
  grep -E ' FAIL ' "$OUT/$name.log" | head -40 | sed 's/^/    /' >> "$SUMMARY"
  [ $rc -eq 124 ] && echo "    (timed out after ${limit}s)" >> "$SUMMARY"
  return 0
}

# libtorch's benchmark takes a minute or two to compile: start it now, on the CPUs, in parallel.
LIBTORCH_PID=
if [[ " $PHASES " == *" libtorch "* ]]; then
  (
    TORCH=$(python3 -c 'import torch, os; print(os.path.dirname(torch.__file__))')
    ABI=$(python3 -c 'import torch; print(int(torch._C._GLIBCXX_USE_CXX11_ABI))')
    timeout ${LIBTORCH_BUILD_S:-240} g++ -O2 -std=c++17 -D_GLIBCXX_USE_CXX11_ABI="$ABI" "$HERE/libtorch_cuda_bench.cpp" \
      -I"$TORCH/include" -I"$TORCH/include/torch/csrc/api/include" -I/usr/local/cuda/include \
      -L"$TORCH/lib" -Wl,-rpath,"$TORCH/lib" -ltorch -ltorch_cpu -ltorch_cuda -lc10 -lc10_cuda -o "$WORK/libtorch_bench"
  ) > "$OUT/libtorch_build.log" 2>&1 &
  LIBTORCH_PID=$!
fi

for phase in $PHASES; do
  case $phase in
    env)
      { nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader; uname -m; ldd --version | head -1;
        python3 -c 'import torch; print("torch", torch.__version__, "cuda", torch.version.cuda, "cudnn", torch.backends.cudnn.version())';
        echo "LD_LIBRARY_PATH=$LD_LIBRARY_PATH"; ldd "$WORK/lib/ember/plugins/libember_cuda.so" | grep -E "not found|cudnn|nvrtc";
        nproc; } > "$OUT/env.log" 2>&1
      head -3 "$OUT/env.log" | sed 's/^/env: /' >> "$SUMMARY" ;;
    info) run info 60 "$WORK/bin/ember" info ;;
    warm) EMBER_CUDA_WARM_CACHE=90 run warm ${WARM_S:-150} "$WORK/bin/ember_cuda_nvrtc_tests" --gtest_filter='*WarmKernelCache*'
          grep -h '^warmed' "$OUT/warm.log" | sed 's/^/    /' >> "$SUMMARY" ;;
    tests) run tests ${TESTS_S:-150} "$WORK/bin/ember_cuda_tests" --gtest_brief=1 ;;
    conformance)
      # Under `script`, stderr is a terminal: the suite then prints each kernel as it checks it.
      run conformance ${CONFORMANCE_S:-240} script -qfec "stdbuf -oL $WORK/bin/ember-conformance --plugin \
        $WORK/lib/ember/plugins/libember_cuda.so --junit $OUT/conformance.xml" /dev/null
      if ! grep -q 'passed, .* failed' "$OUT/conformance.log"; then
        # It crashed: one op at a time (for at most TRIAGE_S seconds), to name the ones that crash.
        tail -5 "$OUT/conformance.log" | tr '\r' '\n' | tail -3 | sed 's/^/    last: /' >> "$SUMMARY"
        triage_end=$(( $(date +%s) + ${TRIAGE_S:-90} ))
        for op in $("$WORK/bin/ember" ops --device cuda | grep -v composite | awk '{print $1}' | sed 's/^aten:://; s/\..*//' | sort -u); do
          [ "$(date +%s)" -ge "$triage_end" ] && { echo "    (triage stopped at $op)" >> "$SUMMARY"; break; }
          timeout 30 "$WORK/bin/ember-conformance" --plugin "$WORK/lib/ember/plugins/libember_cuda.so" --op "$op" \
            > "$OUT/conf_op.log" 2>&1
          rc=$?
          [ $rc -gt 1 ] && echo "    conformance --op $op: rc=$rc" >> "$SUMMARY"
          grep -E ' FAIL ' "$OUT/conf_op.log" | sed 's/^/    /' >> "$SUMMARY"
        done
      fi ;;
    gradcheck) EMBER_TEST_DEVICE=cuda run gradcheck ${GRADCHECK_S:-150} "$WORK/bin/ember_autograd_tests" \
                 --gtest_filter='Ops/GradcheckAllOps.*' --gtest_brief=1 ;;
    bench)
      run bench ${BENCH_S:-300} "$WORK/bin/ember_cuda_bench" --benchmark_format=json --benchmark_out="$OUT/ember_bench.json" \
        --benchmark_min_time=${BENCH_MIN_TIME:-0.2} \
        --benchmark_repetitions=${BENCH_REPS:-3} --benchmark_report_aggregates_only=true
      run torchbench ${TORCHBENCH_S:-240} python3 "$HERE/torch_cuda_bench.py" --out "$OUT/torch_bench.json" \
        --reps ${TORCH_REPS:-15}
      python3 "$HERE/compare_bench.py" "$OUT/ember_bench.json" "$OUT/torch_bench.json" "$OUT/libtorch_bench.json" \
        > "$OUT/compare.txt" 2>&1
      cat "$OUT/compare.txt" >> "$SUMMARY" ;;
    libtorch)
      [ -n "$LIBTORCH_PID" ] && wait "$LIBTORCH_PID"
      echo "libtorch_build rc=$? $(grep -c error "$OUT/libtorch_build.log") error line(s)" >> "$SUMMARY"
      [ -x "$WORK/libtorch_bench" ] && run libtorch 120 "$WORK/libtorch_bench" "$OUT/libtorch_bench.json"
      python3 "$HERE/compare_bench.py" "$OUT/ember_bench.json" "$OUT/torch_bench.json" "$OUT/libtorch_bench.json" \
        > "$OUT/compare.txt" 2>&1
      grep host_small_op "$OUT/compare.txt" >> "$SUMMARY" ;;
    profile)
      EMBER_SAMPLER_CLOCK=${PROFILE_CLOCK:-wall} EMBER_SAMPLER_OUT="$OUT/profile.stacks" LD_PRELOAD="$WORK/lib/libember_sampler.so" run profile ${PROFILE_S:-90} \
        "$WORK/bin/ember_cuda_bench" --benchmark_filter="${PROFILE_FILTER:-ResNet50Forward/1}" --benchmark_min_time=${PROFILE_MIN_TIME:-3}
      cp "$OUT/profile.stacks" "$RESULTS/" 2>/dev/null
      grep -E '^BM_' "$OUT/profile.log" | sed 's/^/    /' >> "$SUMMARY" ;;
    *) echo "unknown phase $phase" >> "$SUMMARY" ;;
  esac
  publish
done
echo "==== summary ($(date -u +%FT%TZ)) ===="
cat "$SUMMARY"
