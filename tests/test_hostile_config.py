"""Hostile archive-level settings and cache folders (issue 13, items 2, 13 and 14).

The cache folder may be any folder a user names: it touches only what it made. Its entries are
read back as untrusted data. audiobook.toml is checked against one schema before any work.
"""

from __future__ import annotations

import json
import struct
import subprocess
import sys
import zlib
from pathlib import Path

import pytest
from conftest import audiobook_command

from audiobook import AudiobookError
from audiobook.cache import ClipCache, cache_info, clear_cache
from audiobook.model import Clip

KEY = "ab" + "0" * 62
OTHER_KEY = "cd" + "1" * 62
TAG_SIGNATURE = b"Signature: 8a477f597d28d172789f06886806bc55"


def run(*args, **kwargs):
    return subprocess.run(audiobook_command(*args), capture_output=True, text=True, timeout=300, **kwargs)


def entry_bytes(number: int, payload: bytes, length: int | None = None, magic: bytes = b"ABC1") -> bytes:
    """A cache entry as the cache writes one: magic, number, payload length, a valid crc32."""
    length = len(payload) if length is None else length
    return struct.pack("<4sIII", magic, number, length, zlib.crc32(payload)) + payload


def clip_payload(pcm: bytes, words=(), pcm_length: int | None = None, count: int | None = None) -> bytes:
    """A clip entry's payload (format 2): PCM length, PCM, word count, (start, end, text length)
    per word, the texts; ``words`` are (text bytes, start, end)."""
    table = b"".join(struct.pack("<IIH", start, end, len(text)) for text, start, end in words)
    return (
        struct.pack("<I", len(pcm) if pcm_length is None else pcm_length)
        + pcm
        + struct.pack("<I", len(words) if count is None else count)
        + table
        + b"".join(text for text, _, _ in words)
    )


def clip_entry(rate: int, payload: bytes, length: int | None = None) -> bytes:
    return entry_bytes(rate, payload, length, magic=b"ABC2")


def one_line_error(result, *fragments: str) -> None:
    assert result.returncode == 1, result.stdout + result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), result.stderr
    assert "Traceback" not in result.stderr
    for fragment in fragments:
        assert fragment in lines[0]


def tree(root) -> set[str]:
    return {str(p.relative_to(root)) for p in root.rglob("*")}


# --- item 2: the cache removes, counts and writes only what it made --------------------------------


@pytest.fixture()
def not_a_cache(tmp_path):
    """A user's folder that happens to hold clips/ and segments/ of its own."""
    folder = tmp_path / "home"
    for name, text in (("clips/holiday/video.txt", "film"), ("segments/notes.txt", "notes"), ("Documents/a.txt", "a")):
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_text(text)
    return folder


@pytest.mark.parametrize("command", ["clear", "info"])
def test_cache_commands_refuse_a_folder_the_cache_did_not_make(not_a_cache, command):
    before = tree(not_a_cache)
    result = run("cache", command, "--cache-dir", not_a_cache)
    one_line_error(result, str(not_a_cache), "is not an audiobook cache (no marker file)")
    if command == "clear":
        assert "nothing removed" in result.stderr
    assert tree(not_a_cache) == before


def test_cache_does_not_write_into_a_folder_it_did_not_make(not_a_cache):
    before = tree(not_a_cache)
    with pytest.raises(AudiobookError, match="is not an audiobook cache"):
        ClipCache(not_a_cache).put(KEY, Clip(b"\x01\x00" * 100, 22050))
    assert tree(not_a_cache) == before


def test_build_with_a_foreign_cache_folder_fails_with_one_line_and_writes_nothing_there(not_a_cache, tmp_path):
    articles = tmp_path / "articles"
    articles.mkdir()
    (articles / "a.md").write_text("# A\n\nOne sentence here.\n", encoding="utf-8")
    before = tree(not_a_cache)
    result = run("build", articles, "-o", tmp_path / "out", "--cache-dir", not_a_cache, "--jobs", "1", "--quiet")
    one_line_error(result)  # once for the build, not once per article
    assert "is not an audiobook cache" in result.stderr
    assert not (tmp_path / "out").exists()  # refused before any work
    assert tree(not_a_cache) == before


