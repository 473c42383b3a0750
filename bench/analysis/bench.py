#!/usr/bin/env python3
"""Speed of Auralis's analyses against the reference implementations, on the same real recordings, in one run.

Each measurement is a whole process (start-up included) pinned to one core (taskset -c 0); the figure is × realtime =
audio duration / wall time, best of N runs, and peak RSS. The implementations of one feature take turns, one run each
per round (ours, then each reference, N rounds), so a change in the shared VM's speed — seen to move figures by 40 %
within minutes — reaches all of them alike and the ratios stay comparable. Auralis is measured as shipped: the ReadyToRun build of
./build.sh package (dist/), unpacked under artifacts/bench/. References get a WAV already decoded where they cannot read
OGG (their decoding is not counted; Auralis decodes the OGG itself), so the comparison leans their way.

usage: bench/analysis/bench.py [--runs 3] [--tracks N]     → artifacts/bench/analysis.md (and stdout)
"""
import argparse, glob, json, os, subprocess, sys, tempfile, time

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
MUSIC = "/usr/share/games/wesnoth/1.16/data/core/music"
TRACKS = ["loyalists.ogg", "northerners.ogg", "breaking_the_chains.ogg"]  # 3.0, 3.5 and 3.6 minutes, stereo


def auralis_exe():
    tarballs = sorted(glob.glob(os.path.join(ROOT, "dist", "auralis-*-linux-x64.tar.gz")))
    if not tarballs:
        sys.exit("bench: no dist/auralis-*.tar.gz; run ./build.sh package first")
    dest = os.path.join(ROOT, "artifacts", "bench", "auralis")
    subprocess.run(["rm", "-rf", dest], check=True)
    os.makedirs(dest)
    subprocess.run(["tar", "-xzf", tarballs[-1], "-C", dest, "--strip-components=1"], check=True)
    return os.path.join(dest, "auralis")


def run_once(cmd):
    """Wall time and peak RSS (MiB) of the measured process itself, pinned to core 0."""
    start = time.perf_counter()
    p = subprocess.Popen(["taskset", "-c", "0"] + cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=ENV)
    err = p.stderr.read()
    _, status, usage = os.wait4(p.pid, 0)
    elapsed = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit(f"bench: {' '.join(cmd)} failed: {err.decode()[-500:]}")
    return elapsed, usage.ru_maxrss / 1024


def measure_in_turns(cmds, runs):
    """Best wall time and largest peak RSS of each command, the commands taking turns one run at a time."""
    best = [float("inf")] * len(cmds)
    rss = [0.0] * len(cmds)
    for _ in range(runs):
        for i, cmd in enumerate(cmds):
            elapsed, peak = run_once(cmd)
            best[i] = min(best[i], elapsed)
            rss[i] = max(rss[i], peak)
    return list(zip(best, rss))


