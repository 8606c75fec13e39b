"""Stage 3: Script → clips of speech, through a local TTS engine.

base.py            the interface: `SpeechEngine` (what an engine offers), `VoiceInfo`
engine.py          the registry: `EngineSpec`, `ENGINES`, what `auto` means, `open_engine`
                   (one instance per process and settings)
piper.py           Piper, a local neural voice, made deterministic (auto's first choice)
phonemes.py        Piper's text step: lexicon phonemes in place, phonemes back to written words
espeak.py          libespeak-ng through pyttsx3's own binding, synchronous (the fast voice)
pyttsx3_driver.py  pyttsx3's platform driver (SAPI5, NSSS), made dependable
tones.py           a deterministic tone per word, for tests of orchestration only
synthesis.py       a whole script: the clip cache, every clip checked, retried once
"""

from __future__ import annotations

from .engine import (
    ENGINE_CHOICES,
    ENGINES,
    EngineSpec,
    SpeechEngine,
    VoiceInfo,
    engine_spec,
    open_engine,
    resolved_voice,
)
from .synthesis import MIN_AUDIBLE_PEAK, Speech, clip_problem, synthesize_script

__all__ = [
    "ENGINES",
    "ENGINE_CHOICES",
    "MIN_AUDIBLE_PEAK",
    "EngineSpec",
    "Speech",
    "SpeechEngine",
    "VoiceInfo",
    "clip_problem",
    "engine_spec",
    "open_engine",
    "resolved_voice",
    "synthesize_script",
]
