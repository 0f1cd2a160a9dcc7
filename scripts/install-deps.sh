#!/usr/bin/env bash
# Installs the Debian packages ember needs, only those missing (run as root on Debian 12).
# CUDA, cuDNN and NCCL are expected under /usr/local/cuda and are optional.
set -euo pipefail

packages=(
  build-essential cmake ninja-build ccache pkg-config
  libyaml-cpp-dev libboost1.74-dev zlib1g-dev   # zlib: TorchScript archives (script/serialization)
  libdnnl-dev ocl-icd-opencl-dev opencl-c-headers   # dnnl's CMake config requires OpenCL
  libgtest-dev libgmock-dev libbenchmark-dev
  libtorch-dev libopenblas0-pthread python3-torch
  libgloo-dev                                       # the gloo comm plugin
  libopenmpi-dev openmpi-bin                        # the mpi comm plugin and mpirun
  # clang 14 for `make test CXX=clang++`, the sanitizer builds and libFuzzer (docs/RELIABILITY.md):
  # the compiler, its sanitizer/fuzzer runtimes, OpenMP, and llvm-symbolizer for stack traces
  clang clang-14 libclang-rt-14-dev libomp-14-dev llvm llvm-14
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
  echo "ember: missing packages: ${missing[*]}; run as root or install them with apt-get" >&2
  exit 1
fi
echo "ember: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}"
