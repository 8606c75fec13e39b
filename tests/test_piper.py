"""The Piper engine with real neural speech (a few sentences: Piper is ~100× slower than espeak).

Deterministic with the voice's natural noise: the same sentence gives the same samples in any
process whatever was spoken before it, while the noise is really there (not zero) and differs
from sentence to sentence.
"""

from __future__ import annotations

import hashlib
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest
from conftest import ffmpeg_samples

from audiobook import Settings, convert_article
from audiobook.cache import ClipCache
from audiobook.speech import ENGINES, clip_problem, open_engine

_MISSING = ENGINES["piper"].unavailable()
pytestmark = pytest.mark.skipif(_MISSING is not None, reason=f"Piper cannot run here: {_MISSING}")

SENTENCE = "The committee met on Tuesday to discuss the new budget for the city's libraries."
OTHERS = (
    "Heat pumps keep working well below freezing, engineers say.",
    "Night trains are coming back across Europe.",
)


@pytest.fixture(scope="module")
def piper():
    return open_engine(Settings(engine="piper"), "en")


def _digest(pcm: bytes) -> str:
    return hashlib.sha256(pcm).hexdigest()


def test_clips_are_audible_speech_of_a_plausible_length_at_the_rate(piper):
    assert piper.sample_rate == 22050 and piper.fingerprint.startswith("piper|piper-tts 1.8.0")
    words = 0
    seconds = 0.0
    for text in (SENTENCE, *OTHERS):
        clip = piper.synthesize(text)
        assert clip.sample_rate == 22050
        assert clip_problem(clip, text, 175) is None
        words += len(text.split())
        seconds += clip.duration_s
    assert 130 <= words / seconds * 60 <= 230  # the default rate, 175 wpm, give or take the text


def test_same_text_same_samples_in_one_process_and_the_noise_is_live(piper):
    first = piper.synthesize(SENTENCE)
    piper.synthesize(OTHERS[0])
    assert piper.synthesize(SENTENCE) == first
    # The voice's own noise is in the audio: without it (scales 0) the sentence sounds different…
    (flat,) = piper.sentence_audio(SENTENCE, noise_scale=0.0, noise_w=0.0)
    assert len(flat) != first.sample_count or _digest(flat.tobytes()) != _digest(first.pcm)
    # …and other noise (as drawn for other texts) gives the same words other natural durations.
    lengths = {first.sample_count} | {len(piper.sentence_audio(SENTENCE, noise_key=key)[0]) for key in OTHERS}
    assert len(lengths) == 3
    assert max(lengths) / min(lengths) < 1.25  # varied, not wild


_CHILD = textwrap.dedent(
    """
    import hashlib, sys
    from audiobook import Settings
    from audiobook.speech import open_engine
    prior, target = sys.argv[1], sys.argv[2]
    if prior == "espeak":  # the espeak engine's libespeak-ng in the same process, speaking first
        open_engine(Settings(engine="espeak"), "en").synthesize("Something else entirely, said by espeak.")
    piper = open_engine(Settings(engine="piper"), "en")
    if prior != "espeak":
        piper.synthesize(prior)
    print(hashlib.sha256(piper.synthesize(target).pcm).hexdigest())
    """
)


def test_same_text_same_samples_in_fresh_processes_whatever_was_spoken_before(piper):
    children = [
        subprocess.Popen([sys.executable, "-c", _CHILD, prior, SENTENCE], stdout=subprocess.PIPE, text=True)
        for prior in (OTHERS[1], "espeak")
    ]
    digests = [child.communicate(timeout=120)[0].strip() for child in children]
    assert all(child.returncode == 0 for child in children)
    assert digests == [_digest(piper.synthesize(SENTENCE).pcm)] * 2


ARTICLE = """# Piper reads a short article

A short introduction, read first.

## The first part

Heat pumps move heat rather than make it. That is why they save energy.

## The second part

Night trains are coming back. Travellers sleep while they cross borders.
"""


def test_an_article_converts_with_chapters_loudness_and_a_reused_cache(tmp_path, ffmpeg):
    import pyloudnorm
    from mutagen.id3 import ID3

    source = tmp_path / "short.md"
    source.write_text(ARTICLE, encoding="utf-8")
    settings = Settings(engine="piper")
    cache = ClipCache(tmp_path / "cache")
    result = convert_article(source, tmp_path / "out", settings, cache=cache)
    assert result.synthesized == result.sentences > 0

    tag = ID3(result.mp3)
    titles = [str(chap.sub_frames["TIT2"]) for chap in tag.getall("CHAP")]
    assert titles == ["Piper reads a short article", "The first part", "The second part"]

    audio = ffmpeg_samples(ffmpeg, result.mp3)
    lufs = pyloudnorm.Meter(44100).integrated_loudness(audio.astype(np.float64))
    assert abs(lufs - (-16.0)) <= 0.5

    again = convert_article(source, tmp_path / "again", settings, cache=cache)
    assert again.synthesized == 0 and again.sentences == result.sentences
    assert again.mp3.read_bytes() == result.mp3.read_bytes()


def test_word_timings_are_in_order_inside_the_clip_and_cover_the_sentence(piper):
    clip = piper.synthesize(SENTENCE + " It cost $5 today.")
    assert [w.text for w in clip.words] == (SENTENCE + " It cost $5 today.").split()
    previous_end = 0
    for word in clip.words:
        assert previous_end <= word.start < word.end <= clip.sample_count, word
        previous_end = word.end
    assert clip.words[0].start < clip.sample_rate * 0.3
    assert clip.sample_count - clip.words[-1].end < clip.sample_rate * 0.5
    number = next(w for w in clip.words if w.text == "$5")  # said as two words, timed as one
    assert number.end - number.start > clip.sample_rate * 0.2
    assert piper.synthesize(SENTENCE + " It cost $5 today.") == clip


def test_one_article_speaks_on_several_threads_with_the_same_bytes(piper):
    from audiobook import build_script
    from audiobook.parse import parse_article

    text = "# Threads\n\n" + " ".join(f"Sentence number {n} is spoken on whichever thread is free." for n in range(6))
    script = build_script(parse_article(Path("threads.md"), text + "\n"), Settings(engine="piper"))
    from audiobook.speech import synthesize_script

    def spoken(threads: int) -> list[bytes]:
        speech = synthesize_script(script, piper, 175, threads=threads)
        return [speech.clip(i).pcm for i in range(len(speech.sample_counts))]

    assert len(script.utterances) >= 7
    assert spoken(2) == spoken(1)
