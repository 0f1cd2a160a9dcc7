#!/usr/bin/env bash
# Runs ember's libFuzzer targets: tests/fuzz/run.sh BUILD_DIR SECONDS [TARGET...]
# (`make fuzz FUZZ_SECONDS=N [FUZZ_TARGETS="config schema"]` calls it; docs/RELIABILITY.md).
#
# Each target runs for SECONDS on its working corpus (BUILD_DIR/fuzz-corpus/<target>, which grows
# as coverage grows) plus the seeds in tests/fuzz/corpus/<target> (never modified). A crash, a
# sanitizer report, an untyped exception (reported as an abort), a hang (-timeout) or running out
# of memory stops the target and leaves the input in BUILD_DIR/fuzz-artifacts/; the script then
# exits with 1. Set FUZZ_RUNS to stop after that many executions instead of after SECONDS.
set -uo pipefail
build=${1:?usage: run.sh BUILD_DIR SECONDS [TARGET...]}
seconds=${2:?usage: run.sh BUILD_DIR SECONDS [TARGET...]}
shift 2
here="$(cd "$(dirname "$0")" && pwd)"
targets=("$@")
[ ${#targets[@]} -eq 0 ] && targets=(config schema ops_yaml plugin_file plugin_table tensor_api)

# Per-target libFuzzer options: input size limits that fit what each input means.
declare -A extra=(
  [config]="-max_len=4096 -dict=$here/dict/config.dict"
  [schema]="-max_len=1024 -dict=$here/dict/schema.dict"
  [ops_yaml]="-max_len=8192 -dict=$here/dict/ops_yaml.dict"
  [plugin_file]="-max_len=8192"
  [plugin_table]="-max_len=512"
  [tensor_api]="-max_len=1024"
)
# Big allocations fail (OutOfMemoryError) instead of being attempted: a correct op may ask for
# gigabytes when fuzzed sizes say so, which is not a bug and must not exhaust the machine.
export ASAN_OPTIONS="${ASAN_OPTIONS:-}:max_allocation_size_mb=256:allocator_may_return_null=1"

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
  # shellcheck disable=SC2086
  "$bin" $limit -timeout=20 -rss_limit_mb=4096 -print_final_stats=1 ${extra[$t]} \
    -artifact_prefix="$artifacts/$t-" "$corpus" "$here/corpus/$t" 2>&1 | grep -v "^#[0-9]*\s*\(NEW\|REDUCE\|pulse\)" \
    || true
  [ "${PIPESTATUS[0]}" -eq 0 ] || { echo "run.sh: fuzz_$t failed; inputs in $artifacts" >&2; status=1; }
done
exit $status
