#!/usr/bin/env bash
# Packs what the device machine needs for the distributed checks (run_dist_checks.sh, one GPU)
# and the multi-GPU runs (run_multi_gpu.sh, issue 13) into one folder to carry:
#   DEST/ember-dist.tar.xz  bin/ (ember, ember_dist_worker, ember_dist_bench, ember_distributed_tests),
#                           lib/ (libember, the cpu, cuda, nccl and gloo plugins), deps/ (the shared
#                           libraries they need that the device image lacks, found with ldd), stripped
#   DEST/*.sh, *.py         the run scripts, the PyTorch benchmark and the comparison
# The build must hold the CUDA plugin (branch `cuda` merged) and the nccl comm plugin:
#   cmake --build BUILD --target ember_cli ember_cpu ember_cuda ember_nccl ember_gloo \
#         ember_dist_worker ember_dist_bench ember_distributed_tests
# Usage: scripts/device/pack_dist_carry.sh BUILD_DIR DEST_DIR   (DEST_DIR: a folder of the checkout
# that .git/info/exclude ignores, e.g. device-carry/dist; name it in the device tool's `carry`)
set -euo pipefail
BUILD=${1:?build dir}
DEST=${2:?destination dir}
SRC=$(cd "$(dirname "$0")/../.." && pwd)
STAGE=$(mktemp -d)
trap 'rm -rf "$STAGE"' EXIT
mkdir -p "$STAGE/bin" "$STAGE/lib/ember/plugins" "$STAGE/deps" "$DEST"
for b in ember ember_dist_worker ember_dist_bench ember_distributed_tests; do
  [ -f "$BUILD/bin/$b" ] && cp "$BUILD/bin/$b" "$STAGE/bin/" || echo "missing $BUILD/bin/$b" >&2
done
cp -P "$BUILD"/lib/libember.so* "$STAGE/lib/"
for p in cpu cuda nccl gloo; do
  f="$BUILD/lib/ember/plugins/libember_$p.so"
  [ -f "$f" ] && cp "$f" "$STAGE/lib/ember/plugins/" || echo "missing $f (the runs that need it will fail)" >&2
done
# Shared libraries from this machine, except the C/C++ runtimes and CUDA's own (the device has newer).
for f in "$STAGE"/bin/* "$STAGE"/lib/libember.so.* "$STAGE"/lib/ember/plugins/*.so; do
  ldd "$f" | awk '/=> \// {print $3}'
done | sort -u | grep -Ev '/(libc|libm|libdl|librt|libpthread|libstdc\+\+|libgcc_s|ld-linux[^/]*|libcuda|libcudart|libnccl|libcublas[^/]*|libcudnn[^/]*|libnvrtc[^/]*|libember[^/]*)\.so' |
  while read -r lib; do cp -L "$lib" "$STAGE/deps/"; done
strip --strip-unneeded "$STAGE"/bin/* "$STAGE"/lib/libember.so.* "$STAGE"/lib/ember/plugins/*.so "$STAGE"/deps/* 2>/dev/null || true
tar -C "$STAGE" -cJf "$DEST/ember-dist.tar.xz" .
cp "$SRC/scripts/device/run_dist_checks.sh" "$SRC/scripts/device/run_multi_gpu.sh" "$SRC/scripts/device/dist_env.sh" \
   "$SRC/scripts/compare_dist_bench.py" "$SRC/bench/distributed/torch_dist_bench.py" "$DEST/"
# Issue 13 also owns the CUDA plugin's peer-copy checks: bring its script and archive when packed.
for f in run_cuda_multi_gpu.sh; do [ -f "$SRC/scripts/device/$f" ] && cp "$SRC/scripts/device/$f" "$DEST/"; done
du -sh "$DEST"/*
