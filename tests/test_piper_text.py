"""The Piper engine's text side, with real neural speech: lexicon phonemes spoken in place (with
the punctuation around them), a respelling still said by both engines, article text never read
as phonemes, and one word timing per written word whatever espeak makes of the words."""

from __future__ import annotations

import platform
import unicodedata

import pytest

from audiobook import Settings, build_script, read_article
from audiobook.config import load_settings
from audiobook.lexicon import Pronounced, pronounced, respelled, spoken_parts
from audiobook.speech import ENGINES, open_engine

_MISSING = ENGINES["piper"].unavailable()
pytestmark = pytest.mark.skipif(_MISSING is not None, reason=f"Piper cannot run here: {_MISSING}")


@pytest.fixture(scope="module")
def piper():
    return open_engine(Settings(engine="piper"), "en")


def _written(text: str) -> list[str]:
    return [token for token in text.split() if any(c.isalnum() for c in token)]


@pytest.mark.parametrize(
    "text",
    [
        "A crew of 1450 workers built it in the 1990s.",
        "The well-known 24-hour shop didn't close on New Year's Eve, did it?",
        "Dr. Smith of the U.S. Navy met the CEO at 3 p.m. on 12/05.",
        "It's rock 'n' roll: the O'Neills' café opened in 1987, e.g. on Main St.",
    ],
)
def test_one_word_timing_per_written_word_in_order_covering_the_clip(piper, text):
    clip = piper.synthesize(text)
    assert [w.text for w in clip.words] == _written(text)
    previous_end = 0
    for word in clip.words:
        assert previous_end <= word.start < word.end <= clip.sample_count, word
        assert word.end - word.start >= clip.sample_rate * 0.02, word  # a real span, not a sliver
        previous_end = word.end
    assert clip.words[0].start < clip.sample_rate * 0.3
    assert clip.sample_count - clip.words[-1].end < clip.sample_rate * 0.5
    # A number read as several words lasts longer than any one short word next to it.
    for word in clip.words:
        if word.text.rstrip(".,") in ("1450", "1987", "1990s"):
            shortest = min(w.end - w.start for w in clip.words)
            assert word.end - word.start > 4 * shortest, word


def test_word_timings_follow_the_speech_where_espeak_joins_words(piper):
    """ "in the" is one phoneme word for espeak ("ɪnðə"); the words keep their own spans, and the
    timings of a sentence are the same with or without the words around it moved."""
    clip = piper.synthesize("They met in the hall of the town.")
    assert [w.text for w in clip.words] == ["They", "met", "in", "the", "hall", "of", "the", "town."]
    spans = {w.text: w.end - w.start for w in clip.words}
    assert spans["hall"] > spans["in"] and spans["town."] > spans["the"]


def test_lexicon_phonemes_are_spoken_in_place_with_the_punctuation_around_them(piper):
    short, long = "bˈɑː", "bˌɑːɹθəlˈɒmjuːˌɑːɹtʃɪbˈɔːld"
    said = {ipa: f"I met {pronounced('Bart', ipa)}, then left." for ipa in (short, long)}
    phonemes = "".join("".join(sentence) for sentence in piper.sentence_phonemes(said[short]))
    # The phonemes in place; the comma's pause and the full stop are kept (Piper's own [[ ]] drops them).
    assert unicodedata.normalize("NFD", f"{short}, ") in phonemes and phonemes.endswith("lˈɛft.")
    clips = {ipa: piper.synthesize(text) for ipa, text in said.items()}
    words = {ipa: {w.text: w for w in clip.words} for ipa, clip in clips.items()}
    assert [w.text for w in clips[long].words] == ["I", "met", "Bart", "then", "left."]
    span = {ipa: words[ipa]["Bart"].end - words[ipa]["Bart"].start for ipa in (short, long)}
    assert span[long] > 2.5 * span[short]  # the phonemes, not the respelling, are what is heard
    assert clips[long].duration_s > clips[short].duration_s + 0.5
    # The respelling alone is said as espeak reads "Bart": neither of the two.
    plain = piper.synthesize("I met Bart, then left.")
    assert plain.pcm not in (clips[short].pcm, clips[long].pcm)


