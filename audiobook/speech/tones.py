"""A fake engine for tests of orchestration (build, cluster, faults), where what is spoken does
not matter but the time does: one short tone per word, its pitch from the word, deterministic,
~1,000× faster than espeak; its word timings are exact (each word is its tone). It is registered
as "test-tones" and never chosen by `auto`.
Everything a listener hears is tested with a real engine.
"""

from __future__ import annotations

import hashlib

from ..lexicon import respelled
from ..model import Clip, WordTiming
from .base import VoiceInfo

_RATE = 22050


class ToneEngine:
    name = "test-tones"
    version = "1"
    sample_rate = _RATE

    def __init__(self, voice: str | None, rate_wpm: int, volume: float, language: str = "en"):
        self._word_samples = round(_RATE * 60 / rate_wpm * 0.8)  # 80 % of a word's time: a gap follows
        self._gap_samples = round(_RATE * 60 / rate_wpm * 0.2)
        self._level = min(0.5, 0.25 * volume)
        self.fingerprint = f"{self.name}|{self.version}|{int(rate_wpm)}|{volume:.3f}"

    def synthesize(self, text: str) -> Clip:
        import numpy as np

        t = np.arange(self._word_samples) / _RATE
        envelope = np.minimum(1.0, np.minimum(t, t[::-1]) * 50)  # 20 ms fades: no clicks
        pieces = []
        words = []
        for number, word in enumerate(respelled(text).split()):
            start = number * (self._word_samples + self._gap_samples)
            words.append(WordTiming(word, start, start + self._word_samples))
            pitch = 200 + hashlib.sha256(word.encode("utf-8", "replace")).digest()[0] * 2  # 200–710 Hz
            pieces.append(np.sin(2 * np.pi * pitch * t) * envelope * self._level)
            pieces.append(np.zeros(self._gap_samples))
        samples = np.concatenate(pieces) if pieces else np.zeros(0)
        return Clip((samples * 32767).astype("<i2").tobytes(), _RATE, tuple(words))

    def voices(self) -> list[VoiceInfo]:
        return [VoiceInfo("tones", "A tone per word (tests only)", ("en",))]