def test_a_new_cache_folder_is_marked_when_the_first_entry_is_written(tmp_path):
    root = tmp_path / "cache"
    cache = ClipCache(root)
    assert not root.exists()  # opening creates nothing: the build makes the cache lazily
    cache.put(KEY, Clip(b"\x01\x00" * 100, 22050))
    assert (root / "audiobook-cache").read_bytes().startswith(b"audiobook cache")
    assert (root / "CACHEDIR.TAG").read_bytes().startswith(TAG_SIGNATURE)
    assert ClipCache(root).get(KEY) == Clip(b"\x01\x00" * 100, 22050)


def test_cache_clear_removes_only_entries_of_its_own_scheme(tmp_path):
    root = tmp_path / "cache"
    cache = ClipCache(root)
    cache.put(KEY, Clip(b"\x01\x00" * 100, 22050))
    cache.segments.put(OTHER_KEY, 3, b"abcdef")
    leftover = root / "clips" / "ab" / f".{KEY}.x1y2z3w4.part"  # from a build killed mid-write
    leftover.write_bytes(b"half")
    # Files the cache did not make, dropped into it (by hand, or by another program).
    strays = [
        root / "clips" / "ab" / "notes.txt",
        root / "clips" / "holiday" / "video.txt",
        root / "Documents" / "a.txt",
    ]
    for stray in strays:
        stray.parent.mkdir(parents=True, exist_ok=True)
        stray.write_text("keep me")

    result = run("cache", "info", "--cache-dir", root)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith(f"{root}: 2 entries")

    result = run("cache", "clear", "--cache-dir", root)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith(f"{root}: removed 2 entries")
    assert all(stray.read_text() == "keep me" for stray in strays)
    assert not leftover.exists()
    assert not (root / "segments").exists()  # emptied shard and kind folders go too
    assert (root / "audiobook-cache").is_file()  # still a cache: the next build uses it
    assert ClipCache(root).get(KEY) is None


def test_a_cache_of_the_previous_version_is_adopted(tmp_path):
    """Caches made before the marker existed hold nothing but clips/ and segments/ entries."""
    root = tmp_path / "cache"
    clip = Clip(b"\x02\x00" * 50, 22050)
    (root / "clips" / "ab").mkdir(parents=True)
    (root / "clips" / "ab" / KEY).write_bytes(clip_entry(22050, clip_payload(clip.pcm)))
    (root / "segments" / "cd").mkdir(parents=True)
    (root / "segments" / "cd" / OTHER_KEY).write_bytes(entry_bytes(1, b"xy"))

    assert cache_info(root).entries == 2
    assert ClipCache(root).get(KEY) == clip
    assert (root / "audiobook-cache").is_file()  # marked once, then not walked again
    assert clear_cache(root).entries == 2
    assert not (root / "clips").exists()


def test_a_link_inside_the_cache_is_never_followed(tmp_path):
    root = tmp_path / "cache"
    ClipCache(root).put(KEY, Clip(b"\x01\x00" * 100, 22050))
    outside = tmp_path / "outside" / "cd"
    outside.mkdir(parents=True)
    (outside / OTHER_KEY).write_bytes(b"not the cache's")
    (root / "segments").symlink_to(outside.parent)
    assert clear_cache(root).entries == 1
    assert (outside / OTHER_KEY).read_bytes() == b"not the cache's"


# --- item 14: a crafted entry with a valid checksum is missing, never trusted ------------------------


PCM = b"\x01\x00" * 100  # 100 samples


