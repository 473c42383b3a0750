// The essentia.js reference analyses the tests compare Auralis with (see ../../tests/Auralis.Dsp.Tests/Oracles).
// usage: node essentia-oracle.js (hpcp|rhythm|spectral) MONO.wav   → one JSON object on stdout
// Frames are cut here (not by essentia's FrameGenerator) so they line up with Auralis's: frame k centred on k·hop,
// zero padded at the start. Vectors are freed after use; WASM errors are caught and reported as one line.
const fs = require('fs');
const wav = require('node-wav');
const { Essentia, EssentiaWASM } = require('essentia.js');

const [, , command, file] = process.argv;
const decoded = wav.decode(fs.readFileSync(file));
const signal = decoded.channelData[0];
const sr = decoded.sampleRate;
const essentia = new Essentia(EssentiaWASM);

function frames(size, hop, visit) {
  const frame = new Float32Array(size);
  for (let centre = 0; centre < signal.length; centre += hop) {
    frame.fill(0);
    const start = centre - size / 2;
    for (let i = 0; i < size; i++) {
      const j = start + i;
      if (j >= 0 && j < signal.length) frame[i] = signal[j];
    }
    const vector = essentia.arrayToVector(frame);
    const windowed = essentia.Windowing(vector, true, size, 'hann').frame;
    const spectrum = essentia.Spectrum(windowed, size).spectrum;
    let energy = 0;
    for (const v of frame) energy += v * v;
    visit(spectrum, centre, 10 * Math.log10(energy / size + 1e-30));
    vector.delete(); windowed.delete(); spectrum.delete();
  }
}

let result;
try {
  if (command === 'hpcp') {
    // Bin 0 of essentia's HPCP is A; rotate by 3 so index 0 is C, as Auralis's chroma.
    const out = [];
    frames(4096, 512, (spectrum, centre) => {
      const peaks = essentia.SpectralPeaks(spectrum, 0, 5000, 100, 40, 'magnitude', sr);
      const hpcp = essentia.HPCP(peaks.frequencies, peaks.magnitudes, true, 500, 0, 5000, false, 40, false, 'unitMax', 440, sr, 12, 'squaredCosine', 1);
      const a = essentia.vectorToArray(hpcp.hpcp);
      out.push({ t: centre / sr, chroma: Array.from({ length: 12 }, (_, i) => a[(i + 3) % 12]) });
      peaks.frequencies.delete(); peaks.magnitudes.delete(); hpcp.hpcp.delete();
    });
    result = { frames: out };
  } else if (command === 'rhythm') {
    const vector = essentia.arrayToVector(signal);
    const r = essentia.RhythmExtractor2013(vector, 208, 'multifeature', 40);
    result = { bpm: r.bpm, confidence: r.confidence, beats: Array.from(essentia.vectorToArray(r.ticks)) };
    vector.delete();
  } else if (command === 'spectral') {
    let n = 0, centroid = 0, rolloff = 0, flatness = 0;
    frames(2048, 512, (spectrum, centre, rmsDb) => {
      if (rmsDb < -60) return; // frames Auralis's fingerprint counts as silent (RMS below −60 dBFS) are skipped there too
      centroid += essentia.Centroid(spectrum, sr / 2).centroid;
      rolloff += essentia.RollOff(spectrum, 0.85, sr).rollOff;
      flatness += essentia.Flatness(spectrum).flatness;
      n++;
    });
    result = { frames: n, centroid_hz: centroid / n, rolloff_hz: rolloff / n, flatness: flatness / n };
  } else {
    throw new Error(`unknown command ${command}`);
  }
} catch (e) {
  console.error(`essentia-oracle: ${command} failed: ${String(e).slice(0, 300)}`);
  process.exit(1);
}
process.stdout.write(JSON.stringify(result));