ENV = dict(os.environ, AURALIS_PLUGIN_SCAN="off")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--tracks", type=int, default=len(TRACKS))
    args = parser.parse_args()
    exe = auralis_exe()
    oracle = os.path.join(ROOT, "tests", "oracles", "essentia-oracle.js")
    tmp = tempfile.mkdtemp(prefix="auralis-bench-")
    graph = os.path.join(tmp, "all5.json")
    with open(graph, "w") as f:
        json.dump({"nodes": [{"id": "sep", "plugin": "separator"}, {"id": "pitch", "plugin": "pitch"},
                             {"id": "tempo", "plugin": "tempo"}, {"id": "chroma", "plugin": "chroma"},
                             {"id": "fp", "plugin": "fingerprint"}],
                   "connections": [{"from": "input", "to": "sep"}, {"from": "sep.harmonic", "to": "output"},
                                   {"from": "input", "to": "pitch"}, {"from": "input", "to": "tempo"},
                                   {"from": "input", "to": "chroma"}, {"from": "input", "to": "fp"}]}, f)
    rows = []
    for track in TRACKS[: args.tracks]:
        src = os.path.join(MUSIC, track)
        duration = float(subprocess.run(["soxi", "-D", src], capture_output=True, text=True).stdout)
        wav = os.path.join(tmp, "stereo.wav")
        mono = os.path.join(tmp, "mono.wav")
        subprocess.run(["sox", src, "-b", "16", "-t", "wavpcm", wav], check=True)
        subprocess.run(["sox", src, "-c", "1", "-b", "16", "-t", "wavpcm", mono], check=True)
        out = os.path.join(tmp, "out.wav")
        cases = [
            ("pitch", "auralis analyze --plugins pitch", [exe, "analyze", src, "--plugins", "pitch", "--json", os.path.join(tmp, "a.json")]),
            ("pitch", "aubio pitch -m yin", ["aubio", "pitch", "-m", "yin", "-B", "2048", "-H", "512", src]),
            ("pitch", "aubio pitch -m yinfft", ["aubio", "pitch", "-m", "yinfft", "-B", "2048", "-H", "512", src]),
            ("tempo", "auralis analyze --plugins tempo", [exe, "analyze", src, "--plugins", "tempo", "--json", os.path.join(tmp, "a.json")]),
            ("tempo", "aubio tempo", ["aubio", "tempo", src]),
            ("tempo", "essentia.js RhythmExtractor2013", ["node", oracle, "rhythm", mono]),
            ("chroma", "auralis analyze --plugins chroma", [exe, "analyze", src, "--plugins", "chroma", "--json", os.path.join(tmp, "a.json")]),
            ("chroma", "essentia.js HPCP", ["node", oracle, "hpcp", mono]),
            ("loudness", "auralis analyze --plugins loudness", [exe, "analyze", src, "--plugins", "loudness", "--json", os.path.join(tmp, "a.json")]),
            ("loudness", "ffmpeg ebur128=peak=true (same measures: integrated, range, true peak)", ["ffmpeg", "-nostats", "-i", src, "-af", "ebur128=peak=true", "-f", "null", "-"]),
            ("loudness", "ffmpeg ebur128 (no true peak)", ["ffmpeg", "-nostats", "-i", src, "-af", "ebur128", "-f", "null", "-"]),
            ("separator", "auralis process --chain separator.harmonic", [exe, "process", src, out, "--chain", "separator.harmonic"]),
            ("separator", "scipy median-filter HPSS", ["/usr/bin/python3", os.path.join(ROOT, "bench", "analysis", "hpss_scipy.py"), wav, out]),
            ("all five", "auralis process --graph (separator + 4 analyzers)", [exe, "process", src, out, "--graph", graph]),
        ]
        features = list(dict.fromkeys(feature for feature, _, _ in cases))
        for feature in features:
            group = [(name, cmd) for f, name, cmd in cases if f == feature]
            for (name, _), (wall, rss) in zip(group, measure_in_turns([cmd for _, cmd in group], args.runs)):
                rows.append((track, feature, name, duration, wall, rss))
                print(f"{track}\t{feature}\t{name}\t{duration / wall:.1f}x\t{rss:.0f} MiB", flush=True)
    # The all-five graph has no single reference program; its peer is the fastest reference of each of the five
    # features run one after another — the sum of their wall times measured above, in the same run.
    for track in TRACKS[: args.tracks]:
        fastest = []
        for feature in ["pitch", "tempo", "chroma", "loudness", "separator"]:
            refs = [(w, rss) for t, f, n, d, w, rss in rows if t == track and f == feature and not n.startswith("auralis")]
            fastest.append(min(refs))
        duration = next(d for t, _, _, d, _, _ in rows if t == track)
        rows.append((track, "all five", "the fastest reference of each feature, one after another (sum of their rows)",
                     duration, sum(w for w, _ in fastest), max(rss for _, rss in fastest)))
    lines = ["| track | feature | implementation | × realtime | ratio to ours | peak RSS (MiB) |", "|---|---|---|---|---|---|"]
    for track in TRACKS[: args.tracks]:
        ours = {f: d / w for t, f, n, d, w, _ in rows if t == track and n.startswith("auralis")}
        for t, f, n, d, w, rss in rows:
            if t == track:
                speed = d / w
                ratio = "1" if n.startswith("auralis") else f"{ours[f] / speed:.2f}× (ours faster)" if ours[f] >= speed else f"{ours[f] / speed:.2f}× (ours slower)"
                lines.append(f"| {track} ({d / 60:.1f} min) | {f} | {n} | {speed:.0f} | {ratio} | {rss:.0f} |")
    report = "\n".join(lines) + "\n"
    os.makedirs(os.path.join(ROOT, "artifacts", "bench"), exist_ok=True)
    with open(os.path.join(ROOT, "artifacts", "bench", "analysis.md"), "w") as f:
        f.write(report)
    print(report)


if __name__ == "__main__":
    main()
