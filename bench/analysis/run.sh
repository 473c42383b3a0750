#!/usr/bin/env bash
# Analysis speed against the references (docs/benchmarks.md). Needs ./build.sh package (dist/), wesnoth-1.16-music,
# python3-scipy, aubio-tools, ffmpeg, node (./build.sh bench installs the bench-only packages).
set -euo pipefail
cd "$(dirname "$0")/../.."
exec /usr/bin/python3 bench/analysis/bench.py "$@"
