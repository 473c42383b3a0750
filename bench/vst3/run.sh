#!/usr/bin/env bash
# bench/vst3/run.sh [SECONDS] — CPU per block of Auralis inside Ardour 7 (headless), against peers measured in the
# same run, and the VST3 bridge's own cost per process call. Needs a build (./build.sh build) and the Debian packages
# ardour, lv2-examples (the native LV2 "Simple Amplifier", a gain like Auralis Gain: the like-for-like peer) and
# zam-plugins (ZamAutoSat, a native VST3 of light per-sample work: the same format without a bridge).
# Writes artifacts/bench/vst3.md. A benchmark, not a test: figures depend on the machine and its load.
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$(pwd)
SECONDS_OF_AUDIO=${1:-20}
RUNS=${RUNS:-5}
BUNDLE_BUILT=$ROOT/artifacts/vst3/Auralis.vst3
[ -d "$BUNDLE_BUILT" ] || { echo "bench/vst3: error: $BUNDLE_BUILT is missing; run ./build.sh build" >&2; exit 1; }
[ -d /usr/lib/lv2/eg-amp.lv2 ] || { echo "bench/vst3: error: the peer plugin is missing; install it: sudo apt-get install lv2-examples" >&2; exit 1; }
[ -d /usr/lib/vst3/ZamAutoSat.vst3 ] || { echo "bench/vst3: error: the native VST3 peer is missing; install it: sudo apt-get install zam-plugins" >&2; exit 1; }
command -v ardour7-lua >/dev/null || { echo "bench/vst3: error: ardour7-lua is missing; run ./build.sh setup" >&2; exit 1; }

W=$(mktemp -d)
trap 'rm -rf "$W"' EXIT
mkdir -p "$W/vst3" "$W/home" "$W/sessions" "$W/out" "$ROOT/artifacts/bench"
cp -r "$BUNDLE_BUILT" "$W/vst3/"
cp -r /usr/lib/vst3/ZamAutoSat.vst3 "$W/vst3/"
cp -r "$ROOT/tests/daw/cfg" "$W/cfg"
# Ardour's scanner dates its cache in whole seconds: a bundle changed within the same second reads as stale.
find "$W/vst3" -exec touch -h -d "@$(($(date +%s) - 5))" {} +
export HOME=$W/home XDG_CONFIG_HOME=$W/cfg XDG_CACHE_HOME=$W/cache XDG_DATA_HOME=$W/data XDG_STATE_HOME=$W/state
export VST3_PATH=$W/vst3 LV2_PATH=/usr/lib/lv2 AURALIS_VST3_LOG=$W/vst3.log
unset AURALIS_PLUGINS AURALIS_VST3_DIAGNOSTICS
# Ardour 7.3's AVX-512 mixing can write past an export buffer (fixed in Ardour 8.10; see ArdourRig.ArdourFpuFlags in
# tests/Auralis.Daw.Tests): give it the CPU features it would detect, without AVX-512F.
fpu=$((0x1 | 0x2 | 0x4 | 0x8))
cpu_flags=" $(grep -m1 '^flags' /proc/cpuinfo | cut -d: -f2) "
[[ $cpu_flags == *" avx "* ]] && fpu=$((fpu | 0x10))
[[ $cpu_flags == *" avx "* && $cpu_flags == *" fma "* ]] && fpu=$((fpu | 0x40))
export ARDOUR_FPU_FLAGS=$fpu
LD_LIBRARY_PATH=/usr/lib/ardour7 /usr/lib/ardour7/ardour-vst3-scanner -f "$W/vst3/Auralis.vst3" >/dev/null 2>&1
LD_LIBRARY_PATH=/usr/lib/ardour7 /usr/lib/ardour7/ardour-vst3-scanner -f "$W/vst3/ZamAutoSat.vst3" >/dev/null 2>&1

sox -n -r 48000 -c 2 -b 32 -e float "$W/noise.wav" synth "$SECONDS_OF_AUDIO" whitenoise vol 0.3
# A chain holding the same gain, saved as the preset Ardour loads by label.
python3 - "$W" <<'PY'
import base64, json, os, struct, subprocess, sys
w = sys.argv[1]
graph = {"nodes": [{"id": "level", "plugin": "gain", "parameters": {"gain_db": -6}}],
         "connections": [{"from": "input", "to": "level"}, {"from": "level", "to": "output"}]}
state = json.dumps({"plugin": "org.auralis.chain", "state_version": 1, "parameters": {},
                    "custom": base64.b64encode(json.dumps(graph).encode()).decode()}).encode()
info = json.load(open(os.path.join(w, "vst3/Auralis.vst3/Contents/Resources/moduleinfo.json")))
cid = next(c["CID"] for c in info["Classes"] if c["Name"] == "Auralis Chain").encode()
preset = b"VST3" + struct.pack("<i", 1) + cid + struct.pack("<q", 48 + len(state)) + state
preset += b"List" + struct.pack("<i", 1) + b"Comp" + struct.pack("<qq", 48, len(state))
folder = os.path.join(w, "home/.vst3/presets/Auralis/Auralis Chain")
os.makedirs(folder, exist_ok=True)
open(os.path.join(folder, "gain.vstpreset"), "wb").write(preset)
PY