@pytest.mark.parametrize(
    ("number", "payload", "length"),
    [
        (0, clip_payload(PCM), None),  # rate 0: a division by zero downstream
        (1, clip_payload(PCM), None),  # 1 Hz: resampled to 44.1 kHz, 44,100 times the memory
        (2**32 - 1, clip_payload(PCM), None),
        (22050, clip_payload(PCM + b"\x01"), None),  # odd: not 16-bit samples
        (22050, clip_payload(b""), None),
        (22050, clip_payload(PCM), 2**31),  # a length the file does not hold
        (22050, clip_payload(PCM, pcm_length=2**32 - 1), None),  # PCM beyond the payload
        (22050, clip_payload(PCM) + b"\x00", None),  # bytes after the words
        (22050, clip_payload(PCM, count=2**32 - 1), None),  # words the payload does not hold
        (22050, clip_payload(PCM, [(b"far", 10, 101)]), None),  # a word past the clip's end
        (22050, clip_payload(PCM, [(b"b", 50, 60), (b"a", 10, 20)]), None),  # out of order
        (22050, clip_payload(PCM, [(b"a", 10, 30), (b"b", 20, 40)]), None),  # overlapping
        (22050, clip_payload(PCM, [(b"none", 20, 20)]), None),  # lasts no time
        (22050, clip_payload(PCM, [(b"", 0, 10)]), None),  # no text
        (22050, clip_payload(PCM, [(b"two words", 0, 10)]), None),
        (22050, clip_payload(PCM, [(b"\xff\xfe", 0, 10)]), None),  # not UTF-8
        (22050, clip_payload(PCM, [(b"a", 0, 10)])[:-1] + b"", None),  # the text cut short
    ],
    ids=[
        "rate-0",
        "rate-1",
        "rate-huge",
        "odd-bytes",
        "empty",
        "length-lies",
        "pcm-length-lies",
        "trailing-bytes",
        "word-count-lies",
        "word-past-end",
        "words-out-of-order",
        "words-overlap",
        "word-empty-span",
        "word-no-text",
        "word-with-space",
        "word-not-utf8",
        "word-text-cut",
    ],
)
def test_crafted_clip_entry_is_treated_as_missing(tmp_path, number, payload, length):
    cache = ClipCache(tmp_path / "cache")
    cache.put(KEY, Clip(b"\x01\x00" * 10, 22050))  # a real entry first: the folder is a cache
    (tmp_path / "cache" / "clips" / "ab" / KEY).write_bytes(clip_entry(number, payload, length))
    assert cache.get(KEY) is None


def test_clip_entries_keep_word_timings_and_a_format_1_entry_is_missing(tmp_path):
    from audiobook.model import WordTiming

    cache = ClipCache(tmp_path / "cache")
    clip = Clip(PCM, 22050, (WordTiming("naïve", 0, 40), WordTiming("words.", 45, 100)))
    cache.put(KEY, clip)
    assert cache.get(KEY) == clip
    path = tmp_path / "cache" / "clips" / "ab" / KEY
    assert path.read_bytes() == clip_entry(22050, clip_payload(PCM, [("naïve".encode(), 0, 40), (b"words.", 45, 100)]))
    # Written by the version before word timings (raw PCM, magic ABC1): made again, not read
    # as a clip without words (a cached build would then differ from a fresh one).
    path.write_bytes(entry_bytes(22050, PCM))
    assert cache.get(KEY) is None


def test_entry_read_is_bounded_by_the_file_and_never_hangs(tmp_path):
    """A FIFO, a link to /dev/zero or a longer file in place of an entry: missing, at once."""
    script = f"""
import os, sys
from audiobook.cache import ClipCache
from audiobook.model import Clip
cache = ClipCache(sys.argv[1])
cache.put({KEY!r}, Clip(b"\\1\\0" * 10, 22050))
path = os.path.join(sys.argv[1], "clips", "ab", {KEY!r})
os.unlink(path); os.mkfifo(path)
assert cache.get({KEY!r}) is None
os.unlink(path); os.symlink("/dev/zero", path)
assert cache.get({KEY!r}) is None
print("ok")
"""
    result = subprocess.run(
        [sys.executable, "-c", script, str(tmp_path / "cache")], capture_output=True, text=True, timeout=60
    )
    assert result.stdout.strip() == "ok", result.stderr


