"""The espeak engine: libespeak-ng driven through pyttsx3's own ctypes binding
(`pyttsx3.drivers._espeak`) in *synchronous* mode: each call returns only when the sentence is
fully synthesized, with no polling loop, no temporary files and no stdout chatter. This is the
default on Linux, where pyttsx3's platform driver is espeak anyway.

Word timing comes from the events the same callback receives: a word event carries its
``audio_position`` (ms from the start of the utterance) and ``text_position``/``length`` (1-based,
in characters of the text given: measured with "café naïve", code points, not UTF-8 bytes).
espeak reports a number it reads as several words ("1450": four events, later ones pointing
into the same digits): events inside the previous word's text extend that word. A word ends
where the next word starts, or earlier at the end of its clause (an END event: a comma's pause
is not part of the word before it).
"""

from __future__ import annotations

import atexit
import ctypes
import functools
import os
import re
import shutil
import tempfile
from pathlib import Path

from ..cache import content_key
from ..engine_runtime import prepare_espeak
from ..errors import EngineUnavailable
from ..lexicon import Pronounced, respelled, spoken_parts
from ..model import Clip, WordTiming
from .base import VoiceInfo

# One libespeak-ng per process, initialised once, in one mode: remember which adapter owns it.
_ESPEAK_OWNER: list[str] = []


def _claim_espeak(owner: str) -> None:
    if _ESPEAK_OWNER and _ESPEAK_OWNER[0] != owner:
        raise EngineUnavailable(f"espeak is already in use by the {_ESPEAK_OWNER[0]} engine in this process")
    if not _ESPEAK_OWNER:
        _ESPEAK_OWNER.append(owner)


# espeak's own automatic gain control kicks in when a sample would overflow and then recovers
# over the following utterances, so loud text changes how the next sentence sounds. At 60 % of its
# nominal volume espeak speech stays clear of overflow (measured peaks ≤ 0.5 of full scale); the
# level is normalized later anyway.
ESPEAK_LEVEL = 60
_STEADY_SETTINGS = "\n# audiobook: steady output (see audiobook.speech)\nflutter 0\nroughness 0\n"


_PRIVATE_FOLDER: list[Path] = []  # this process's folder for voice files, made on first use
# libespeak-ng refuses a voice file whose path is longer than this (measured: 59 characters load,
# 60 do not), so a long $TMPDIR falls back to a shorter temporary folder.
_ESPEAK_PATH_LIMIT = 59
_VOICE_NAME_LENGTH = 16
_FOLDER_PREFIX = "audiobook-"


def _private_folder() -> Path:
    """A folder only this process can write to (``mkdtemp``: a fresh unpredictable name, mode
    0700), removed when the process exits. A fixed name in /tmp could be made in advance by
    someone else, or hold a link that our file would be written through."""
    if not _PRIVATE_FOLDER:
        room = _ESPEAK_PATH_LIMIT - len(_FOLDER_PREFIX) - 8 - 2 - _VOICE_NAME_LENGTH  # 8 random, 2 separators
        bases = [tempfile.gettempdir(), "/tmp", "/dev/shm"]
        base = next((b for b in bases if len(b) <= room and os.path.isdir(b) and os.access(b, os.W_OK)), None)
        if base is None:
            raise EngineUnavailable(f"no temporary folder with a path of at most {room} characters for espeak")
        folder = tempfile.mkdtemp(prefix=_FOLDER_PREFIX, dir=base)
        atexit.register(shutil.rmtree, folder, ignore_errors=True)
        _PRIVATE_FOLDER.append(Path(folder))
    return _PRIVATE_FOLDER[0]


def _steady_voice_file(espeak: object, identifier: str, requested: str) -> Path | None:
    """A private copy of the voice's file (plus its variant's, for "voice+variant") made steady."""
    info = espeak.dll.espeak_Info  # type: ignore[attr-defined]
    info.restype, info.argtypes = ctypes.c_char_p, [ctypes.POINTER(ctypes.c_char_p)]
    data_path = ctypes.c_char_p()
    info(ctypes.byref(data_path))
    if not data_path.value:
        return None
    data = Path(data_path.value.decode())
    base_id, _, variant_name = identifier.partition("+")
    variant_name = variant_name or requested.partition("+")[2]
    base = next((p for p in (data / "lang" / base_id, data / "voices" / base_id) if p.is_file()), None)
    if base is None:
        return None
    text = base.read_text(encoding="utf-8", errors="replace")
    if variant_name:
        variant = data / "voices" / "!v" / variant_name
        if variant.is_file():
            text += "\n" + "\n".join(
                line
                for line in variant.read_text(encoding="utf-8", errors="replace").splitlines()
                if not line.startswith(("name", "language"))
            )
    target = _private_folder() / content_key(identifier, requested, text)[:_VOICE_NAME_LENGTH]
    target.write_text(text + _STEADY_SETTINGS, encoding="utf-8")
    return target