# run_ardour NAME LUA-FIELDS RUN -> Ardour's average microseconds per run() of the plugin during one export
run_ardour() {
  local name=$1 fields=$2 i=$3
  echo "return { name = \"$name-$i\", input = \"$W/noise.wav\", rate = 48000, stats = true, $fields }" > "$W/$name-$i.lua"
  JOB_FILE=$W/$name-$i.lua SESSIONS=$W/sessions OUT_DIR=$W/out ardour7-lua "$ROOT/tests/daw/session.lua" > "$W/$name-$i.log" 2>&1 \
    || { echo "bench/vst3: error: Ardour failed on $name (log: $W/$name-$i.log)" >&2; cat "$W/$name-$i.log" >&2; exit 1; }
  awk -F'\t' '/^AURALIS .* stats\t/ { split($2, a, " "); print a[1] }' "$W/$name-$i.log" >> "$W/$name.values"
}
median() { sort -g "$W/$1.values" | sed -n "$(( (RUNS + 1) / 2 ))p"; }

echo "bench/vst3: Ardour, $SECONDS_OF_AUDIO s of stereo noise at 48 kHz, 4096-frame blocks, $RUNS rounds (interleaved)" >&2
for i in $(seq "$RUNS"); do
  # Interleaved, so that a change in the machine's load hits every plugin alike.
  run_ardour amp 'plugin = "Simple Amplifier", type = "LV2", params = { Gain = -6 }' "$i"
  run_ardour zam 'plugin = "ZamAutoSat", type = "VST3"' "$i"
  run_ardour gain 'plugin = "Auralis Gain", params = { Gain = -6 }' "$i"
  run_ardour chain 'plugin = "Auralis Chain", preset = "gain"' "$i"
done
NATIVE_AMP=$(median amp)
NATIVE_VST3=$(median zam)
AURALIS_GAIN=$(median gain)
AURALIS_CHAIN=$(median chain)

echo "bench/vst3: the bridge in this process" >&2
dotnet build "$ROOT/bench/vst3/Auralis.Vst3.Bench/Auralis.Vst3.Bench.csproj" -c Release -nologo -v q -clp:ErrorsOnly >/dev/null
INPROC=$(dotnet "$ROOT/bench/vst3/Auralis.Vst3.Bench/bin/Release/net10.0/Auralis.Vst3.Bench.dll" "$BUNDLE_BUILT" "$ROOT/artifacts/app/plugins" 4096 2)
get() { awk -v k="$1" '$1 == k { print $2 }' <<<"$INPROC"; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
SIZE=$(du -sh "$BUNDLE_BUILT" | cut -f1)

REPORT=$ROOT/artifacts/bench/vst3.md
{
  echo "# VST3 bridge benchmark ($(date -u +%Y-%m-%d), $(nproc) CPUs)"
  echo
  echo "Inside Ardour 7.3 (headless, Dummy backend, export): Ardour's own timing of each plugin's run() per 4096-frame stereo block, µs (median of $RUNS exports of $SECONDS_OF_AUDIO s each, interleaved)."
  echo
  echo "| plugin | format | µs per block | ratio to the native peer |"
  echo "|---|---|---|---|"
  printf '| Simple Amplifier (lv2-examples, native C, the peer) | LV2 | %s | 1.00 |\n' "$NATIVE_AMP"
  printf '| ZamAutoSat (zam-plugins, native C++, light per-sample work) | VST3 | %s | %s |\n' "$NATIVE_VST3" "$(ratio "$NATIVE_VST3" "$NATIVE_AMP")"
  printf '| Auralis Gain | VST3 (bridge) | %s | %s |\n' "$AURALIS_GAIN" "$(ratio "$AURALIS_GAIN" "$NATIVE_AMP")"
  printf '| Auralis Chain holding Auralis Gain | VST3 (bridge + engine) | %s | %s |\n' "$AURALIS_CHAIN" "$(ratio "$AURALIS_CHAIN" "$NATIVE_AMP")"
  echo
  echo "In one process (bench/vst3/Auralis.Vst3.Bench), Auralis Gain, 4096-frame stereo blocks, µs per block (fastest of 25 rounds):"
  echo
  echo "| path | µs per block |"
  echo "|---|---|"
  echo "| the plugin's Process, called directly | $(get plugin-direct-us) |"
  echo "| the engine's RenderSequence (what \`auralis process\` runs per block) | $(get engine-render-us) |"
  echo "| the bundle's VST3 process() through the C ABI | $(get vst3-process-us) |"
  echo "| one call through the C ABI with no work (getLatencySamples) | $(get abi-round-trip-us) |"
  echo
  echo "Bridge overhead per process call (VST3 process − plugin alone, fastest rounds): **$(get bridge-overhead-us) µs** per 4096-frame stereo block."
  echo
  echo "Bundle: $SIZE ($BUNDLE_BUILT)."
} > "$REPORT"
cat "$REPORT"
