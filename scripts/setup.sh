#!/usr/bin/env bash
# Installs what hmmm needs to build (Debian 12 or Ubuntu packages) and builds
# it in build/. Run it again at any time: it installs only what is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(build-essential cmake pkg-config libpcre2-dev libyaml-dev libmd4c-dev
          libjansson-dev libgumbo-dev zlib1g-dev libexpat1-dev libcmocka-dev jq
          python3-jsonschema groff-base zsh patch chromium)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ "${#missing[@]}" -gt 0 ]; then
  echo "Installing: ${missing[*]}"
  if [ "$(id -u)" -eq 0 ]; then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}"
  elif command -v sudo >/dev/null; then
    sudo apt-get update -qq
    sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}"
  else
    echo "Please install these packages as root: ${missing[*]}" >&2
    exit 1
  fi
fi

build=${BUILD_DIR:-build}
cmake -S . -B "$build" -DCMAKE_BUILD_TYPE="${BUILD_TYPE:-RelWithDebInfo}" -DHMMM_WERROR=ON \
  ${CMAKE_ARGS:-} >/dev/null
cmake --build "$build" -j"$(nproc)"
echo "Built $build/hmmm"
