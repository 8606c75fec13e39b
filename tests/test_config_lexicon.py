"""audiobook.toml, lexicon.toml and front-matter pronunciations, and the narration options."""

from __future__ import annotations

import subprocess

import pytest
from conftest import audiobook_command

from audiobook import AudiobookError, build_script, read_article
from audiobook.config import load_settings

ARTICLE = """---
title: Pronunciation test
lexicon:
  Nguyen: Win
---
Dr. Nguyen met the SQL team. Sql is not SQL.

![A chart of yields by crop](chart.png)

A footnote follows.[^1]

[^1]: This footnote text is not read.

- Hold a meeting
- Clear the site

> Gardens grow people.

```python
print("hi")
```

| Crop | Yield |
| --- | --- |
| Beans | 4 kg |
| Kale | 2 kg |
"""


@pytest.fixture()
def archive(tmp_path):
    (tmp_path / "a.md").write_text(ARTICLE, encoding="utf-8")
    (tmp_path / "lexicon.toml").write_text(
        '[case_sensitive]\nSQL = "sequel"\n[words]\nkale = "kail"\nunused = "never"\n', encoding="utf-8"
    )
    (tmp_path / "audiobook.toml").write_text(
        'publication = "Test Weekly"\n[pauses]\nquiz_think_ms = 4500\n'
        '[narration]\nlists = "ordinal"\nquotes = "spoken"\ncode = "note"\nimages = "alt"\n',
        encoding="utf-8",
    )
    return tmp_path


def spoken(archive) -> list[str]:
    return [u.text for u in build_script(read_article(archive / "a.md"), load_settings(archive)).utterances]


def test_archive_settings_are_loaded(archive):
    settings = load_settings(archive)
    assert settings.publication == "Test Weekly"
    assert settings.pauses.quiz_think_ms == 4500
    assert (settings.narration.lists, settings.narration.quotes, settings.narration.code) == (
        "ordinal",
        "spoken",
        "note",
    )


def test_lexicon_whole_words_case_rules_and_front_matter(archive):
    lines = spoken(archive)
    assert "Doctor Win met the sequel team." in lines
    assert "Sql is not sequel." in lines  # case-sensitive entry leaves other spellings alone
    assert "Crop: Kail; Yield: 2 kilograms." in lines  # table read row by row, capital kept


def test_narration_options_lists_quotes_code(archive):
    lines = spoken(archive)
    assert lines[lines.index("First, hold a meeting.") + 1] == "Second, clear the site."
    assert lines[lines.index("Quote: Gardens grow people.") + 1] == "End quote."
    assert "A code example is skipped here." in lines and not any("print" in line for line in lines)
    assert "Crop: Beans; Yield: 4 kilograms." in lines
    assert "Image: A chart of yields by crop." in lines


def test_defaults_without_config(tmp_path):
    (tmp_path / "a.md").write_text(ARTICLE, encoding="utf-8")
    lines = spoken(tmp_path)
    assert "Hold a meeting." in lines and "Gardens grow people." in lines
    assert "Doctor Win met the SQL team." in lines
    assert not any("code example" in line or "chart" in line for line in lines)
    assert "A footnote follows." in lines and not any("footnote text" in line for line in lines)


def test_lexicon_change_only_changes_sentences_with_the_word(archive):
    before = spoken(archive)
    (archive / "lexicon.toml").write_text('[case_sensitive]\nSQL = "S Q L"\n', encoding="utf-8")
    after = spoken(archive)
    changed = [b for b, a in zip(before, after, strict=True) if b != a]
    # Only the sentences holding a word whose entry changed (SQL) or went away (kale) differ.
    assert changed == [line for line in before if "sequel" in line or "Kail" in line]
    assert len(changed) == 3


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("[pauses]\nsentence_ms = -5\n", "pause 'sentence_ms'"),
        ('[narration]\nlists = "bulleted"\n', "lists"),
        ("colour = 'blue'\n", "unknown setting 'colour'"),
        ("[pauses\n", "not valid TOML"),
    ],
)
def test_bad_config_is_a_clear_error(tmp_path, content, message):
    (tmp_path / "audiobook.toml").write_text(content, encoding="utf-8")
    with pytest.raises(AudiobookError, match=message) as error:
        load_settings(tmp_path)
    assert "audiobook.toml" in str(error.value)