ARTICLE = "---\ntitle: Names\nlexicon:\n  Nguyen:\n    say: Win\n    ipa: ŋwˈiːən\n---\nThen Nguyen met the SQL team.\n"


@pytest.mark.skipif(platform.system() != "Linux", reason="the espeak engine runs on Linux")
def test_a_lexicon_of_phonemes_and_respellings_speaks_through_both_engines(tmp_path, piper):
    (tmp_path / "a.md").write_text(ARTICLE, encoding="utf-8")
    (tmp_path / "lexicon.toml").write_text('[case_sensitive]\nSQL = "sequel"\n', encoding="utf-8")
    script = build_script(read_article(tmp_path / "a.md"), load_settings(tmp_path))
    text = next(u.text for u in script.utterances if "sequel" in u.text)
    assert Pronounced("Win", unicodedata.normalize("NFD", "ŋwˈiːən")) in spoken_parts(text)
    assert respelled(text) == "Then Win met the sequel team."

    # espeak takes no IPA: it says the respelling, exactly as if the text were respelled.
    espeak = open_engine(Settings(engine="espeak"), "en")
    marked, plain = espeak.synthesize(text), espeak.synthesize(respelled(text))
    assert marked == plain and [w.text for w in marked.words][:3] == ["Then", "Win", "met"]

    # Piper says the phonemes (other audio than the respelling) and the respelling of SQL.
    clip = piper.synthesize(text)
    phonemes = "".join("".join(s) for s in piper.sentence_phonemes(text))
    assert unicodedata.normalize("NFD", "ŋwˈiːən") in phonemes and "sˈiːkwəl" in phonemes
    assert [w.text for w in clip.words] == respelled(text).split()
    assert clip.pcm != piper.synthesize(respelled(text)).pcm


def test_brackets_in_article_text_are_read_as_text_not_phonemes(piper):
    text = "Press [[Enter]] now."
    phonemes = "".join("".join(s) for s in piper.sentence_phonemes(text))
    assert "E" not in phonemes and "ɛntɚ" in phonemes  # the word, not its letters as "phonemes"
    clip = piper.synthesize(text)
    assert [w.text for w in clip.words] == ["Press", "[[Enter]]", "now."]


def test_an_article_with_lexicon_phonemes_has_every_word_timed_in_its_transcripts(tmp_path):
    import json

    from audiobook import convert_article

    source = tmp_path / "a.md"
    source.write_text(ARTICLE.replace("the SQL team.", "a crew of 1450 workers, in the U.S. capital."))
    result = convert_article(source, tmp_path / "out", Settings(engine="piper"))
    caption = "Then Nguyen met a crew of 1450 workers, in the U.S. capital."
    segments = json.loads(result.transcript_json.read_text(encoding="utf-8"))["segments"]
    words = [s for s in segments if s["body"] != "Names"]
    assert [s["body"] for s in words] == caption.split()  # one segment per word the reader sees
    assert all(a["endTime"] <= b["startTime"] for a, b in zip(words, words[1:], strict=False))
    assert all(s["startTime"] < s["endTime"] for s in words)
    cue = next(block for block in result.transcript.read_text(encoding="utf-8").split("\n\n") if "Nguyen" in block)
    assert cue.count("<00:") == len(caption.split()) - 1  # an inline timestamp before every word after the first


def test_an_entry_with_only_espeak_phonemes_is_said_by_piper_as_its_respelling(piper):
    text = f"Then {pronounced('Nwen', '', 'w' + chr(39) + 'In')}, they said, met us."
    assert piper.sentence_phonemes(text) == piper.sentence_phonemes(respelled(text))
    clip = piper.synthesize(text)  # (its noise is drawn for the marked text: other samples, same phonemes)
    assert [w.text for w in clip.words] == ["Then", "Nwen,", "they", "said,", "met", "us."]
