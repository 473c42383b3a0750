#!/usr/bin/env bash
# Auralis build entry point. On a fresh Debian 12 machine with the .NET 10 SDK:
#   ./build.sh run      install what is missing, build, process and analyze the bundled demo audio
#   ./build.sh test     install what is missing, build, run every test
# Other commands: setup | build | package | bench | clean
set -euo pipefail
cd "$(dirname "$0")"
ROOT=$(pwd)
CONFIGURATION=${CONFIGURATION:-Release}

# Debian packages the product and its tests need (runtime libraries, the JACK server, the reference tools, the DAW
# and the browser used by the end-to-end tests). Installed without recommends: jackd2 alone would drag in Qt.
APT_PACKAGES=(
  libsndfile1                      # audio file I/O (runtime)
  jackd2 libjack-jackd2-0          # realtime backend (runtime) and its server (tests)
  aubio-tools python3-aubio        # pitch/tempo references
  ffmpeg sox                       # loudness reference, test signal tools
  fluidsynth timgm6mb-soundfont    # golden inputs from MIDI
  ardour                           # the DAW for the VST3 tests (ardour7-lua)
  chromium                         # browser end-to-end tests
  dpkg-dev                         # building the .deb
  python3                          # golden-audio scripts, oracles
)

log() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }
die() { printf 'build.sh: error: %s\n' "$*" >&2; exit 1; }

as_root() {
  if [ "$(id -u)" = 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else die "need root (or sudo) to run: $*"; fi
}

setup() {
  command -v dotnet >/dev/null || die "the .NET 10 SDK is not installed (dotnet not on PATH)"
  local missing=()
  for p in "${APT_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  if [ ${#missing[@]} -gt 0 ]; then
    log "installing Debian packages: ${missing[*]}"
    echo "jackd2 jackd/tweak_rt_limits boolean false" | as_root debconf-set-selections
    as_root env DEBIAN_FRONTEND=noninteractive apt-get update -o DPkg::Lock::Timeout=600 -qq
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
      -o DPkg::Lock::Timeout=600 "${missing[@]}" >/dev/null
  fi
  if [ ! -f tests/oracles/node_modules/essentia.js/package.json ] || [ ! -f tests/oracles/node_modules/node-wav/package.json ]; then
    command -v npm >/dev/null || die "npm is not installed (needed for the essentia.js reference)"
    log "installing npm reference tools into tests/oracles"
    (cd tests/oracles && npm install --no-audit --no-fund --loglevel=error >/dev/null)
  fi
}

build() {
  log "building ($CONFIGURATION)"
  dotnet build Auralis.slnx -c "$CONFIGURATION" -nologo -v q -clp:ErrorsOnly
  [ -x artifacts/app/auralis ] || die "the build did not produce artifacts/app/auralis"
}

run_demo() {
  local out=artifacts/demo
  mkdir -p "$out"
  log "processing the demo through a chain"
  ./auralis process golden-audio/inputs/demo.flac "$out/demo-processed.wav" --chain "$(demo_chain)" $(demo_params)
  log "analyzing the demo"
  if ./auralis plugins --json | grep -q '"kind": "analyzer"'; then
    ./auralis analyze golden-audio/inputs/demo.flac --json "$out/demo-analysis.json"
  else
    echo "(no analyzer plugins are built yet)"
  fi
}

demo_chain() { echo "gain"; }
demo_params() { echo "--param gain.gain_db=-3"; }

run_tests() {
  log "running tests"
  mkdir -p artifacts/test-results
  dotnet test Auralis.slnx -c "$CONFIGURATION" --no-build -nologo -v q \
    --logger "console;verbosity=normal" --results-directory artifacts/test-results "$@"
}

bench_realtime() {
  log "realtime benchmark (JACK, about 27 minutes; docs/realtime.md)"
  bench/realtime/run.sh "$@"
}

cmd=${1:-build}
shift || true
case "$cmd" in
  setup) setup ;;
  build) build ;;
  test) setup; build; run_tests "$@" ;;
  run) setup; build; run_demo ;;
  bench) setup; build; bench_realtime "$@" ;;
  clean) rm -rf artifacts dist; find . -name bin -o -name obj -type d -prune -exec rm -rf {} + ;;
  *) die "unknown command '$cmd' (setup | build | test | run | package | bench | clean)" ;;
esac
