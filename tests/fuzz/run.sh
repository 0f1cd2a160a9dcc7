#!/usr/bin/env bash
# Runs ember's libFuzzer targets: tests/fuzz/run.sh BUILD_DIR SECONDS [TARGET...]
# (`make fuzz FUZZ_SECONDS=N [FUZZ_TARGETS="config schema"]` calls it; docs/RELIABILITY.md).
#
# Each target runs for SECONDS on its working corpus (BUILD_DIR/fuzz-corpus/<target>, which grows
# as coverage grows) plus the seeds in tests/fuzz/corpus/<target> and the folders
# tests/fuzz/extra_seeds.txt names for it (never modified). A crash, a
# sanitizer report, an untyped exception (reported as an abort), a hang (-timeout) or running out
# of memory stops the target and leaves the input in BUILD_DIR/fuzz-artifacts/; the script then
# exits with 1. Set FUZZ_RUNS to stop after that many executions instead of after SECONDS.
set -uo pipefail
build=${1:?usage: run.sh BUILD_DIR SECONDS [TARGET...]}
seconds=${2:?usage: run.sh BUILD_DIR SECONDS [TARGET...]}
shift 2
here="$(cd "$(dirname "$0")" && pwd)"
targets=("$@")
[ ${#targets[@]} -eq 0 ] && targets=(config schema ops_yaml plugin_file plugin_table tensor_api script archive)

# Per-target libFuzzer options: input size limits that fit what each input means.
declare -A extra=(
  [config]="-max_len=4096 -dict=$here/dict/config.dict"
  [schema]="-max_len=1024 -dict=$here/dict/schema.dict"
  [ops_yaml]="-max_len=8192 -dict=$here/dict/ops_yaml.dict"
  [plugin_file]="-max_len=8192"
  [plugin_table]="-max_len=512"
  [tensor_api]="-max_len=1024"
  [script]="-max_len=4096 -dict=$here/dict/script.dict"
  [archive]="-max_len=65536"
)
# Big allocations fail (OutOfMemoryError) instead of being attempted: a correct op may ask for
# gigabytes when fuzzed sizes say so, which is not a bug and must not exhaust the machine. 32 MiB
# keeps each input fast (a 64 MiB arange took 13 s under ASan) and is above libFuzzer's own 20 MiB.
export ASAN_OPTIONS="${ASAN_OPTIONS:-}:max_allocation_size_mb=32:allocator_may_return_null=1"

status=0
for t in "${targets[@]}"; do
  bin="$build/bin/fuzz_$t"
  [ -x "$bin" ] || { echo "run.sh: $bin not built (make fuzz-build)" >&2; exit 2; }
  corpus="$build/fuzz-corpus/$t"
  artifacts="$build/fuzz-artifacts"
  mkdir -p "$corpus" "$artifacts"
  limit="-max_total_time=$seconds"
  [ -n "${FUZZ_RUNS:-}" ] && limit="-runs=$FUZZ_RUNS"
  echo "== fuzz_$t ($limit)"
  log="$build/fuzz-$t.log"
  # shellcheck disable=SC2086
  # Seed folders kept elsewhere in the repository for this target (extra_seeds.txt).
  seeds=("$here/corpus/$t")
  while read -r name dir; do
    [ "$name" = "$t" ] && seeds+=("$here/../../$dir")
  done < <(grep -v '^#' "$here/extra_seeds.txt")
  "$bin" $limit -timeout=60 -rss_limit_mb=4096 -print_final_stats=1 ${extra[$t]} \
    -artifact_prefix="$artifacts/$t-" "$corpus" "${seeds[@]}" >"$log" 2>&1
  rc=$?
  # The summary, without libFuzzer's progress lines and ASan's notes on refused allocations.
  grep -v -e '^#[0-9]*[[:space:]]*\(NEW\|REDUCE\|pulse\|RELOAD\)' -e 'failed to allocate' "$log" | tail -n 40
  [ $rc -eq 0 ] || { echo "run.sh: fuzz_$t failed (exit $rc); log $log, inputs in $artifacts" >&2; status=1; }
done
exit $status
