#!/usr/bin/env bash
# Auralis build entry point. On a fresh Debian 12 machine with the .NET 10 SDK:
#   ./build.sh run      install what is missing, build, process and analyze the bundled demo audio
#   ./build.sh test     install what is missing, build, run every test
# Other commands: setup | build | package | fuzz [SECONDS] | bench | clean
set -euo pipefail
cd "$(dirname "$0")"
ROOT=$(pwd)
CONFIGURATION=${CONFIGURATION:-Release}

# Debian packages the product and its tests need (runtime libraries, the JACK server, the reference tools, the DAW
# and the browser used by the end-to-end tests). Installed without recommends: jackd2 alone would drag in Qt.
APT_PACKAGES=(
  libsndfile1                      # audio file I/O (runtime)
  libavcodec59                     # Ogg Vorbis decoding (runtime, through host/Auralis.Offline.Native)
  libavcodec-dev pkg-config        # builds that shim
  jackd2 libjack-jackd2-0          # realtime backend (runtime) and its server (tests)
  aubio-tools python3-aubio        # pitch/tempo references
  ffmpeg sox                       # loudness reference, test signal tools
  fluidsynth timgm6mb-soundfont    # golden inputs from MIDI
  ardour                           # the DAW for the VST3 tests (ardour7-lua)
  g++                              # builds the VST3 bundle's native shim (host/Auralis.Vst3.Native)
  lv2-examples                     # a native LV2 gain: the peer of the VST3 benchmark (bench/vst3)
  chromium                         # browser end-to-end tests
  dpkg-dev                         # building the .deb
  python3                          # golden-audio scripts, oracles
  afl++                            # fuzzing (./build.sh fuzz; a smoke of it runs in ./build.sh test)
)

log() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }
die() { printf 'build.sh: error: %s\n' "$*" >&2; exit 1; }

