// Plots drawn from the analysis JSON (docs/analysis-json.md) on plain canvases: no libraries, no network.
"use strict";

const Plots = (() => {
  const colors = { bg: "#111318", grid: "#262a31", text: "#8b929c", wave: "#5fb3ff", beat: "#e6c35c", head: "#ffffff",
    orig: "#5fb3ff", enh: "#ffb454", pitch: "#5fd38d" };
  const PITCH_CLASSES = ["C", "C#", "D", "D#", "E", "F", "F#", "G", "G#", "A", "A#", "B"];

  function context(canvas) {
    const ctx = canvas.getContext("2d");
    ctx.fillStyle = colors.bg;
    ctx.fillRect(0, 0, canvas.width, canvas.height);
    ctx.font = "12px system-ui, sans-serif";
    return ctx;
  }

  function message(canvas, text, color) {
    const ctx = context(canvas);
    ctx.fillStyle = color || colors.text;
    wrap(ctx, text, 12, 22, canvas.width - 24, 16);
  }

  function wrap(ctx, text, x, y, width, lineHeight) {
    let line = "";
    for (const word of String(text).split(" ")) {
      const next = line ? line + " " + word : word;
      if (ctx.measureText(next).width > width && line) {
        ctx.fillText(line, x, y);
        y += lineHeight;
        line = word;
      } else {
        line = next;
      }
    }
    ctx.fillText(line, x, y);
  }

  // A plugin's part of the analysis, found by id (org.auralis.pitch) or by its last segment (pitch).
  function plugin(analysis, alias) {
    if (!analysis || !analysis.plugins) return null;
    for (const [id, value] of Object.entries(analysis.plugins)) {
      if (id === alias || id.endsWith("." + alias)) return value;
    }
    return null;
  }

  function waveform(canvas, peaks, beats, position, duration) {
    const ctx = context(canvas);
    const w = canvas.width, h = canvas.height, mid = h / 2;
    if (peaks) {
      ctx.fillStyle = colors.wave;
      const n = peaks.points;
      for (let x = 0; x < w; x++) {
        const i = Math.min(n - 1, Math.floor(x * n / w));
        const top = mid - Math.max(0, peaks.max[i]) * mid * 0.95;
        const bottom = mid - Math.min(0, peaks.min[i]) * mid * 0.95;
        ctx.fillRect(x, top, 1, Math.max(1, bottom - top));
      }
    }
    if (beats && duration > 0) {
      ctx.strokeStyle = colors.beat;
      ctx.globalAlpha = 0.55;
      ctx.beginPath();
      for (const t of beats) {
        const x = Math.round(t / duration * w) + 0.5;
        ctx.moveTo(x, 0);
        ctx.lineTo(x, 10);
        ctx.moveTo(x, h - 10);
        ctx.lineTo(x, h);
      }
      ctx.stroke();
      ctx.globalAlpha = 1;
    }
    if (duration > 0) {
      const x = Math.round(position / duration * w) + 0.5;
      ctx.strokeStyle = colors.head;
      ctx.beginPath();
      ctx.moveTo(x, 0);
      ctx.lineTo(x, h);
      ctx.stroke();
    }
  }

  function chroma(canvas, analysis) {
    const p = plugin(analysis, "chroma");
    if (!p || !p.frames || !p.frames.chroma || p.frames.chroma.length === 0) {
      return message(canvas, "Chromagram: no chroma analysis (plugin not installed?)");
    }
    const ctx = context(canvas);
    const frames = p.frames.chroma, left = 28, w = canvas.width - left, h = canvas.height, rowH = h / 12;
    let max = 1e-9;
    for (const f of frames) for (const v of f) if (v > max) max = v;
    const step = Math.max(1, frames.length / w);
    for (let x = 0; x < w; x++) {
      const f = frames[Math.min(frames.length - 1, Math.floor(x * step))];
      if (!f) continue;
      for (let k = 0; k < 12; k++) {
        const v = Math.max(0, (f[k] || 0) / max);
        ctx.fillStyle = `rgb(${Math.round(30 + 225 * v)}, ${Math.round(40 + 140 * v * v)}, ${Math.round(60 + 30 * v)})`;
        ctx.fillRect(left + x, h - (k + 1) * rowH, 1, Math.ceil(rowH));
      }
    }
    ctx.fillStyle = colors.text;
    for (let k = 0; k < 12; k++) ctx.fillText(PITCH_CLASSES[k], 2, h - k * rowH - rowH / 2 + 4);
  }

  function pitch(canvas, analysis) {
    const p = plugin(analysis, "pitch");
    if (!p || !p.frames || !p.frames.hz || p.frames.hz.length === 0) {
      return message(canvas, "Pitch contour: no pitch analysis (plugin not installed?)");
    }
    const ctx = context(canvas);
    const t = p.frames.t, hz = p.frames.hz, voiced = p.frames.voiced || hz.map(v => (v > 0 ? 1 : 0));
    const w = canvas.width, h = canvas.height, left = 40;
    const lo = Math.log2(50), hi = Math.log2(2000), end = t.length ? t[t.length - 1] : 1;
    const y = f => h - (Math.log2(f) - lo) / (hi - lo) * h;
    ctx.fillStyle = colors.text;
    ctx.strokeStyle = colors.grid;
    for (const f of [55, 110, 220, 440, 880, 1760]) {
      ctx.beginPath(); ctx.moveTo(left, y(f) + 0.5); ctx.lineTo(w, y(f) + 0.5); ctx.stroke();
      ctx.fillText(f + " Hz", 2, y(f) + 4);
    }
    ctx.fillStyle = colors.pitch;
    for (let i = 0; i < hz.length; i++) {
      if (!voiced[i] || !(hz[i] > 0)) continue;
      ctx.fillRect(left + t[i] / end * (w - left), y(hz[i]) - 1, 2, 2);
    }
  }

  // Fixed ranges per fingerprint dimension (docs/fingerprint.md) so original and enhanced share one scale.
  const RANGES = {
    sub_bass: [0, 0.5], bass: [0, 0.5], low_mid: [0, 0.5], mid: [0, 0.5], upper_mid: [0, 0.5], presence: [0, 0.5], air: [0, 0.5],
    lufs: [-40, 0], crest_db: [0, 30], bass_mid_ratio_db: [-20, 20], tempo_bpm: [40, 200], rhythm_stability: [0, 1],
    transient_density: [0, 10], silence_ratio: [0, 1], spectral_centroid_hz: [0, 8000], spectral_rolloff_hz: [0, 16000],
    spectral_flatness: [0, 1], harmonic_ratio: [0, 1], pitch_stability: [0, 1], chroma_energy: [0, 1],
    dynamic_range_variation: [0, 20], loudness_variation_lu: [0, 20], peak_consistency: [0, 1], stereo_width: [0, 1],
    phase_correlation: [-1, 1],
  };

  function fingerprint(analysis) {
    const p = plugin(analysis, "fingerprint");
    return p && p.summary && p.summary.dimensions ? p.summary.dimensions : null;
  }

  function radar(canvas, original, enhanced, note) {
    if (!original) return message(canvas, note || "Fingerprint: no fingerprint analysis (plugin not installed?)");
    const ctx = context(canvas);
    const names = Object.keys(original);
    const cx = canvas.width / 2, cy = canvas.height / 2 + 6, r = Math.min(cx, cy) - 60;
    const norm = (name, v) => {
      const [lo, hi] = RANGES[name] || [0, Math.max(1e-9, Math.abs(original[name] || 0), Math.abs((enhanced || {})[name] || 0))];
      return Math.max(0, Math.min(1, ((v ?? lo) - lo) / (hi - lo)));
    };
    const angle = i => -Math.PI / 2 + i * 2 * Math.PI / names.length;
    ctx.strokeStyle = colors.grid;
    for (const ring of [0.25, 0.5, 0.75, 1]) {
      ctx.beginPath();
      names.forEach((_, i) => {
        const x = cx + Math.cos(angle(i)) * r * ring, y = cy + Math.sin(angle(i)) * r * ring;
        i === 0 ? ctx.moveTo(x, y) : ctx.lineTo(x, y);
      });
      ctx.closePath();
      ctx.stroke();
    }
    ctx.fillStyle = colors.text;
    ctx.font = "10px system-ui, sans-serif";
    names.forEach((name, i) => {
      const x = cx + Math.cos(angle(i)) * (r + 8), y = cy + Math.sin(angle(i)) * (r + 8);
      ctx.textAlign = Math.abs(Math.cos(angle(i))) < 0.2 ? "center" : Math.cos(angle(i)) > 0 ? "left" : "right";
      ctx.fillText(name, x, y + 3);
    });
    ctx.textAlign = "left";
    const shape = (dims, color) => {
      ctx.strokeStyle = color;
      ctx.fillStyle = color;
      ctx.globalAlpha = 0.18;
      ctx.beginPath();
      names.forEach((name, i) => {
        const v = norm(name, dims[name]);
        const x = cx + Math.cos(angle(i)) * r * v, y = cy + Math.sin(angle(i)) * r * v;
        i === 0 ? ctx.moveTo(x, y) : ctx.lineTo(x, y);
      });
      ctx.closePath();
      ctx.fill();
      ctx.globalAlpha = 1;
      ctx.lineWidth = 2;
      ctx.stroke();
      ctx.lineWidth = 1;
    };
    shape(original, colors.orig);
    if (enhanced) shape(enhanced, colors.enh);
    if (note) {
      ctx.fillStyle = colors.text;
      ctx.font = "12px system-ui, sans-serif";
      wrap(ctx, note, 8, canvas.height - 22, canvas.width - 16, 14);
    }
  }

  return { waveform, chroma, pitch, radar, message, plugin, fingerprint };
})();
