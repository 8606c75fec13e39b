"""All knobs in one typed object, passed down explicitly (never read from globals)."""

from __future__ import annotations

from dataclasses import dataclass, field, replace


@dataclass(frozen=True)
class Pauses:
    """Silence, in milliseconds, inserted after each kind of utterance."""

    sentence_ms: int = 300
    paragraph_ms: int = 650
    title_ms: int = 900
    heading_ms: int = 700  # after a spoken chapter heading
    chapter_ms: int = 1200  # after the last sentence of a chapter
    list_item_ms: int = 450
    quiz_think_ms: int = 3000  # before the answer is given


@dataclass(frozen=True)
class Settings:
    voice: str | None = None  # engine voice id or name; None = the engine's default for the language
    rate_wpm: int = 175
    volume: float = 1.0
    engine: str = "auto"  # "auto", "espeak" (pyttsx3's libespeak-ng binding) or "pyttsx3"
    bitrate_kbps: int = 64
    sample_rate: int = 44100
    target_lufs: float = -16.0
    true_peak_dbtp: float = -1.0
    publication: str = "audiobook"
    pauses: Pauses = field(default_factory=Pauses)

    def with_overrides(self, **values: object) -> Settings:
        """A copy with every non-None value replaced (how CLI flags layer over defaults)."""
        return replace(self, **{k: v for k, v in values.items() if v is not None})
