"""The speech adapters, with real synthesis; fakes only where a fault is injected (named so)."""

from __future__ import annotations

import subprocess
import sys
import threading

import pytest

from audiobook import SpeechError, build_script, read_article
from audiobook.model import Clip, Script, ScriptChapter, Utterance
from audiobook.settings import Settings
from audiobook.speech import clip_problem, open_engine, synthesize_script
from audiobook.speech.synthesis import LOOKAHEAD_CLIPS
from audiobook.speech.tones import ToneEngine


def test_espeak_engine_speaks_a_sentence_with_plausible_duration():
    engine = open_engine(Settings())
    clip = engine.synthesize("The quick brown fox jumps over the lazy dog.")
    assert clip.sample_rate == 22050
    assert 1.5 < clip.duration_s < 6
    assert clip_problem(clip, "The quick brown fox jumps over the lazy dog.", 175) is None
    assert engine.version.startswith("espeak-ng 1.")


def test_nul_character_does_not_cut_the_utterance():
    engine = open_engine(Settings())
    whole = engine.synthesize("One two three four five six seven eight.")
    with_nul = engine.synthesize("One two three four\x00 five six seven eight.")
    assert with_nul.duration_s > 0.8 * whole.duration_s


def test_pyttsx3_platform_driver_adapter_with_real_speech():
    # Its own process: libespeak-ng is initialised once per process, in one mode.
    code = (
        "from audiobook.settings import Settings\n"
        "from audiobook.speech import open_engine, clip_problem\n"
        "e = open_engine(Settings(engine='pyttsx3'))\n"
        "for i in range(5):\n"
        "    text = f'This is sentence number {i}, spoken through the pyttsx3 driver.'\n"
        "    clip = e.synthesize(text)\n"
        "    assert clip_problem(clip, text, 175) is None, clip_problem(clip, text, 175)\n"
        "print('ok', clip.sample_rate)\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "ok 22050"  # and no "Audio saved to" chatter on stdout


def test_pyttsx3_adapter_waits_for_espeak_still_busy_with_an_earlier_utterance_fault_injected():
    # The race seen under load: espeak's own thread had not finished the previous utterance when the
    # next one started, so the driver's stop() at the start of runAndWait cancelled the new one (no
    # file written: "the engine returned no audio"). Injected here by starting a long synthesis on
    # espeak directly, then asking the adapter for a sentence while espeak is still busy with it.
    code = (
        "from audiobook.settings import Settings\n"
        "from audiobook.speech import open_engine, clip_problem\n"
        "e = open_engine(Settings(engine='pyttsx3'))\n"
        "from pyttsx3.drivers import _espeak\n"
        "text = 'A sentence asked for while espeak is still busy with another one.'\n"
        "for attempt in range(3):\n"
        "    e.synthesize('An ordinary sentence first.')\n"
        "    _espeak.Synth(b'A long earlier utterance. ' * 40, flags=_espeak.CHARS_UTF8)\n"
        "    assert _espeak.IsPlaying(), 'espeak finished before the fault could be injected'\n"
        "    clip = e.synthesize(text)\n"
        "    assert clip_problem(clip, text, 175) is None, clip_problem(clip, text, 175)\n"
        "print('ok')\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "ok"


class FakeSilentEngine:
    """Fault injection: an engine that returns no audio at all."""

    name, version, fingerprint = "fake-silent", "0", "fake-silent|0"

    def __init__(self):
        self.calls = 0

    def synthesize(self, text):
        self.calls += 1
        return Clip(b"", 22050)

    def voices(self):
        return []


class FakeFlakyEngine(FakeSilentEngine):
    """Fault injection: fails on the first attempt of each sentence, then delegates to espeak."""

    def __init__(self, real):
        super().__init__()
        self.real = real

    def synthesize(self, text):
        self.calls += 1
        return Clip(b"", 22050) if self.calls % 2 else self.real.synthesize(text)


def test_fake_silent_engine_fails_with_the_sentence_named(seed):
    script = build_script(read_article(seed.path))
    engine = FakeSilentEngine()
    with pytest.raises(SpeechError) as error:
        synthesize_script(script, engine, 175, label="seed.txt")
    message = str(error.value)
    assert message.startswith("seed.txt: the engine returned no audio for sentence 1 of chapter")
    assert seed.chapters[0][:20] in message and engine.calls == 2


def test_fake_flaky_engine_is_retried_once_and_every_sentence_is_kept(seed_path):
    script = build_script(read_article(seed_path))
    engine = FakeFlakyEngine(open_engine(Settings()))
    speech = synthesize_script(script, engine, 175)
    clips = [speech.clip(i) for i in range(len(speech.sample_counts))]
    assert len(clips) == len(script.utterances)
    assert all(clip_problem(c, u.text, 175) is None for c, u in zip(clips, script.utterances, strict=True))
    assert engine.calls == 2 * len(script.utterances)


def test_too_short_clip_is_rejected():
    assert "too short" in clip_problem(Clip(b"\x00\x40" * 100, 22050), "many words " * 20, 175)


@pytest.mark.parametrize(
    ("language", "voice"), [("fr", "roa/fr"), ("de-DE", "gmw/de"), ("en", "gmw/en"), ("xx", "gmw/en")]
)
def test_article_language_chooses_a_matching_voice(language, voice):
    assert open_engine(Settings(), language).voice == voice


def test_unknown_voice_is_a_clear_error():
    from audiobook import EngineUnavailable

    with pytest.raises(EngineUnavailable, match="voice 'nope' not found"):
        open_engine(Settings(voice="nope"))


def test_non_latin_text_is_spoken_not_crashed_on():
    engine = open_engine(Settings())
    for text in ("Tokyo (東京) is big.", "Привет means hello.", "مرحبا", "😀"):
        clip = engine.synthesize(text)
        assert clip.sample_rate == 22050  # audio or silence, never an exception


def test_the_same_sentence_gives_the_same_audio_whatever_came_before():
    # espeak's flutter/roughness counters and its gain control run across utterances; the engine
    # neutralises them so clips can be cached and builds are byte-identical in any order.
    engine = open_engine(Settings())
    first = engine.synthesize("A short note on choirs.")
    engine.synthesize("SOMETHING LOUD AND VERY DIFFERENT, SHOUTED!")
    engine.synthesize("Hmm?")
    assert engine.synthesize("A short note on choirs.").pcm == first.pcm
    assert max(abs(v) for v in memoryview(first.pcm).cast("h")) < 32767 * 0.8  # clear of espeak's AGC


def _assert_words_in_order_inside(clip: Clip, expected: list[str]) -> None:
    assert [w.text for w in clip.words] == expected
    previous_end = 0
    for word in clip.words:
        assert previous_end <= word.start < word.end <= clip.sample_count, word
        assert word.end - word.start >= clip.sample_rate // 100  # at least 10 ms: something is said
        previous_end = word.end
    # The words cover the speech: the first starts near the clip's start, the last ends near its end.
    assert clip.words[0].start < clip.sample_rate * 0.3
    assert clip.sample_count - clip.words[-1].end < clip.sample_rate * 0.3


def test_espeak_reports_each_word_where_it_is_spoken():
    engine = open_engine(Settings(engine="espeak"))
    clip = engine.synthesize("The café opened in 1450, naïvely — then closed.")
    # "1450" is said as several words: one timing; the dash is said as nothing: none.
    _assert_words_in_order_inside(clip, ["The", "café", "opened", "in", "1450", "naïvely", "then", "closed"])
    number = clip.words[4]
    assert number.end - number.start > 3 * (clip.words[3].end - clip.words[3].start)  # four words' worth
    assert engine.synthesize("The café opened in 1450, naïvely — then closed.") == clip  # words too


class FakeConcurrentToneEngine(ToneEngine):
    """Orchestration fake: a tone per word (tones.py) from several threads, recording which
    sentence each synthesis started with."""

    concurrent = True

    def __init__(self):
        super().__init__(None, 175, 1.0)
        self.started: list[str] = []
        self.lock = threading.Lock()

    def synthesize(self, text):
        with self.lock:
            self.started.append(text)
        return super().synthesize(text)


def test_the_last_sentences_start_longest_first_recorded_by_a_fake_concurrent_engine():
    """Sentences are spoken ahead in script order; the last window's are started longest first,
    so the threads finish together instead of one speaking a long last sentence alone."""
    words = [3, 9, 4, 12, 5, 7, 2, 11, 6, 8] * 4  # 40 sentences
    texts = [f"Sentence {n} says " + " ".join(["word"] * count) + "." for n, count in enumerate(words)]
    script = Script("t", "en", (ScriptChapter("c", tuple(Utterance(t, t, 300) for t in texts)),))
    engine = FakeConcurrentToneEngine()
    speech = synthesize_script(script, engine, 175, threads=2)
    assert speech.synthesized == len(texts) and sorted(engine.started) == sorted(texts)
    last = engine.started[-LOOKAHEAD_CLIPS:]
    assert sorted(last) == sorted(texts[-LOOKAHEAD_CLIPS:])  # the earlier ones before them
    # Longest first (two threads may record two starts a moment apart in either order: one
    # step up allowed; in script order there are eight).
    lengths = [len(t) for t in last]
    assert sum(a < b for a, b in zip(lengths, lengths[1:], strict=False)) <= 1