_EVENT_LIST_TERMINATED, _EVENT_WORD, _EVENT_END = 0, 1, 5  # espeak_EVENT_TYPE (speak_lib.h)
_MAX_EVENTS_PER_CALL = 100_000  # the list ends with a terminator; this only bounds a broken one


def word_timings(
    events: list[tuple[int, int, int, int]], text: str, sample_count: int, rate: int
) -> tuple[WordTiming, ...]:
    """Words from espeak's word and clause-end events (see the module docstring), in samples."""
    words: list[list[int]] = []  # [first character, end character, start sample, end sample]
    for kind, position, length, ms in events:
        sample = min(max(0, ms) * rate // 1000, sample_count)
        if kind == _EVENT_END:
            if words and words[-1][3] < 0:
                words[-1][3] = sample
            continue
        first = max(0, position - 1)
        if words and first < words[-1][1]:
            continue  # another piece of the word before it (a number read as several words)
        if words and words[-1][3] < 0:
            words[-1][3] = sample
        words.append([first, first + max(0, length), sample, -1])
    timings: list[WordTiming] = []
    previous_end = 0
    for first, last, start, end in words:
        end = sample_count if end < 0 else end
        word = text[first:last].strip()
        start = max(start, previous_end)
        if not word or end <= start or any(c.isspace() for c in word):
            continue  # a word espeak says nothing for, or a span that is not one word: not timed
        timings.append(WordTiming(word, start, end))
        previous_end = end
    return tuple(timings)


def _data_folder() -> Path | None:
    """The espeak-ng-data folder the engine will use (see engine_runtime), found without loading
    the library; None when it is a system install we cannot see."""
    try:
        import espeakng_loader
    except ImportError:
        folder = os.environ.get("ESPEAK_DATA_PATH")
        return Path(folder) if folder else None
    return Path(espeakng_loader.get_data_path())


@functools.lru_cache(maxsize=1)
def _voice_names() -> frozenset[str] | None:
    """What espeak-ng's SetVoiceByName accepts, read from its data files (lower case): a voice
    file's name ("en-us"), its path below lang/ ("gmw/en-us"), or the name inside it ("english
    (america)"). Measured against the library: "en-us", "English (America)", "gmw/en-US" and
    "en-029" load; "en-gb", "en_us" and "english" do not."""
    folder = _data_folder()
    if folder is None or not (folder / "lang").is_dir():
        return None
    names: set[str] = set()
    for top in ("lang", "voices"):
        for path in (folder / top).rglob("*"):
            relative = path.relative_to(folder / top)
            if not path.is_file() or relative.parts[0] in ("!v", "mb"):  # variants; mbrola needs its own data
                continue
            names.update((path.name.lower(), relative.as_posix().lower()))
            with path.open(encoding="utf-8", errors="replace") as lines:
                for line in lines:
                    if line.startswith("name "):
                        names.add(line[5:].partition("//")[0].strip().lower())  # "name X // comment"
                        break
    return frozenset(names)


def knows_voice(voice: str) -> bool:
    """Whether espeak has the voice a user named ("en-us", "en-us+f3"; the part after "+" is a
    variant); True when its data cannot be read here (opening the engine then says)."""
    names = _voice_names()
    return names is None or voice.partition("+")[0].strip().lower() in names


_BRACKETS = re.compile(r"\[\[|\]\]")


def espeak_input(text: str) -> tuple[str, bool]:
    """The text to give espeak for spoken text, and whether it holds phonemes: the lexicon's
    pronunciations in espeak's own notation as ``[[ … ]]`` (read as phonemes with the PHONEMES
    flag), the others as their respellings. Only when there are such phonemes is the flag on,
    and then every ``[[`` of the text itself is taken apart, so an article is never read as
    phonemes."""
    parts = spoken_parts(text)
    if not any(isinstance(part, Pronounced) and part.espeak for part in parts):
        return respelled(text), False
    pieces = []
    for part in parts:
        if isinstance(part, Pronounced) and part.espeak:
            pieces.append(f"[[{part.espeak}]]")
        else:
            plain = part.say if isinstance(part, Pronounced) else part
            pieces.append(_BRACKETS.sub(lambda m: f"{m.group(0)[0]} {m.group(0)[1]}", plain))
    return "".join(pieces), True


class EspeakEngine:
    """libespeak-ng via pyttsx3's binding, synchronous mode (exact, no 10 ms sleep per call)."""

    name = "espeak"
    _initialised = False
    _sample_rate = 22050

    def __init__(self, voice: str | None, rate_wpm: int, volume: float, language: str = "en"):
        data_dir = prepare_espeak()
        try:
            from pyttsx3.drivers import _espeak
        except (OSError, RuntimeError) as exc:
            raise EngineUnavailable(f"libespeak-ng could not be loaded ({exc})") from None
        self._espeak = _espeak
        _claim_espeak(self.name)
        if not EspeakEngine._initialised:
            path = str(data_dir.parent).encode() if data_dir else None
            rate = _espeak.Initialize(_espeak.AUDIO_OUTPUT_SYNCHRONOUS, 0, path, 0)
            if rate <= 0:
                raise EngineUnavailable("libespeak-ng failed to initialise")
            EspeakEngine._sample_rate = rate
            EspeakEngine._initialised = True
        self._chunks: list[bytes] = []
        self._events: list[tuple[int, int, int, int]] = []  # (type, text position, length, ms)
        self._seed = _espeak.dll.espeak_ng_SetRandSeed
        self._seed.argtypes, self._seed.restype = [ctypes.c_long], None
        # Keep a reference to the callback: ctypes must not free it while espeak holds it.
        _espeak.SetSynthCallback(self._on_audio)
        self.version = f"espeak-ng {_espeak.Info(None).decode()}"
        self._select_voice(voice, language)
        _espeak.SetParameter(_espeak.RATE, int(rate_wpm), 0)
        level = max(0, min(200, round(volume * ESPEAK_LEVEL)))
        _espeak.SetParameter(_espeak.VOLUME, level, 0)
        self.fingerprint = f"{self.name}|{self.version}|{self.voice}|steady|{int(rate_wpm)}|{level}"

    @property
    def sample_rate(self) -> int:
        return EspeakEngine._sample_rate

    def _select_voice(self, voice: str | None, language: str) -> None:
        """An explicit voice must exist; otherwise the voice for the article's language, else English.

        The voice is then reloaded from a copy of its file with pitch flutter and roughness off:
        espeak drives both from counters that run on across utterances (measured: the same sentence
        came out different depending on what was spoken before it), and the same text must give
        the same audio for the clip cache and for byte-identical builds.
        """
        if voice:
            if self._espeak.SetVoiceByName(voice.encode()) != 0:
                raise EngineUnavailable(f"voice '{voice}' not found (see `audiobook voices`)")
        else:
            for candidate in (language.lower(), language.split("-")[0].lower(), "en"):
                if self._espeak.SetVoiceByName(candidate.encode()) == 0:
                    break
        current = self._espeak.GetCurrentVoice()
        self.voice = current.contents.identifier.decode() if current and current.contents.identifier else ""
        steady = _steady_voice_file(self._espeak, self.voice, voice or "")
        set_by_file = self._espeak.dll.espeak_ng_SetVoiceByFile
        set_by_file.argtypes, set_by_file.restype = [ctypes.c_char_p], ctypes.c_int
        if steady is None or set_by_file(str(steady).encode()) != 0:
            raise EngineUnavailable(f"the espeak voice file for '{self.voice}' could not be loaded")

    def _on_audio(self, wav: ctypes.Array, samples: int, events: object) -> int:
        if samples > 0:
            self._chunks.append(ctypes.string_at(wav, samples * 2))
        if events:
            index = 0
            while index < _MAX_EVENTS_PER_CALL:
                event = events[index]  # type: ignore[index]
                if event.type == _EVENT_LIST_TERMINATED:
                    break
                if event.type in (_EVENT_WORD, _EVENT_END):
                    self._events.append((event.type, event.text_position, event.length, event.audio_position))
                index += 1
        return 0

    def synthesize(self, text: str) -> Clip:
        self._chunks = []
        self._events = []
        self._seed(0)  # breathy and Klatt voices draw noise from espeak's generator: same text, same noise
        # A NUL ends an espeak utterance early: never pass one through.
        spoken, phonemes = espeak_input(text.replace("\x00", " "))
        flags = self._espeak.CHARS_UTF8 | (self._espeak.PHONEMES if phonemes else 0)
        status = self._espeak.Synth(spoken.encode("utf-8"), flags=flags)
        pcm = b"".join(self._chunks) if status == 0 else b""
        events, self._chunks, self._events = self._events, [], []
        return Clip(pcm, self._sample_rate, word_timings(events, spoken, len(pcm) // 2, self._sample_rate))

    def voices(self) -> list[VoiceInfo]:
        return [
            VoiceInfo(v.identifier.decode(), v.name.decode(), (v.languages[1:].decode(errors="ignore"),))
            for v in self._espeak.ListVoices(None)
        ]
