#!/usr/bin/env bash
# The FFT comparison behind plugins/Auralis.Dsp/RealFft (docs/benchmarks.md). Needs libfftw3-single3 (bench package).
set -euo pipefail
cd "$(dirname "$0")/../.."
mkdir -p artifacts/bench
dotnet run --project bench/fft -c Release -nologo -v q | tee artifacts/bench/fft.md
