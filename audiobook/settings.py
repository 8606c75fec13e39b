"""All knobs in one typed object, passed down explicitly (never read from globals)."""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from .lexicon import Lexicon


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
class Narration:
    """How structures other than prose are read."""

    code: str = "skip"  # "skip": silently; "note": "A code example is skipped here."
    lists: str = "plain"  # "plain": a pause per item; "ordinal": "First, …", "Second, …"
    quotes: str = "pause"  # "pause": pauses around it; "spoken": "Quote: … End quote."
    images: str = "skip"  # "skip": alt text is not read; "alt": "Image: <alt text>."

    def validate(self) -> None:
        for name, allowed in (
            ("code", ("skip", "note")),
            ("lists", ("plain", "ordinal")),
            ("quotes", ("pause", "spoken")),
            ("images", ("skip", "alt")),
        ):
            if getattr(self, name) not in allowed:
                raise ValueError(f"narration '{name}' must be one of {', '.join(allowed)}")


@dataclass(frozen=True)
class FeedSettings:
    """The podcast feed's channel ([feed] in audiobook.toml)."""

    base_url: str | None = None  # where the output folder is served; the feed needs absolute URLs
    title: str | None = None  # default: the publication's name
    description: str = "Audio editions of our articles."
    author: str | None = None
    email: str | None = None  # the owner's address (Apple asks for it)
    language: str = "en"
    category: str = "News"
    explicit: bool = False
    image: str | None = None  # square PNG/JPEG, 1400–3000 px, relative to the articles folder

    def validate(self) -> None:
        if self.base_url is not None and not str(self.base_url).startswith(("https://", "http://")):
            raise ValueError("feed 'base_url' must be an absolute http(s) URL")
        if not isinstance(self.explicit, bool):
            raise ValueError("feed 'explicit' must be true or false")


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
    narration: Narration = field(default_factory=Narration)
    lexicon: Lexicon = field(default_factory=Lexicon)
    feed: FeedSettings = field(default_factory=FeedSettings)

    def validate(self) -> None:
        self.narration.validate()
        self.feed.validate()
        if not 80 <= int(self.rate_wpm) <= 450:
            raise ValueError("rate must be between 80 and 450 words per minute")
        for name, value in vars(self.pauses).items():
            if not isinstance(value, int) or not 0 <= value <= 60_000:
                raise ValueError(f"pause '{name}' must be a whole number of milliseconds (0–60000)")

    def with_overrides(self, **values: object) -> Settings:
        """A copy with every non-None value replaced (how CLI flags layer over defaults)."""
        return replace(self, **{k: v for k, v in values.items() if v is not None})
