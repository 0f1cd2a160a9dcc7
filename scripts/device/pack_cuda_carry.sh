#!/usr/bin/env bash
# Packs what the device machine needs to run the CUDA plugin's checks and benchmarks into one
# compressed archive, next to run_cuda_checks.sh and the PyTorch benchmark scripts:
#   DEST/ember-cuda.tar.xz   bin/ (the CLI, ember-conformance, the CUDA and autograd tests, the
#                            GPU benchmark), lib/ (libember, the cpu and cuda plugins), deps/ (the
#                            shared libraries the device image lacks: oneDNN, yaml-cpp, Google
#                            Benchmark, OpenCL loader), stripped
#   DEST/run_cuda_checks.sh, compare_bench.py, torch_cuda_bench.py, libtorch_cuda_bench.cpp
# Usage: scripts/device/pack_cuda_carry.sh BUILD_DIR DEST_DIR   (DEST_DIR: an ignored folder of the
# checkout the device tool sends, e.g. /work/main/device-carry/cuda)
set -euo pipefail
BUILD=${1:?build dir}
DEST=${2:?destination dir}
SRC=$(cd "$(dirname "$0")/../.." && pwd)
STAGE=$(mktemp -d)
trap 'rm -rf "$STAGE"' EXIT
mkdir -p "$STAGE/bin" "$STAGE/lib/ember/plugins" "$STAGE/deps" "$DEST"
for b in ember ember-conformance ember_cuda_tests ember_autograd_tests ember_cuda_bench ember_cuda_nvrtc_tests; do
  [ -f "$BUILD/bin/$b" ] && cp "$BUILD/bin/$b" "$STAGE/bin/"
done
cp -P "$BUILD"/lib/libember.so* "$STAGE/lib/"
[ -f "$BUILD/lib/libember_sampler.so" ] && cp "$BUILD/lib/libember_sampler.so" "$STAGE/lib/"
cp "$BUILD/lib/ember/plugins/libember_cpu.so" "$BUILD/lib/ember/plugins/libember_cuda.so" "$STAGE/lib/ember/plugins/"
for l in libdnnl.so.2 libOpenCL.so.1 libyaml-cpp.so.0.7 libbenchmark.so.1debian libgomp.so.1; do
  for dir in /lib/x86_64-linux-gnu /usr/lib/x86_64-linux-gnu /usr/lib64 /usr/lib; do
    if [ -e "$dir/$l" ]; then cp -L "$dir/$l" "$STAGE/deps/"; break; fi
  done
done
strip --strip-unneeded "$STAGE"/bin/* "$STAGE"/lib/libember.so.* "$STAGE"/lib/ember/plugins/*.so "$STAGE"/deps/* 2>/dev/null || true
tar -C "$STAGE" -cJf "$DEST/ember-cuda.tar.xz" .
cp "$SRC/scripts/device/run_cuda_checks.sh" "$SRC/scripts/device/run_cuda_multi_gpu.sh" "$SRC/scripts/device/plan_run.sh" "$SRC/scripts/device/norm_run.sh" "$SRC/scripts/device/smallop_ab.sh" "$SRC/scripts/device/ncu_sum.py" "$SRC/scripts/device/torch_train_ncu.py" "$SRC/scripts/device/compare_bench.py" "$SRC/bench/cuda/torch_cuda_bench.py" \
   "$SRC/bench/cuda/libtorch_cuda_bench.cpp" "$DEST/"
du -sh "$DEST"/*
