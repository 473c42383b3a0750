#!/usr/bin/env bash
# The realtime benchmark (docs/realtime.md): private jackd servers at 64, 128 and 256 frames, the peers and
# 'auralis run' with the built-in chain, with and without background allocation. About 27 minutes with the defaults.
#   bench/realtime/run.sh [--seconds 60] [--periods 64,128,256] [--chain SPEC] [--alloc-mbps 200] [--scenarios KEY,...]
# Scenarios: thru, thru-busy, peer, peer-alloc, auralis, auralis-alloc, auralis-alloc-engine, auralis-busy, auralis-changes
# (default: all).
# Build first (./build.sh build); './build.sh bench' does both. Results: artifacts/bench/realtime-results.md.
set -euo pipefail
cd "$(dirname "$0")/../.."
[ -f artifacts/bench/realtime/Auralis.Bench.Realtime.dll ] || { echo "bench/realtime: not built yet; run ./build.sh build" >&2; exit 2; }
export JACK_NO_START_SERVER=1
exec dotnet artifacts/bench/realtime/Auralis.Bench.Realtime.dll "$@"
