"""The engine interface, apart from the registry: what an adapter implements and returns.

Adapters (espeak.py, piper.py, …) import only this; the registry (engine.py) imports the adapters
lazily. So the registry can ask an adapter module whether it can run here without a cycle.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from ..model import Clip


@dataclass(frozen=True)
class VoiceInfo:
    id: str
    name: str
    languages: tuple[str, ...]


class SpeechEngine(Protocol):
    name: str
    version: str
    fingerprint: str  # everything that shapes the sound: engine, version, voice, rate, volume
    sample_rate: int | None  # known before speaking (None: only from the clips, e.g. pyttsx3's drivers)
    # An engine may also say `concurrent = True`: it can speak from several threads at once, with
    # the same result (synthesis then speaks one article's sentences on every core).

    def synthesize(self, text: str) -> Clip:
        """Speak one sentence-sized text; return its audio (may be empty on engine failure)."""
        ...

    def voices(self) -> list[VoiceInfo]: ...