def test_lexicon_check_lists_unmatched_entries(archive):
    result = subprocess.run(audiobook_command("lexicon", "check", archive), capture_output=True, text=True)
    assert result.returncode == 1
    assert result.stdout.splitlines() == ["4 entries, 1 never matched", "  unused → never"]
    (archive / "b.md").write_text("---\ntitle: B\nlexicon:\n  Zyx: zicks\n---\nNothing to replace.\n")
    result = subprocess.run(audiobook_command("lexicon", "check", archive), capture_output=True, text=True)
    assert result.stdout.splitlines() == ["5 entries, 2 never matched", "  unused → never", "  Zyx → zicks  (b.md)"]


def test_lexicon_applies_to_the_audio_too(tmp_path):
    from dataclasses import replace

    from audiobook import Settings, convert_article
    from audiobook.lexicon import Lexicon, LexiconEntry

    article = tmp_path / "short.md"
    article.write_text("# Short\n\nThe ZQX report is out.\n", encoding="utf-8")
    plain = convert_article(article, tmp_path / "plain", Settings())
    long_say = "the quarterly report of the regional statistics office"
    lexicon = Lexicon((LexiconEntry("ZQX", long_say, case_sensitive=True),))
    spelled = convert_article(article, tmp_path / "lexicon", replace(Settings(), lexicon=lexicon))
    # The respelling is much longer to say: the spoken sentence (and the MP3) grow accordingly.
    assert spelled.duration_ms > plain.duration_ms + 1500


def test_lexicon_entries_may_give_phonemes_in_toml_and_front_matter(tmp_path):
    import unicodedata

    from audiobook.lexicon import Pronounced, respelled, spoken_parts

    (tmp_path / "a.md").write_text(
        "---\ntitle: Names\nlexicon:\n  Nguyen:\n    say: Win\n    ipa: wˈɪn\n---\nSiobhan and Dvořák met Nguyen.\n",
        encoding="utf-8",
    )
    (tmp_path / "lexicon.toml").write_text(
        '[words]\nSiobhan = { say = "Shivawn", ipa = "ʃɪvˈɔːn" }\n"Dvořák" = { ipa = "dvˈɔːʒɑːk" }\n', encoding="utf-8"
    )
    (text,) = [u.text for u in build_script(read_article(tmp_path / "a.md"), load_settings(tmp_path)).utterances][1:]
    assert respelled(text) == "Shivawn and Dvořák met Win."  # phonemes only: other engines read the word
    nfd = lambda ipa: unicodedata.normalize("NFD", ipa)  # noqa: E731
    assert [p for p in spoken_parts(text) if isinstance(p, Pronounced)] == [
        Pronounced("Shivawn", nfd("ʃɪvˈɔːn")),
        Pronounced("Dvořák", nfd("dvˈɔːʒɑːk")),
        Pronounced("Win", nfd("wˈɪn")),
    ]


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        ('Nguyen = { say = "Win", ipa = "/wɪn/" }', r"ipa '/wɪn/' holds '/' \(U\+002F\), which is not an IPA phoneme"),
        ('Nguyen = { ipa = "WIN" }', r"ipa 'WIN' holds 'W'"),
        ('Nguyen = { ipa = "\'wɪn" }', r"holds \"'\" \(U\+0027\).* \(for a stress or length mark write ˈ\)"),
        ('Nguyen = { ipa = "wɪn." }', r"holds '\.'"),
        ('Nguyen = { ipa = "" }', "ipa '' is empty"),
        ("Nguyen = { ipa = 7 }", "must give its ipa as text"),
        ('Nguyen = { espeak = "wɪn" }', r"espeak 'wɪn' holds 'ɪ' \(U\+026A\); espeak's phoneme notation is ASCII"),
        ('Nguyen = { espeak = "[[w\'In]]" }', r"holds '\['"),
        ('Nguyen = { sound = "win" }', r"unknown key\(s\) sound"),
        ("Nguyen = {}", "gives none of say, ipa, espeak"),
        ('Nguyen = { say = "Win\\u0007" }', "control or unassigned characters"),
    ],
)
def test_bad_phonemes_are_one_line_naming_the_file_and_the_entry(tmp_path, entry, message):
    (tmp_path / "lexicon.toml").write_text(f"[words]\n{entry}\n", encoding="utf-8")
    with pytest.raises(AudiobookError, match=message) as error:
        load_settings(tmp_path)
    assert str(error.value).startswith(f"{tmp_path / 'lexicon.toml'}: lexicon entry 'Nguyen' ")
    assert "\n" not in str(error.value)


