// The Auralis web player. Audio arrives in chunks (float WAV) that the server renders just ahead of the play head; the
// page schedules them back to back with Web Audio at the track's own sample rate, so chunk borders are sample-exact.
// Toggling Enhanced fetches the other variant's chunk at the play head and cross-fades to it there.
"use strict";

const $ = id => document.getElementById(id);

async function api(path, options) {
  const response = await fetch(path, options);
  const text = await response.text();
  let body = null;
  try { body = text ? JSON.parse(text) : null; } catch { body = { message: text }; }
  if (!response.ok) throw Object.assign(new Error(body?.message || response.statusText), body || {}, { status: response.status });
  return body;
}

function clock(seconds) {
  const s = Math.max(0, Math.floor(seconds));
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, "0")}`;
}

function describeError(e) {
  return (e.error ? `${e.error}: ` : "") + (e.message || String(e));
}

// ---------------------------------------------------------------------------------------------------------------------
// Messages and the error banner.

const messages = {
  add(text, isError) {
    const li = document.createElement("li");
    li.textContent = `${new Date().toLocaleTimeString()}  ${text}`;
    if (isError) li.className = "error";
    const list = $("messages");
    list.prepend(li);
    while (list.children.length > 60) list.lastChild.remove();
  },
  banner(text) {
    const b = $("banner");
    b.textContent = text;
    b.hidden = !text;
  },
};

// ---------------------------------------------------------------------------------------------------------------------
// The player.

function parseWav(bytes) {
  const view = new DataView(bytes);
  const tag = (at) => String.fromCharCode(...new Uint8Array(bytes, at, 4));
  if (tag(0) !== "RIFF" || tag(8) !== "WAVE") throw new Error("the server sent something that is not a WAV chunk");
  let at = 12, format = 0, channels = 0, rate = 0, bits = 0, data = null;
  while (at + 8 <= bytes.byteLength) {
    const id = tag(at), size = view.getUint32(at + 4, true);
    if (id === "fmt ") {
      format = view.getUint16(at + 8, true);
      channels = view.getUint16(at + 10, true);
      rate = view.getUint32(at + 12, true);
      bits = view.getUint16(at + 22, true);
    } else if (id === "data") {
      data = bytes.slice(at + 8, at + 8 + size);
    }
    at += 8 + size + (size & 1);
  }
  if (format !== 3 || bits !== 32 || !data) throw new Error(`unsupported WAV chunk (format ${format}, ${bits} bits)`);
  return { channels, rate, samples: new Float32Array(data) };
}

class Player {
  constructor(hooks) {
    this.hooks = hooks;
    this.ctx = null;
    this.info = null;
    this.stream = null;      // the stream being built up (what the play head will hear)
    this.leaving = null;     // the stream being cross-faded away from during a switch
    this.sessions = 0;
    this.wanted = "original";
    this.playingVariant = null;
    this.playing = false;
    this.pausedAt = 0;
    this.lastError = null;
    this.received = [];      // every chunk response: {variant, index, status}
    setInterval(() => this.tick(), 200);
  }

  get lookahead() { return 4.0; }

  async load(info) {
    this.stopAll();
    const rate = info.stream.sample_rate;
    if (!this.ctx || this.ctx.sampleRate !== rate) {
      if (this.ctx) await this.ctx.close();
      // The context runs at the track's rate: chunks are played as sent, never resampled one by one.
      this.ctx = new AudioContext({ sampleRate: rate, latencyHint: "playback" });
    }
    this.info = info;
    this.chunkSeconds = info.stream.chunk_frames / rate;
    this.duration = info.stream.frames / rate;
    this.count = info.stream.chunks;
    this.pausedAt = 0;
    this.origin = 0;
    this.playingVariant = null;
    this.hooks.variant(null);
  }

  position() {
    if (!this.info) return 0;
    if (!this.playing) return this.pausedAt;
    if (this.origin === null) return this.anchor; // the clock waits for the audio at the start point
    return Math.min(this.duration, Math.max(0, this.ctx.currentTime - this.origin));
  }

  async play(from) {
    if (!this.info) return;
    await this.ctx.resume();
    this.playing = true;
    this.start(from ?? this.pausedAt, this.wanted);
    this.hooks.state();
  }

  async pause() {
    if (!this.playing) return;
    this.pausedAt = this.position();
    this.playing = false;
    this.stopAll();
    this.hooks.state();
  }

  seek(seconds) {
    if (!this.info) return;
    if (this.playing) this.start(seconds, this.wanted);
    else this.pausedAt = seconds;
  }

  // Plays from `position`, dropping whatever was scheduled. The clock starts when the chunk holding `position` has
  // arrived, not before: a slow first chunk delays the start instead of skipping the audio it was late for.
  start(position, variant) {
    this.stopAll();
    this.origin = null;
    this.anchor = position;
    this.stream = this.newStream(variant, 1);
    this.pump(this.stream);
  }

  // Switches the variant at the play head: the playing stream keeps going until the other's chunk has arrived.
  setVariant(variant) {
    this.wanted = variant;
    if (!this.playing || !this.stream) return;
    if (this.stream.variant === variant && !this.leaving) return;
    if (this.leaving) {
      this.retire(this.stream, 0.02);
      this.stream = this.leaving;
      this.leaving = null;
      if (this.stream.variant === variant) return;
    }
    this.leaving = this.stream;
    this.stream = this.newStream(variant, 0);
    this.hooks.message(`switching to ${variant} at ${clock(this.position())}…`);
    this.pump(this.stream);
  }

  newStream(variant, gain) {
    const bus = this.ctx.createGain();
    bus.gain.value = gain;
    bus.connect(this.ctx.destination);
    return { id: ++this.sessions, variant, bus, requested: new Set(), sources: [], spans: [], held: [], live: gain > 0 };
  }

  stopAll() {
    for (const s of [this.stream, this.leaving]) if (s) this.retire(s, 0.01);
    this.stream = this.leaving = null;
  }

  retire(s, fade) {
    s.dead = true;
    if (!this.ctx) return;
    const t = this.ctx.currentTime;
    s.bus.gain.cancelScheduledValues(t);
    s.bus.gain.setValueAtTime(s.bus.gain.value, t);
    s.bus.gain.linearRampToValueAtTime(0, t + fade);
    setTimeout(() => { for (const src of s.sources) { try { src.stop(); } catch { } } s.bus.disconnect(); }, (fade + 0.1) * 1000);
  }

  tick() {
    if (!this.playing) return;
    const pos = this.position();
    this.hooks.position(pos);
    if (pos >= this.duration - 0.01) {
      this.playing = false;
      this.pausedAt = 0;
      this.stopAll();
      this.hooks.message("end of track");
      this.hooks.state();
      return;
    }
    if (this.stream) {
      this.pump(this.stream);
      this.takeOver(this.stream);
    }
    if (this.leaving) this.pump(this.leaving);
    for (const s of [this.stream, this.leaving]) if (s) this.flushHeld(s);
  }

  // Requests the chunks from the play head to the look-ahead that this stream has not asked for yet.
  pump(s) {
    const pos = this.position();
    const first = Math.floor(pos / this.chunkSeconds);
    const last = Math.min(this.count - 1, Math.floor((pos + this.lookahead) / this.chunkSeconds));
    for (let k = first; k <= last; k++) {
      if (!s.requested.has(k)) {
        s.requested.add(k);
        this.fetchChunk(s, k);
      }
    }
  }

  async fetchChunk(s, k) {
    const track = this.info.track.id;
    let response;
    try {
      response = await fetch(`/api/tracks/${track}/chunks/${s.variant}/${k}`);
    } catch (e) {
      return this.failed(s, k, { error: "network", message: `chunk ${k + 1}: ${e.message}` });
    }
    this.received.push({ variant: s.variant, index: k, status: response.status });
    if (s.dead) return;
    if (!response.ok) {
      let body;
      try { body = await response.json(); } catch { body = { message: response.statusText }; }
      return this.failed(s, k, body);
    }
    const h = response.headers;
    const wav = parseWav(await response.arrayBuffer());
    if (s.dead) return;
    this.hooks.message(`chunk ${h.get("X-Auralis-Chunk")} · ${s.variant} · ${h.get("X-Auralis-Chain")} · ` +
      `${h.get("X-Auralis-Render-Ms")} ms · cache ${h.get("X-Auralis-Cache")}`);
    this.schedule(s, k, wav);
  }

  schedule(s, k, wav) {
    if (this.origin === null) {
      if (k !== Math.min(this.count - 1, Math.floor(this.anchor / this.chunkSeconds))) {
        s.held.push([k, wav]); // scheduled once the clock has started
        return;
      }
      this.origin = this.ctx.currentTime + 0.05 - this.anchor;
    }
    this.place(s, k, wav);
    this.flushHeld(s);
  }

  flushHeld(s) {
    if (this.origin === null || s.dead) return;
    for (const [k, wav] of s.held.splice(0)) this.place(s, k, wav);
  }

  place(s, k, wav) {
    const frames = wav.samples.length / wav.channels;
    const buffer = this.ctx.createBuffer(wav.channels, frames, wav.rate);
    for (let c = 0; c < wav.channels; c++) {
      const channel = buffer.getChannelData(c);
      for (let i = 0, j = c; i < frames; i++, j += wav.channels) channel[i] = wav.samples[j];
    }
    const source = this.ctx.createBufferSource();
    source.buffer = buffer;
    source.connect(s.bus);
    s.sources.push(source);
    const when = this.origin + k * this.chunkSeconds;
    const now = this.ctx.currentTime + 0.02;
    if (when >= now) {
      source.start(when);
    } else if (now - when < buffer.duration) {
      source.start(now, now - when); // late (first chunk, a seek or a switch): join at the play head
    } else {
      return;
    }
    s.spans.push([Math.max(when, now), when + buffer.duration]);
    this.takeOver(s);
  }

  // A stream being switched to takes over once it has audio at the play head; until then the old one plays on.
  takeOver(s) {
    const now = this.ctx.currentTime + 0.02;
    if (!s.spans.some(([from, to]) => from <= now && now < to)) return;
    if (!s.live) this.crossfade(s, now);
    else if (this.playingVariant !== s.variant) this.becomes(s.variant);
  }

  // The other variant's audio is scheduled from `at`: fade the old stream out and the new one in there.
  crossfade(s, at) {
    s.live = true;
    const fade = 0.03;
    s.bus.gain.setValueAtTime(0, at);
    s.bus.gain.linearRampToValueAtTime(1, at + fade);
    if (this.leaving) {
      const old = this.leaving;
      this.leaving = null;
      old.dead = true;
      old.bus.gain.setValueAtTime(1, at);
      old.bus.gain.linearRampToValueAtTime(0, at + fade);
      setTimeout(() => { for (const src of old.sources) { try { src.stop(); } catch { } } old.bus.disconnect(); }, (at + fade - this.ctx.currentTime + 0.2) * 1000);
    }
    this.becomes(s.variant);
  }

  becomes(variant) {
    this.playingVariant = variant;
    this.hooks.variant(variant);
  }

  // A chunk could not be had. The error is shown by name; a failed switch leaves the playing stream as it was (and
  // labelled as what it is), a failed stream stops: nothing else is ever played in its place.
  failed(s, k, error) {
    this.lastError = error;
    this.hooks.error(error, s.variant, k);
    if (s.dead) return;
    if (!s.live && this.leaving) {
      this.retire(s, 0.01);
      this.stream = this.leaving;
      this.leaving = null;
      this.wanted = this.stream.variant;
      this.hooks.wanted(this.wanted);
      return;
    }
    this.pausedAt = this.position();
    this.playing = false;
    this.stopAll();
    this.hooks.state();
  }
}

// ---------------------------------------------------------------------------------------------------------------------
// The page.

const page = {
  tracks: [],
  selected: null,
  peaks: null,
  beats: null,
  analysis: null,
  scanning: true,
};

const player = new Player({
  message: text => messages.add(text),
  error: (e, variant, k) => {
    const text = `${variant} chunk ${k + 1} failed — ${describeError(e)}${e.fix && !String(e.message).includes("Fix:") ? ` Fix: ${e.fix}` : ""}`;
    messages.add(text, true);
    messages.banner(`${variant === "enhanced" ? "Enhanced audio is unavailable" : "Playback failed"}: ${describeError(e)}`);
  },
  variant: v => {
    const el = $("playing-variant");
    el.textContent = v ? `playing: ${v}` : "—";
    el.className = "variant" + (v ? " " + v : "");
    document.body.dataset.playing = v || "";
  },
  wanted: v => { $("enhanced").checked = v === "enhanced"; },
  position: p => {
    $("position").textContent = clock(p);
    $("position").dataset.seconds = p.toFixed(3);
    drawWaveform();
  },
  state: () => { $("play").textContent = player.playing ? "Pause" : "Play"; },
});
window.auralis = { player, page };

async function loadLibrary() {
  try {
    const lib = await api("/api/library");
    const scan = lib.scan;
    page.scanning = scan.scanning;
    $("scan-text").textContent = scan.scanning
      ? `scanning: ${scan.files_done}/${scan.files_found} files${scan.current ? " — " + scan.current.split("/").pop() : ""}`
      : `${lib.tracks.length} tracks in ${lib.roots.length} folder${lib.roots.length === 1 ? "" : "s"}` +
        (scan.problems.length ? ` · ${scan.problems.length} unreadable` : "");
    $("scan-progress").max = Math.max(1, scan.files_found);
    $("scan-progress").value = scan.scanning ? scan.files_done : Math.max(1, scan.files_found);
    renderTracks(lib.tracks);
  } catch (e) {
    $("scan-text").textContent = "library unavailable: " + describeError(e);
  }
  setTimeout(loadLibrary, page.scanning ? 500 : 5000);
}

function renderTracks(tracks) {
  const same = tracks.length === page.tracks.length && tracks.every((t, i) => t.id === page.tracks[i].id && t.error === page.tracks[i].error);
  page.tracks = tracks;
  $("library-empty").hidden = tracks.length > 0;
  if (same) return;
  const body = $("tracks").querySelector("tbody");
  body.replaceChildren(...tracks.map(t => {
    const tr = document.createElement("tr");
    tr.dataset.id = t.id;
    const cells = [t.title, t.tags.artist || "", t.tags.album || "", t.error ? "—" : clock(t.duration_s),
      t.error ? t.error : `${t.container} · ${(t.sample_rate / 1000).toFixed(1)} kHz · ${t.channels === 1 ? "mono" : "stereo"}`];
    for (const text of cells) {
      const td = document.createElement("td");
      td.textContent = text;
      tr.append(td);
    }
    if (t.error) tr.className = "unreadable";
    else tr.addEventListener("click", () => selectTrack(t.id));
    if (page.selected && page.selected.track.id === t.id) tr.classList.add("selected");
    return tr;
  }));
}

async function selectTrack(id) {
  messages.banner("");
  let info;
  try {
    info = await api(`/api/tracks/${id}`);
  } catch (e) {
    messages.banner("Cannot open the track: " + describeError(e));
    return;
  }
  page.selected = info;
  page.peaks = page.beats = page.analysis = page.radar = null;
  for (const tr of $("tracks").querySelectorAll("tbody tr")) tr.classList.toggle("selected", tr.dataset.id === String(id));
  $("now-title").textContent = info.track.title + (info.track.tags.artist ? ` — ${info.track.tags.artist}` : "");
  $("duration").textContent = clock(info.track.duration_s);
  $("play").disabled = false;
  $("enhanced").disabled = false;
  $("bpm").textContent = "";
  messages.add(`${info.track.title}: ${info.stream.chunks} chunks of ${(info.stream.chunk_frames / info.stream.sample_rate).toFixed(1)} s; ` +
    `enhanced chain: ${info.stream.enhanced_chain}`);
  await player.load(info);
  player.play(0); // play starts at once; the plots follow when their analyses are ready
  loadPlots(info.track.id);
}

async function loadPlots(id) {
  drawWaveform();
  Plots.message($("chroma"), "analysing…");
  Plots.message($("pitch"), "analysing…");
  Plots.message($("radar"), "analysing…");
  api(`/api/tracks/${id}/waveform`).then(peaks => {
    if (page.selected?.track.id !== id) return;
    page.peaks = peaks;
    drawWaveform();
  }).catch(e => messages.add("waveform: " + describeError(e), true));
  let analysis;
  try {
    analysis = await api(`/api/tracks/${id}/analysis`);
  } catch (e) {
    if (page.selected?.track.id !== id) return;
    const text = "Analysis unavailable: " + describeError(e);
    for (const c of ["chroma", "pitch", "radar"]) Plots.message($(c), text, "#ff6b6b");
    messages.add(text, true);
    return;
  }
  if (page.selected?.track.id !== id) return;
  page.analysis = analysis;
  const tempo = Plots.plugin(analysis, "tempo");
  if (tempo?.summary) {
    page.beats = tempo.summary.beats || null;
    if (tempo.summary.bpm != null) $("bpm").textContent = `${Number(tempo.summary.bpm).toFixed(1)} BPM`;
  }
  drawWaveform();
  Plots.chroma($("chroma"), analysis);
  Plots.pitch($("pitch"), analysis);
  const original = Plots.fingerprint(analysis);
  Plots.radar($("radar"), original, null, original ? "computing the enhanced fingerprint…" : null);
  if (!original) return;
  try {
    const enhanced = await api(`/api/tracks/${id}/enhanced-fingerprint`);
    if (page.selected?.track.id !== id) return;
    Plots.radar($("radar"), original, Plots.fingerprint(enhanced.analysis));
    page.radar = "original+enhanced";
  } catch (e) {
    if (page.selected?.track.id !== id) return;
    Plots.radar($("radar"), original, null, "Enhanced fingerprint unavailable: " + describeError(e));
    page.radar = "original";
  }
}

function drawWaveform() {
  const duration = page.selected ? page.selected.track.duration_s : 0;
  Plots.waveform($("waveform"), page.peaks, page.beats, player.position(), duration);
}

async function loadHealth() {
  try {
    const health = await api("/api/health");
    const fails = health.checks.filter(c => c.status === "fail");
    $("health-summary").textContent = health.healthy ? "healthy" : `${fails.length} problem${fails.length === 1 ? "" : "s"} found`;
    $("health-summary").className = health.healthy ? "status-ok" : "status-fail";
    $("health").querySelector("tbody").replaceChildren(...health.checks.map(c => {
      const tr = document.createElement("tr");
      const detail = c.detail + (c.path ? ` [${c.path}]` : "") + (c.fix && c.status !== "ok" ? ` Fix: ${c.fix}` : "");
      for (const [text, cls] of [[c.status.toUpperCase(), "status-" + c.status], [c.area], [c.name], [detail]]) {
        const td = document.createElement("td");
        td.textContent = text;
        if (cls) td.className = cls;
        tr.append(td);
      }
      return tr;
    }));
  } catch (e) {
    $("health-summary").textContent = "health unavailable: " + describeError(e);
  }
}

$("play").addEventListener("click", () => (player.playing ? player.pause() : player.play()));
$("enhanced").addEventListener("change", e => {
  messages.banner("");
  player.setVariant(e.target.checked ? "enhanced" : "original");
});
$("waveform").addEventListener("click", e => {
  if (!page.selected) return;
  const rect = e.target.getBoundingClientRect();
  player.seek((e.clientX - rect.left) / rect.width * page.selected.track.duration_s);
});
$("rescan").addEventListener("click", async () => {
  try { await api("/api/library/scan", { method: "POST" }); } catch (e) { messages.add("rescan: " + describeError(e), true); }
  page.scanning = true;
});

loadLibrary();
loadHealth();
drawWaveform();
