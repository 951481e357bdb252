#!/usr/bin/env bash
# Install what mmsim needs to build, test and benchmark, from Debian packages.
# Idempotent: installs only the packages that are missing. Needs root (apt-get).
set -euo pipefail

packages=(
  build-essential   # gcc 12, make
  cmake             # the build
  pkg-config        # finds xxHash, jemalloc, libbsd
  libgtest-dev      # GoogleTest (tests/)
  libxxhash-dev     # XXH3 state digests (core/digest.c)
  libjemalloc-dev   # allocator of the shipped binaries
  libbsd-dev        # sys/tree.h red-black tree, the bench/ baseline only
  strace            # trace recording (traces/)
  clang             # second compiler: the sanitizer build; libFuzzer later
  libclang-rt-dev   # clang's ASan/UBSan runtimes
  python3           # small helper scripts in bench/ and tests/
  python3-matplotlib # bench/plot.py: the benchmark plots (CTest bench-plot)
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done

if [ "${#missing[@]}" -eq 0 ]; then
  echo "setup: all ${#packages[@]} packages present"
  exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
  echo "setup: missing ${missing[*]}; run this script as root to install them" >&2
  exit 1
fi

echo "setup: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}"