ARTICLE = "# Crafted\n\nThe first sentence is here. A second one follows it.\n\n## Next\n\nA third sentence ends it.\n"


def _word_past_the_end(payload: bytes) -> bytes:
    """The clip's own payload with its last word made to end one sample after the clip."""
    (pcm_length,) = struct.unpack_from("<I", payload)
    (count,) = struct.unpack_from("<I", payload, 4 + pcm_length)
    assert count, "the engine reported no words"
    at = 8 + pcm_length + (count - 1) * 10
    start, _, length = struct.unpack_from("<IIH", payload, at)
    return payload[:at] + struct.pack("<IIH", start, pcm_length // 2 + 1, length) + payload[at + 10 :]


# Crafted clips: (rate, extra bytes after the payload, a change to the payload).
CRAFTED_CLIPS = [
    (0, b"", None),
    (1, b"", None),
    (2**32 - 1, b"", None),
    (22050, b"\x01", None),
    (5, b"\x01\x00", None),
    (44100, b"", None),
    (22050, b"", _word_past_the_end),
]


def _meta(payload: bytes, number: int) -> dict | None:
    """The JSON head of an encoded part's entry (None for source-power entries: raw doubles)."""
    try:
        meta = json.loads(payload[:number])
    except ValueError:
        return None
    return meta if isinstance(meta, dict) else None


def _with_meta(payload: bytes, number: int, **changes) -> bytes:
    head = json.dumps({**json.loads(payload[:number]), **changes}).encode()
    return entry_bytes(len(head), head + payload[number:])


def crafted_parts(number: int, payload: bytes) -> list[bytes]:
    """Encoded-part entries that a careless reader would trust (the checksum holds)."""
    return [
        entry_bytes(len(payload) + 1000, payload),  # the head's length beyond the payload
        entry_bytes(2, b"[]" + payload[number:]),  # the head is not an object
        _with_meta(payload, number, blocks=10**9),
        _with_meta(payload, number, blocks=-1),
        _with_meta(payload, number, frames=0),
        _with_meta(payload, number, frames="many"),
        _with_meta(payload, number, true_peak_dbtp=float("nan")),
        _with_meta(payload, number, frames=10**12),  # more frames than the MP3 holds
    ]


def crafted_powers(number: int, payload: bytes) -> list[bytes]:
    return [
        entry_bytes(3, b"abc"),  # not a whole number of doubles
        entry_bytes(number + 5, payload),  # the count does not match
        entry_bytes(number, b"\xff" * len(payload)),  # NaNs
        entry_bytes(0, b""),
    ]


def test_crafted_cache_entries_with_valid_checksums_are_made_again(tmp_path):
    from audiobook import convert_article

    article = tmp_path / "a.md"
    article.write_text(ARTICLE, encoding="utf-8")
    cache = ClipCache(tmp_path / "cache")
    first = convert_article(article, tmp_path / "out", cache=cache)
    reference = first.mp3.read_bytes()

    def entries(kind):
        return {p: p.read_bytes() for p in sorted((tmp_path / "cache" / kind).rglob("*")) if p.is_file()}

    clips, segments = entries("clips"), entries("segments")
    parts = {p: d for p, d in segments.items() if _meta(d[16:], struct.unpack_from("<I", d, 4)[0])}
    powers = {p: d for p, d in segments.items() if p not in parts}
    assert clips and parts and powers
    some_part = next(iter(parts.values()))
    rounds = max(len(CRAFTED_CLIPS), len(crafted_parts(struct.unpack_from("<I", some_part, 4)[0], some_part[16:])))
    for round_number in range(rounds):
        rate, extra, change = CRAFTED_CLIPS[round_number % len(CRAFTED_CLIPS)]
        for path, data in clips.items():
            path.write_bytes(clip_entry(rate, (change or bytes)(data[16:]) + extra))
        for group, craft in ((parts, crafted_parts), (powers, crafted_powers)):
            for path, data in group.items():
                variants = craft(struct.unpack_from("<I", data, 4)[0], data[16:])
                path.write_bytes(variants[round_number % len(variants)])
        again = convert_article(article, tmp_path / "out", cache=cache)
        assert again.mp3.read_bytes() == reference, f"round {round_number}"
        assert again.synthesized == len(clips)
        assert again.encoded_parts == first.encoded_parts


# --- item 13: audiobook.toml (and the flags over it) checked against one schema before any work -----


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("bitrate = 7\n", "bitrate must be one of 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320"),
        ("bitrate = 1000\n", "bitrate must be one of"),
        ('bitrate = "x"\n', "bitrate must be one of"),
        ("bitrate = 64.0\n", "bitrate must be one of"),
        ("voice = 123\n", "voice must be text"),
        ('volume = "loud"\n', "volume must be a number from 0.1 to 2"),
        ("volume = -1\n", "volume must be a number from 0.1 to 2"),
        ("volume = 0\n", "volume must be a number"),
        ("volume = nan\n", "volume must be a number"),
        ("rate = 10\n", "rate must be a whole number"),
        ('engine = "festival"\n', "engine must be one of auto, espeak, pyttsx3"),
        ("publication = 5\n", "publication must be text"),
        ('publication = "a\\u0000b"\n', "publication must not hold control characters"),
        ("[feed]\ntitle = 5\n", "feed 'title' must be text"),
        ("[feed]\nauthor = [1]\n", "feed 'author' must be text"),
        ("[feed]\ndescription = {a = 1}\n", "feed 'description' must be text"),
        ('[feed]\nexplicit = "yes"\n', "feed 'explicit' must be true or false"),
        ('[feed]\nlanguage = "english"\n', "feed 'language' must be a language code"),
        ('[feed]\nbase_url = "https://e.org/a\\"b"\n', "feed 'base_url' must be an absolute http(s) URL"),
        ('[feed]\nbase_url = "https://e.org/a b/"\n', "feed 'base_url'"),
        ('[feed]\nbase_url = "ftp://e.org/"\n', "feed 'base_url'"),
        ('[feed]\nbase_url = "https:///no-host"\n', "feed 'base_url'"),
        ('[feed]\nbase_url = "https://e.org:port/"\n', "feed 'base_url'"),
        ("feed = 3\n", "[feed] must be a table"),
        ("lexicon = 3\n", "[lexicon] must be a table"),
        ("[narration]\nspeed = 2\n", "[narration] unknown setting 'speed'"),
    ],
)
def test_settings_that_break_the_schema_are_refused_naming_the_file(tmp_path, content, message):
    (tmp_path / "audiobook.toml").write_text(content, encoding="utf-8")
    from audiobook.config import load_settings

    with pytest.raises(AudiobookError) as error:
        load_settings(tmp_path)
    text = str(error.value)
    assert text.startswith(f"{tmp_path / 'audiobook.toml'}: ") and message in text
    assert "\n" not in text


