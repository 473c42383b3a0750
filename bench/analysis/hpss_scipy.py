#!/usr/bin/env python3
"""The peer of the separator benchmark: librosa-style HPSS with scipy (STFT 2048/512 Hann, median filters of 31 in time
and in frequency, soft masks with power 2, margin 1), on a WAV, writing the harmonic part. No librosa here; this is its
recipe in scipy (librosa.decompose.hpss uses scipy.ndimage.median_filter the same way)."""
import sys
import numpy as np
from scipy.io import wavfile
from scipy import signal, ndimage

rate, x = wavfile.read(sys.argv[1])
x = x.astype(np.float32) / (32768.0 if x.dtype == np.int16 else 1.0)
if x.ndim == 1:
    x = x[:, None]
out = []
for ch in x.T:
    _, _, S = signal.stft(ch, fs=rate, window="hann", nperseg=2048, noverlap=2048 - 512, boundary="zeros", padded=True)
    mag = np.abs(S)
    harm = ndimage.median_filter(mag, size=(1, 31), mode="reflect")
    perc = ndimage.median_filter(mag, size=(31, 1), mode="reflect")
    h2, p2 = harm ** 2, perc ** 2
    total = h2 + p2
    mask = np.where(total > 0, h2 / np.where(total > 0, total, 1), 0.5)
    _, y = signal.istft(S * mask, fs=rate, window="hann", nperseg=2048, noverlap=2048 - 512, boundary=True)
    out.append(y[: len(ch)].astype(np.float32))
wavfile.write(sys.argv[2], rate, np.stack(out, axis=1))
