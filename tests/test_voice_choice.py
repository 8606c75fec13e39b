"""Which engine and voice speak an article: `auto` with a named voice, and a build that notices
when the voice for an article's language changes (a Piper voice installed for German)."""

from __future__ import annotations

import os
import platform
import subprocess
from dataclasses import replace

import pytest
from conftest import audiobook_command

from audiobook import EngineUnavailable, Settings, build_archive
from audiobook.speech import ENGINES, engine_spec, open_engine, resolved_voice
from audiobook.speech.espeak import knows_voice

_LINUX = pytest.mark.skipif(platform.system() != "Linux", reason="the espeak engine runs on Linux")
_PIPER = ENGINES["piper"].unavailable() is None


@_LINUX
def test_auto_with_an_espeak_voice_speaks_with_espeak_even_where_piper_is_installed(monkeypatch):
    monkeypatch.delenv("AUDIOBOOK_ENGINE", raising=False)
    # "en-gb-scotland" is an espeak voice; no Piper voice has that name or language.
    settings = Settings(voice="en-gb-scotland")
    assert engine_spec(settings, "en").name == "espeak"
    clip = open_engine(settings, "en").synthesize("A voice from the other engine.")
    assert clip.duration_s > 0.5
    if _PIPER:  # a Piper voice's own name still chooses Piper
        assert engine_spec(Settings(voice="joe"), "en").name == "piper"
        assert engine_spec(Settings(), "en").name == "piper"


@_LINUX
def test_auto_with_a_voice_no_engine_has_is_one_error_naming_where_it_looked(monkeypatch, tmp_path):
    monkeypatch.delenv("AUDIOBOOK_ENGINE", raising=False)
    looked = "piper, espeak, pyttsx3" if _PIPER else "espeak, pyttsx3"
    with pytest.raises(EngineUnavailable, match=rf"voice 'no-such-voice' not found \(looked in: {looked}"):
        engine_spec(Settings(voice="no-such-voice"), "en")
    article = tmp_path / "a.md"
    article.write_text("# A\n\nOne sentence.\n", encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if k != "AUDIOBOOK_ENGINE"}
    result = subprocess.run(
        audiobook_command("convert", article, "--voice", "no-such-voice", "--output", tmp_path / "out"),
        capture_output=True,
        text=True,
        env=env,
    )
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    # One line for the reason (then the command's own count of failed articles).
    assert "no-such-voice" in lines[0] and f"looked in: {looked}" in lines[0], result.stderr
    assert lines[1:] == ["1 of 1 articles failed"], result.stderr
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").glob("*.mp3"))


@_LINUX
def test_espeak_voice_names_read_from_its_data_are_what_the_library_loads():
    engine = open_engine(Settings(engine="espeak"), "en")
    names = ["en-us", "en-gb", "EN-US", "en_us", "english", "en-us+f3", "gmw/en-US", "en_US-joe-medium", "xx"]
    for voice in engine.voices():
        names += [voice.id, voice.name]
    try:
        loads = {name: engine._espeak.SetVoiceByName(name.encode()) == 0 for name in names}
    finally:
        engine._select_voice(None, "en")  # the shared engine speaks as it was opened again
    assert {name: knows_voice(name) for name in names} == loads
    assert loads["en-us"] and not loads["en-gb"]  # both kinds are among the names checked


def test_fake_engine_auto_resolves_the_voice_per_language(monkeypatch):
    monkeypatch.delenv("AUDIOBOOK_ENGINE", raising=False)
    installed = {"en"}
    neural = replace(
        ENGINES["test-tones"],
        name="fake-neural",
        auto_rank=-1,
        speaks=lambda language: language in installed,
        voice_for=lambda voice, language: f"neural {language}",
    )
    monkeypatch.setitem(ENGINES, "fake-neural", neural)
    before = {language: resolved_voice(Settings(), language) for language in ("en", "de")}
    installed.add("de")  # a neural voice for German is installed
    after = {language: resolved_voice(Settings(), language) for language in ("en", "de")}
    assert after["en"] == before["en"] == "fake-neural: neural en"
    assert before["de"] != after["de"] == "fake-neural: neural de"


def test_fake_engine_a_voice_installed_for_one_language_rebuilds_only_its_articles(tmp_path, monkeypatch):
    # The workers speak with the tone engine ($AUDIOBOOK_ENGINE reaches them); this process is
    # told that the voice for German changed, as installing a Piper voice for German would.
    monkeypatch.setenv("AUDIOBOOK_ENGINE", "test-tones")
    voices = {"en": "tones (English)"}
    spec = ENGINES["test-tones"]
    monkeypatch.setitem(
        ENGINES, "test-tones", replace(spec, voice_for=lambda voice, language: voices.get(language, "tones"))
    )
    articles = tmp_path / "articles"
    articles.mkdir()
    (articles / "english.md").write_text("# English\n\nA short article in English.\n", encoding="utf-8")
    (articles / "german.md").write_text(
        "---\ntitle: Deutsch\nlanguage: de\n---\nEin kurzer Artikel auf Deutsch.\n", encoding="utf-8"
    )

    def statuses() -> dict[str, str]:
        report = build_archive(articles, tmp_path / "out", jobs=1, cache_dir=tmp_path / "cache")
        return {article.source: article.status for article in report.articles}

    assert statuses() == {"english.md": "built", "german.md": "built"}
    assert statuses() == {"english.md": "unchanged", "german.md": "unchanged"}
    voices["de"] = "a new voice for German"
    assert statuses() == {"english.md": "unchanged", "german.md": "built"}
    assert statuses() == {"english.md": "unchanged", "german.md": "unchanged"}
