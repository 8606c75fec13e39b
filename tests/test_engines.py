"""The engine seam: the registry, `auto`, one instance per process and settings, the test fake."""

from __future__ import annotations

import importlib
import platform

import pytest

from audiobook import AudiobookError, EngineUnavailable, Settings
from audiobook.speech import ENGINES, clip_problem, engine_spec, open_engine


def test_every_registered_engine_names_an_adapter_that_exists():
    for name, spec in ENGINES.items():
        assert spec.name == name and spec.summary
        module, _, cls = spec.adapter.partition(":")
        adapter = getattr(importlib.import_module(f"audiobook.speech.{module}"), cls)
        assert callable(adapter.synthesize) and callable(adapter.voices)


@pytest.mark.skipif(platform.system() != "Linux", reason="espeak is auto's fallback on Linux")
def test_auto_takes_the_first_engine_by_rank_with_a_voice_for_the_language(monkeypatch):
    monkeypatch.delenv("AUDIOBOOK_ENGINE", raising=False)
    piper_here = ENGINES["piper"].unavailable() is None
    assert engine_spec(Settings(), "en").name == ("piper" if piper_here else "espeak")
    # No installed neural voice speaks Welsh: auto passes Piper over for such an article.
    assert engine_spec(Settings(), "cy").name == "espeak"
    assert all(spec.auto_rank is None for spec in ENGINES.values() if spec.name == "test-tones")


def test_the_machine_can_say_what_auto_means(monkeypatch):
    monkeypatch.setenv("AUDIOBOOK_ENGINE", "test-tones")
    assert engine_spec(Settings()).name == "test-tones"
    assert engine_spec(Settings(engine="espeak")).name == "espeak"  # an explicit engine wins
    monkeypatch.setenv("AUDIOBOOK_ENGINE", "festival")
    with pytest.raises(EngineUnavailable, match="unknown engine 'festival'"):
        engine_spec(Settings())


def test_an_unknown_engine_is_refused_by_the_settings_and_by_the_registry():
    with pytest.raises(AudiobookError, match="engine must be one of auto, espeak, pyttsx3, test-tones"):
        Settings(engine="festival")
    with pytest.raises(EngineUnavailable, match="unknown engine 'festival'"):
        engine_spec(_unchecked(engine="festival"))


def _unchecked(**values) -> Settings:
    """Settings that skip validation (a program could hand such an object to the registry)."""
    settings = Settings()
    for key, value in values.items():
        object.__setattr__(settings, key, value)
    return settings


def test_one_engine_per_process_and_settings_is_reused_across_articles():
    first = open_engine(Settings(engine="espeak"), "en")
    assert open_engine(Settings(engine="espeak"), "en") is first  # the next article: no new engine
    slower = open_engine(Settings(engine="espeak", rate_wpm=150), "en")
    assert slower is not first and slower.fingerprint != first.fingerprint
    # Only the last instance is kept: libespeak-ng is set up by the instance made last.
    assert open_engine(Settings(engine="espeak"), "en") is not first


def test_the_fake_engine_is_deterministic_and_passes_every_clip_check():
    engine = open_engine(Settings(engine="test-tones"), "en")
    text = "A tone for every word of this sentence."
    clip = engine.synthesize(text)
    assert clip == engine.synthesize(text) and clip.sample_rate == engine.sample_rate == 22050
    assert clip_problem(clip, text, 175) is None
    words = len(text.split())
    assert abs(clip.duration_s - words * 60 / 175) < 0.01  # a word's time per word at the rate
    assert engine.synthesize("other words") != engine.synthesize("two words")