def test_bad_phonemes_in_front_matter_and_on_the_command_line(tmp_path):
    (tmp_path / "a.md").write_text("---\ntitle: A\nlexicon:\n  Nguyen:\n    ipa: '[wɪn]'\n---\nHi.\n", encoding="utf-8")
    with pytest.raises(AudiobookError, match=r"a\.md.*lexicon entry 'Nguyen' ipa '\[wɪn\]' holds '\['"):
        read_article(tmp_path / "a.md")
    (tmp_path / "a.md").unlink()
    (tmp_path / "lexicon.toml").write_text('Nguyen = { say = "Win", ipa = "w1n" }\n', encoding="utf-8")
    result = subprocess.run(audiobook_command("lexicon", "check", tmp_path), capture_output=True, text=True)
    assert result.returncode != 0 and "Traceback" not in result.stderr
    assert result.stderr.strip().splitlines() == [
        f"error: {tmp_path / 'lexicon.toml'}: lexicon entry 'Nguyen' ipa 'w1n' holds '1' (U+0031),"
        " which is not an IPA phoneme as espeak-ng writes them"
    ]


def test_a_pronunciation_cut_in_two_reads_its_respelling_never_its_phonemes_as_text():
    from audiobook.lexicon import pronounced, respelled, spoken_parts

    text = f"They met {pronounced('Sir Win', 'sɜː wˈɪn')} today."
    cut = text.index("Win")  # a very long sentence split inside the respelling
    first, second = text[:cut], text[cut:]
    assert spoken_parts(first) == ["They met Sir "] and respelled(first) == "They met Sir "
    assert spoken_parts(second) == ["Win today."] and respelled(second) == "Win today."


def test_phonemes_typed_on_a_keyboard_g_are_spelled_as_the_voices_spell_them(tmp_path):
    from audiobook.lexicon import Pronounced, spoken_parts

    (tmp_path / "lexicon.toml").write_text('GIF = { say = "jif", ipa = "  gˈɪf " }\n', encoding="utf-8")
    (tmp_path / "a.md").write_text("# A\n\nA GIF moves.\n", encoding="utf-8")
    (text,) = [u.text for u in build_script(read_article(tmp_path / "a.md"), load_settings(tmp_path)).utterances][1:]
    # Capitalised as the word was; the g is U+0261, the letter espeak writes and the voices know.
    assert Pronounced("Jif", "ɡˈɪf") in spoken_parts(text)


@pytest.mark.skipif(__import__("platform").system() != "Linux", reason="the espeak engine runs on Linux")
def test_espeak_speaks_phonemes_in_its_own_notation_and_never_an_articles_brackets(tmp_path):
    from audiobook import Settings
    from audiobook.lexicon import respelled
    from audiobook.speech import open_engine

    (tmp_path / "lexicon.toml").write_text('Nguyen = { say = "Nwen", espeak = "w\'In" }\n', encoding="utf-8")
    (tmp_path / "a.md").write_text("# A\n\nThen Nguyen met us.\n", encoding="utf-8")
    (text,) = [u.text for u in build_script(read_article(tmp_path / "a.md"), load_settings(tmp_path)).utterances][1:]
    assert respelled(text) == "Then Nwen met us."  # what an engine without phonemes says
    espeak = open_engine(Settings(engine="espeak"), "en")
    # [[w'In]] is espeak's "win": the same samples as the word, not as the respelling "Nwen".
    assert espeak.synthesize(text).pcm == espeak.synthesize("Then win met us.").pcm
    assert espeak.synthesize(text).pcm != espeak.synthesize(respelled(text)).pcm
    # With phonemes in the sentence espeak reads [[ ]] as phonemes: the article's own are text.
    bracketed = text.replace("us.", "[[p'aUnd]] us.")
    assert espeak.synthesize(bracketed).pcm == espeak.synthesize("Then win met [ [p'aUnd] ] us.").pcm


def test_the_script_shows_a_pronunciation_as_its_respelling_and_phonemes(tmp_path):
    """`audiobook script` is read by people: no hidden pronunciation marks reach the terminal."""
    (tmp_path / "audiobook.toml").write_text('[lexicon]\nSiobhan = { say = "Shivawn", ipa = "ʃɪvˈɔːn" }\n', "utf-8")
    (tmp_path / "a.txt").write_text("A title\n\nSiobhan went home early today, and she was glad.\n", "utf-8")
    for args in (("script", tmp_path / "a.txt"), ("script", "--json", tmp_path / "a.txt")):
        result = subprocess.run(audiobook_command(*args), capture_output=True, text=True)
        assert result.returncode == 0, result.stderr
        assert "Shivawn /ʃɪvˈɔːn/ went home" in result.stdout
        assert not any("\ue000" <= char <= "\uf8ff" for char in result.stdout)
