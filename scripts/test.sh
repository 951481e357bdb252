#!/usr/bin/env bash
# The whole test suite: install what is missing, then build and run every
# CTest test twice — a gcc build into build/, and a clang build with
# AddressSanitizer + UndefinedBehaviorSanitizer into build-asan/. Both
# builds treat warnings as errors. Exit status: 0 only if both pass.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/setup.sh

jobs=$(nproc)

echo "== gcc build (build/) =="
cmake -S . -B build -DMMSIM_WERROR=ON
cmake --build build -j"$jobs"
(cd build && ctest --output-on-failure -j"$jobs")

echo "== clang build with ASan + UBSan (build-asan/) =="
CC=clang CXX=clang++ cmake -S . -B build-asan -DMMSIM_SANITIZE=ON -DMMSIM_WERROR=ON -DMMSIM_FUZZ=ON \
	-DCMAKE_BUILD_TYPE=Debug
cmake --build build-asan -j"$jobs"
(cd build-asan && ctest --output-on-failure -j"$jobs")