as_root() {
  if [ "$(id -u)" = 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else die "need root (or sudo) to run: $*"; fi
}

# Installs those of the given Debian packages that are not installed yet, non-interactively.
install_apt_packages() {
  local missing=()
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  [ ${#missing[@]} -gt 0 ] || return 0
  log "installing Debian packages: ${missing[*]}"
  echo "jackd2 jackd/tweak_rt_limits boolean false" | as_root debconf-set-selections
  as_root env DEBIAN_FRONTEND=noninteractive apt-get update -o DPkg::Lock::Timeout=600 -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
    -o DPkg::Lock::Timeout=600 "${missing[@]}" >/dev/null
}

setup() {
  command -v dotnet >/dev/null || die "the .NET 10 SDK is not installed (dotnet not on PATH)"
  install_apt_packages "${APT_PACKAGES[@]}"
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
  log "analyzing the demo (every installed analyzer)"
  ./auralis analyze golden-audio/inputs/demo.flac --json "$out/demo-analysis.json"
}

demo_chain() { echo "separator.harmonic,gain"; }
demo_params() { echo "--param gain.gain_db=-3"; }

version() { sed -n 's:.*<AuralisVersion>\(.*\)</AuralisVersion>.*:\1:p' Directory.Build.props; }

# Builds dist/auralis-<version>-linux-x64.tar.gz and dist/auralis_<version>_amd64.deb from a fresh self-contained
# publish, then verifies both (contents + the unpacked package's own doctor). A miss fails the build, naming the file.
package() {
  local v stage deb pkg_root
  v=$(version)
  [ -n "$v" ] || die "cannot read AuralisVersion from Directory.Build.props"
  pkg_root=artifacts/package
  stage="$pkg_root/auralis-$v"
  rm -rf "$pkg_root" dist
  mkdir -p "$stage/plugins" dist
  log "publishing the self-contained host ($v, linux-x64, ReadyToRun)"
  # ReadyToRun code bakes in the layout of types from the assemblies it was compiled against, and the runtime fails fast
  # (SIGABRT, no message) when they no longer match. The incremental publish does not always recompile an image whose
  # own IL is unchanged, so a package made in a working tree can abort at start-up (verification catches it; seen
  # 2026-12-06): the host's RID-specific intermediates are always rebuilt.
  rm -rf host/Auralis.Cli/obj/Release/net10.0/linux-x64 host/Auralis.Cli/bin/Release/net10.0/linux-x64
  # One composite ReadyToRun image of the host and the runtime's libraries (auralis.r2r.dll): one version bubble, so
  # the generic instantiations across assemblies (System.CommandLine's options over int and bool, the JSON reader's
  # rows, the metadata reader's section headers) are precompiled instead of JIT-compiled at every start. Measured
  # paired: −13 to −16 ms per run, for 22 MB more in the package.
  dotnet publish host/Auralis.Cli -c Release -r linux-x64 --self-contained true -p:PublishReadyToRun=true \
    -p:PublishReadyToRunComposite=true -o "$stage" -nologo -v q -clp:ErrorsOnly
  rm -f "$stage"/*.pdb
  for manifest in plugins/*/plugin.json; do
    local project folder
    project=$(dirname "$manifest")
    folder=$(sed -n 's:.*<AuralisPluginFolder>\(.*\)</AuralisPluginFolder>.*:\1:p' "$project"/*.csproj)
    [ -n "$folder" ] || die "$project has a plugin.json but no AuralisPluginFolder"
    log "publishing plugin $folder"
    # Not ReadyToRun: a plugin's code is JIT-compiled once at full optimisation for this CPU (the CLI runs without
    # tiering). ReadyToRun code targets a baseline instruction set and, without tiering, would never be replaced:
    # measured 3-7 % slower on whole tracks, with no start-up gain.
    dotnet publish "$project" -c Release -r linux-x64 --self-contained false \
      -o "$stage/plugins/$folder" -nologo -v q -clp:ErrorsOnly
    rm -f "$stage/plugins/$folder"/*.pdb "$stage/plugins/$folder"/Auralis.Sdk.*
  done
  mkdir -p "$stage/docs"
  cp README.md LICENSE THIRD-PARTY-NOTICES.md "$stage/"
  cp docs/*.md "$stage/docs/"
  # The VST3 bundle (its own .NET runtime inside, so it works when copied alone into ~/.vst3).
  [ -d artifacts/vst3/Auralis.vst3 ] || die "artifacts/vst3/Auralis.vst3 is missing: the build did not produce the VST3 bundle"
  mkdir -p "$stage/vst3"
  cp -a artifacts/vst3/Auralis.vst3 "$stage/vst3/"
  rm -rf dist/Auralis.vst3 && cp -a artifacts/vst3/Auralis.vst3 dist/Auralis.vst3

  log "writing dist/auralis-$v-linux-x64.tar.gz"
  tar -C "$pkg_root" --sort=name --owner=0 --group=0 --numeric-owner --mtime='2026-01-01 00:00Z' \
    -czf "dist/auralis-$v-linux-x64.tar.gz" "auralis-$v"

  log "writing dist/auralis_${v}_amd64.deb"
  deb="$pkg_root/deb"
  mkdir -p "$deb/DEBIAN" "$deb/usr/lib" "$deb/usr/bin" "$deb/usr/share/doc/auralis"
  cp -a "$stage" "$deb/usr/lib/auralis"
  mkdir -p "$deb/usr/lib/vst3"
  mv "$deb/usr/lib/auralis/vst3/Auralis.vst3" "$deb/usr/lib/vst3/Auralis.vst3"
  rmdir "$deb/usr/lib/auralis/vst3"
  ln -s ../lib/auralis/auralis "$deb/usr/bin/auralis"
  cp LICENSE "$deb/usr/share/doc/auralis/copyright"
  cat > "$deb/DEBIAN/control" <<CONTROL
Package: auralis
Version: $v
Architecture: amd64
Maintainer: Auralis contributors <auralis@localhost>
Depends: libsndfile1, libavcodec59, libjack-jackd2-0 | libjack0, libc6, libgcc-s1, libstdc++6
Section: sound
Priority: optional
Installed-Size: $(du -sk "$deb/usr" | cut -f1)
Description: plugin-based audio processing host
 Auralis loads isolated enhancement plugins (harmonic/percussive separation, pitch, tempo,
 chroma, fingerprint) through a versioned SDK and runs them offline, as a JACK client, in a DAW
 as a VST3 plugin, or streamed to a local web player.
CONTROL
  dpkg-deb --root-owner-group -Zxz --build "$deb" "dist/auralis_${v}_amd64.deb" >/dev/null

  log "packing the SDK and the plugin template into dist/nuget (the SDK pack runs the API compatibility gate)"
  dotnet pack sdk/Auralis.Sdk -c Release -o dist/nuget -nologo -v q -clp:ErrorsOnly
  dotnet pack sdk/templates -c Release -o dist/nuget -nologo -v q -clp:ErrorsOnly

  log "verifying the packages"
  /usr/bin/python3 host/Packaging/verify_package.py "$ROOT" "dist/auralis-$v-linux-x64.tar.gz" "dist/auralis_${v}_amd64.deb" dist/Auralis.vst3 \
    || die "package verification failed (see above); nothing in dist/ may ship"
  ls -l dist/
}

# Fuzzing: SharpFuzz instruments the Auralis assemblies of a published harness, AFL++ (Debian's afl++) drives each
# target (manifest, graph, audio) for SECONDS, all targets at once. Findings go to artifacts/fuzz/findings/TARGET;
# a crash fails the command (copy it under tests/corpus/fuzz/TARGET/regressions/ and fix it). Prints, per target, the
# executions done and crashes found, and writes them to artifacts/fuzz/summary.tsv.
FUZZ_TARGETS=(manifest graph audio)
fuzz() {
  local seconds=${1:-60} tools=artifacts/tools bin=artifacts/fuzz/bin findings=artifacts/fuzz/findings
  command -v afl-fuzz >/dev/null || die "afl-fuzz is missing (Debian package afl++; ./build.sh setup installs it)"
  if [ ! -x "$tools/sharpfuzz" ]; then
    log "installing the SharpFuzz instrumentation tool into $tools"
    dotnet tool install SharpFuzz.CommandLine --version 2.3.0 --tool-path "$tools" >/dev/null
  fi
  log "publishing and instrumenting the fuzzing harness"
  rm -rf "$bin" "$findings"
  mkdir -p "$findings"
  dotnet publish tests/Auralis.Fuzz -c Release -o "$bin" -nologo -v q -clp:ErrorsOnly
  for assembly in Auralis.Engine.dll Auralis.Offline.dll; do
    "$tools/sharpfuzz" "$bin/$assembly" >/dev/null
  done
  log "fuzzing ${FUZZ_TARGETS[*]} for $seconds s each (in parallel)"
  local pids=()
  for target in "${FUZZ_TARGETS[@]}"; do
    # The harness is a .NET program (no compile-time instrumentation to detect), so skip AFL's binary check; the
    # machine's core_pattern and CPU governor belong to the system, not to us.
    mkdir -p "$findings/tmp"
    TMPDIR="$ROOT/$findings/tmp" AFL_SKIP_BIN_CHECK=1 AFL_NO_UI=1 AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1 AFL_SKIP_CPUFREQ=1 AFL_NO_AFFINITY=1 \
      AFL_FORKSRV_INIT_TMOUT=30000 \
      afl-fuzz -i "tests/corpus/fuzz/$target/seeds" -o "$findings/$target" -V "$seconds" -t 2000 -m none \
      -- "$bin/Auralis.Fuzz" "$target" > "$findings/$target.log" 2>&1 &
    pids+=($!)
  done
  local failed=0
  for i in "${!pids[@]}"; do
    wait "${pids[$i]}" || { echo "afl-fuzz ${FUZZ_TARGETS[$i]} failed; see $findings/${FUZZ_TARGETS[$i]}.log" >&2; tail -20 "$findings/${FUZZ_TARGETS[$i]}.log" >&2; failed=1; }
  done
  [ $failed = 0 ] || die "fuzzing did not run"
  printf 'target\tseconds\texecutions\tcrashes\thangs\n' > artifacts/fuzz/summary.tsv
  for target in "${FUZZ_TARGETS[@]}"; do
    local stats="$findings/$target/default/fuzzer_stats" execs crashes hangs
    [ -f "$stats" ] || die "afl-fuzz wrote no statistics for $target ($stats)"
    execs=$(sed -n 's/^execs_done *: *//p' "$stats")
    crashes=$(sed -n 's/^saved_crashes *: *//p' "$stats")
    hangs=$(sed -n 's/^saved_hangs *: *//p' "$stats")
    printf '%s\t%s\t%s\t%s\t%s\n' "$target" "$seconds" "$execs" "$crashes" "$hangs" >> artifacts/fuzz/summary.tsv
    printf 'fuzz %-8s %6s s  %10s executions  %s crashes  %s hangs\n' "$target" "$seconds" "$execs" "$crashes" "$hangs"
    [ "${execs:-0}" -gt 0 ] || die "fuzzing $target executed no input"
    [ "${crashes:-0}" = 0 ] || { ls "$findings/$target/default/crashes" >&2; die "fuzzing $target found crashes (in $findings/$target/default/crashes)"; }
  done
}

run_tests() {
  log "running tests"
  mkdir -p artifacts/test-results
  # A test that hangs is killed after 10 minutes and named (no test needs more than about two), so a hang costs
  # one failed test instead of CI's whole time budget.
  local started=artifacts/test-results/.started status=0
  touch "$started"
  dotnet test Auralis.slnx -c "$CONFIGURATION" --no-build -nologo -v q \
    --blame-hang-timeout 10m --blame-hang-dump-type none \
    --logger "console;verbosity=normal" --logger "trx" --results-directory artifacts/test-results "$@" || status=$?
  if [ "$status" != 0 ]; then
    # The projects' output is interleaved; name the failures last, where a CI log is read.
    log "tests failed (exit $status):"
    find artifacts/test-results -name '*.trx' -newer "$started" -print0 | xargs -0 -r /usr/bin/python3 tests/report_failures.py
    return "$status"
  fi
}

# Benchmarks only: real recordings, the scipy peer of the separator benchmark, FFTW for the FFT comparison, and the
# native LV2 and VST3 peers of the VST3 bridge benchmark.
BENCH_APT_PACKAGES=(wesnoth-1.16-music python3-scipy libfftw3-single3 lv2-examples zam-plugins)

bench() {
  install_apt_packages "${BENCH_APT_PACKAGES[@]}"
  package
  # Each bench/*/run.sh writes its table under artifacts/bench/ (docs/benchmarks.md collects them).
  for b in bench/*/run.sh; do log "benchmark $b"; bash "$b"; done
}

cmd=${1:-build}
shift || true
case "$cmd" in
  setup) setup ;;
  build) build ;;
  test) setup; build; package; fuzz "${FUZZ_SMOKE_SECONDS:-5}"; run_tests "$@" ;;
  fuzz) setup; build; fuzz "$@" ;;
  bench) setup; build; bench ;;
  package) setup; build; package ;;
  run) setup; build; run_demo ;;
  clean) rm -rf artifacts dist; find . -name bin -o -name obj -type d -prune -exec rm -rf {} + ;;
  *) die "unknown command '$cmd' (setup | build | test | run | package | fuzz | bench | clean)" ;;
esac
