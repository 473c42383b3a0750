#!/usr/bin/env bash
# Sandbox overhead and fault-recovery benchmark. Needs a build (./build.sh build). Writes artifacts/bench/sandbox.tsv.
set -euo pipefail
cd "$(dirname "$0")/../.."
mkdir -p artifacts/bench
dotnet run --project bench/SandboxBench -c Release -- "$(pwd)" "${1:-10}" | tee artifacts/bench/sandbox.tsv