def test_every_problem_of_the_file_is_reported_at_once(tmp_path):
    from audiobook.config import load_settings

    (tmp_path / "audiobook.toml").write_text('voice = 1\nbitrate = 7\n[feed]\ntitle = 5\nexplicit = "no"\n')
    with pytest.raises(AudiobookError) as error:
        load_settings(tmp_path)
    problems = str(error.value).split(": ", 1)[1].split("; ")
    assert [p.split(" must ")[0] for p in problems] == ["voice", "bitrate", "feed 'title'", "feed 'explicit'"]


@pytest.mark.parametrize("bitrate", [32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320])
def test_every_bitrate_lame_encodes_at_44100_hz_is_accepted_as_is(tmp_path, bitrate):
    import lameenc
    import numpy as np

    from audiobook.config import load_settings

    (tmp_path / "audiobook.toml").write_text(f"bitrate = {bitrate}\nvolume = 2\n")
    assert load_settings(tmp_path).bitrate_kbps == bitrate
    encoder = lameenc.Encoder()  # LAME keeps it (other numbers it rounds to one of these)
    encoder.set_bit_rate(bitrate)
    encoder.set_in_sample_rate(44100)
    encoder.set_out_sample_rate(44100)
    encoder.set_channels(1)
    mp3 = encoder.encode(np.zeros(44100, dtype="<i2").tobytes()) + encoder.flush()
    index = (int.from_bytes(mp3[:4], "big") >> 12) & 0xF
    assert (0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320)[index] == bitrate


@pytest.mark.parametrize(
    "overrides",
    [{"bitrate_kbps": 7}, {"volume": -1.0}, {"voice": 123}, {"engine": "festival"}, {"publication": ""}],
)
def test_flag_overrides_follow_the_same_rules(overrides):
    from audiobook import Settings

    with pytest.raises(AudiobookError, match="must be"):
        Settings().with_overrides(**overrides)


def test_build_with_a_bad_setting_fails_before_any_work_with_one_line(tmp_path):
    articles = tmp_path / "articles"
    articles.mkdir()
    (articles / "a.md").write_text("# A\n\nOne sentence here.\n", encoding="utf-8")
    (articles / "audiobook.toml").write_text("[feed]\ntitle = 5\n", encoding="utf-8")
    result = run("build", articles, "-o", tmp_path / "out", "--cache-dir", tmp_path / "cache", "--quiet")
    one_line_error(result, str(articles / "audiobook.toml"), "feed 'title' must be text")
    assert not (tmp_path / "out").exists() and not (tmp_path / "cache").exists()

    (articles / "audiobook.toml").unlink()
    result = run("build", articles, "-o", tmp_path / "out", "--bitrate", "7", "--quiet")
    one_line_error(result, "bitrate must be one of")
    assert not (tmp_path / "out").exists()


def test_convert_with_a_bad_voice_says_so_instead_of_internal_error(tmp_path):
    (tmp_path / "a.md").write_text("# A\n\nOne sentence here.\n", encoding="utf-8")
    (tmp_path / "audiobook.toml").write_text("voice = 123\n", encoding="utf-8")
    result = run("convert", tmp_path / "a.md", "-o", tmp_path / "out")
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert result.stderr.splitlines()[0] == f"error: {tmp_path / 'audiobook.toml'}: voice must be text (not 123)"
    assert "internal error" not in result.stderr


def test_embed_snippet_escapes_every_value():
    from html.parser import HTMLParser

    from audiobook.pages import Site, embed_code

    class Attributes(HTMLParser):
        def handle_starttag(self, tag, attrs):
            self.found = (tag, dict(attrs))

    # The settings refuse such a base_url; the snippet must not rely on it.
    site = Site("P", base_url='https://e.org/a" onload="alert(1)')
    parser = Attributes()
    parser.feed(embed_code(site, "story", 'Bread & "Butter"'))
    tag, attrs = parser.found
    assert tag == "iframe" and set(attrs) == {"src", "title", "loading", "style"}
    assert attrs["src"] == 'https://e.org/a" onload="alert(1)/story.embed.html'
    assert attrs["title"] == 'Audio edition: Bread & "Butter"'


def _put_one_clip(root: str, number: int, results) -> None:
    try:
        ClipCache(Path(root)).put(f"{number:02x}" + "0" * 62, Clip(b"\x01\x00" * 100, 22050))
        results.put("ok")
    except Exception as exc:  # noqa: BLE001 - the test reports what went wrong
        results.put(repr(exc))


def test_workers_making_one_new_cache_at_once_never_refuse_it(tmp_path):
    # Build workers share a cache that does not exist yet: each marks it if it is first. A look
    # between another's "no marker yet" and its rename once refused the folder as foreign.
    import multiprocessing

    context = multiprocessing.get_context("fork")
    failures = []
    for trial in range(40):
        results = context.Queue()
        root = str(tmp_path / str(trial))
        workers = [context.Process(target=_put_one_clip, args=(root, n, results)) for n in range(6)]
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join()
        failures += [outcome for outcome in (results.get() for _ in workers) if outcome != "ok"]
    assert failures == []
