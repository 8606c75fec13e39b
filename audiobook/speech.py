"""Stage 3: Script → clips of speech, through pyttsx3.

One small interface (`SpeechEngine`) with two adapters:

* `EspeakEngine` drives libespeak-ng through pyttsx3's own ctypes binding
  (`pyttsx3.drivers._espeak`) in *synchronous* mode: each call returns only when the sentence is
  fully synthesized, with no polling loop, no temporary files and no stdout chatter. This is the
  default on Linux, where pyttsx3's platform driver is espeak anyway.
* `Pyttsx3Engine` uses pyttsx3's platform driver (SAPI5 on Windows, NSSS on macOS, espeak
  elsewhere) the robust way: one `save_to_file` per `runAndWait`, wait for the
  "finished-utterance" event, a fresh file name per utterance, stdout silenced.

Both are checked the same way by `synthesize_script`: every clip must be non-empty, audible and
of a plausible duration for its words; a bad clip is retried once, then the article fails with a
message naming the sentence. Every sentence of the script is in the audio, or nothing is written.
"""

from __future__ import annotations

import atexit
import contextlib
import ctypes
import io
import os
import shutil
import tempfile
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from .cache import ClipCache, content_key
from .engine_runtime import prepare_espeak
from .errors import EngineUnavailable, SpeechError
from .model import Clip, Script
from .settings import Settings


@dataclass(frozen=True)
class VoiceInfo:
    id: str
    name: str
    languages: tuple[str, ...]


class SpeechEngine(Protocol):
    name: str
    version: str
    fingerprint: str  # everything that shapes the sound: engine, version, voice, rate, volume

    def synthesize(self, text: str) -> Clip:
        """Speak one sentence-sized text; return its audio (may be empty on engine failure)."""
        ...

    def voices(self) -> list[VoiceInfo]: ...


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
        return 0

    def synthesize(self, text: str) -> Clip:
        self._chunks = []
        self._seed(0)  # breathy and Klatt voices draw noise from espeak's generator: same text, same noise
        # A NUL ends an espeak utterance early: never pass one through.
        data = text.replace("\x00", " ").encode("utf-8")
        status = self._espeak.Synth(data, flags=self._espeak.CHARS_UTF8)
        pcm = b"".join(self._chunks) if status == 0 else b""
        self._chunks = []
        return Clip(pcm, self._sample_rate)

    def voices(self) -> list[VoiceInfo]:
        return [
            VoiceInfo(v.identifier.decode(), v.name.decode(), (v.languages[1:].decode(errors="ignore"),))
            for v in self._espeak.ListVoices(None)
        ]


class Pyttsx3Engine:
    """pyttsx3's platform driver, made dependable (see the module docstring)."""

    name = "pyttsx3"

    def __init__(self, voice: str | None, rate_wpm: int, volume: float, language: str = "en", timeout_s: float = 30.0):
        prepare_espeak()
        _claim_espeak(self.name)
        import pyttsx3

        try:
            self._engine = pyttsx3.init()
        except (OSError, RuntimeError, ImportError) as exc:
            raise EngineUnavailable(f"pyttsx3 could not start a TTS driver ({exc})") from None
        self.version = f"pyttsx3 {getattr(pyttsx3, '__version__', '2.99')}"
        self._done = threading.Event()
        self._engine.connect("finished-utterance", lambda name, completed: self._done.set())
        self._timeout_s = timeout_s
        self._folder = Path(tempfile.mkdtemp(prefix="tts-", dir=_private_folder()))  # removed at exit
        self._count = 0
        if voice:
            with _quiet():
                self._engine.setProperty("voice", voice)
        self._engine.setProperty("rate", int(rate_wpm))
        self._engine.setProperty("volume", max(0.0, min(1.0, volume)))
        voice_id = self._engine.getProperty("voice")
        self.fingerprint = f"{self.name}|{self.version}|{voice_id}|{int(rate_wpm)}|{volume:.3f}"

    def synthesize(self, text: str) -> Clip:
        from pydub import AudioSegment

        self._count += 1
        # A new name each time: audio written late for an earlier call can never be taken for this one.
        path = self._folder / f"utterance-{self._count}.wav"
        self._done.clear()
        with _quiet():
            self._engine.save_to_file(text.replace("\x00", " "), str(path))
            self._engine.runAndWait()
            finished = self._done.wait(self._timeout_s)
        if not finished or not path.exists() or path.stat().st_size <= 44:
            return Clip(b"", 22050)
        segment = AudioSegment.from_wav(path).set_channels(1).set_sample_width(2)
        path.unlink(missing_ok=True)
        return Clip(segment.raw_data, segment.frame_rate)

    def voices(self) -> list[VoiceInfo]:
        return [
            VoiceInfo(v.id, v.name, tuple(str(lang) for lang in (v.languages or ())))
            for v in self._engine.getProperty("voices")
        ]


@contextlib.contextmanager
def _quiet():
    """pyttsx3's espeak driver prints "Audio saved to …" for every file: keep stdout clean."""
    with contextlib.redirect_stdout(io.StringIO()):
        yield


def open_engine(settings: Settings, language: str = "en") -> SpeechEngine:
    import platform

    kind = settings.engine
    if kind == "auto":
        kind = "espeak" if platform.system() == "Linux" else "pyttsx3"
    if kind == "espeak":
        return EspeakEngine(settings.voice, settings.rate_wpm, settings.volume, language)
    if kind == "pyttsx3":
        return Pyttsx3Engine(settings.voice, settings.rate_wpm, settings.volume, language)
    raise EngineUnavailable(f"unknown engine '{settings.engine}' (use auto, espeak or pyttsx3)")


# --- checking every clip -----------------------------------------------------------------------

MIN_AUDIBLE_PEAK = 300  # of 32767: anything quieter is silence, not speech


def clip_problem(clip: Clip, text: str, rate_wpm: int) -> str | None:
    """Why this clip cannot be the speech for ``text``, or None when it plausibly is."""
    if clip.sample_count == 0:
        return "the engine returned no audio"
    import numpy as np  # Python's max() over every sample cost 0.3 s per 5 minutes of speech

    samples = np.frombuffer(clip.pcm, dtype=np.int16)
    if samples.max() < MIN_AUDIBLE_PEAK and -int(samples.min()) < MIN_AUDIBLE_PEAK:
        return "the engine returned silence"
    words = max(1, len(text.split()))
    expected_s = words * 60.0 / max(rate_wpm, 1)
    if clip.duration_s < min(expected_s / 4, 0.4):
        return f"the audio is too short ({clip.duration_s:.2f} s for {words} words)"
    if clip.duration_s > expected_s * 4 + 3:
        return f"the audio is too long ({clip.duration_s:.1f} s for {words} words)"
    return None


@dataclass(frozen=True)
class Speech:
    """The verified speech of a script: one clip per utterance, and how many were spoken now.

    With a cache the clips stay on disk and are read back one at a time (``clip``), so a long
    article's speech is never all in memory; without one they are kept in memory.
    """

    sample_rate: int
    sample_counts: tuple[int, ...]
    synthesized: int
    reused: int
    _keys: tuple[str, ...] = ()
    _cache: ClipCache | None = None
    _clips: tuple[Clip, ...] = ()

    def clip(self, index: int) -> Clip:
        if self._cache is None:
            return self._clips[index]
        clip = self._cache.get(self._keys[index])
        if clip is None or clip.sample_count != self.sample_counts[index]:
            raise SpeechError(f"a spoken sentence vanished from the clip cache ({self._cache.root}) mid-article")
        return clip


def synthesize_script(
    script: Script,
    engine: SpeechEngine,
    rate_wpm: int,
    label: str = "",
    cache: ClipCache | None = None,
    on_clip: Callable[[int, int], None] | None = None,
) -> Speech:
    """One verified clip per utterance, in script order (retry once, then SpeechError).

    With a cache, a sentence already spoken with the same engine settings is reused; a damaged
    cache entry fails its checksum and is spoken again.
    """
    kept: list[Clip] = []
    keys: list[str] = []
    counts: list[int] = []
    rates: set[int] = set()
    synthesized = 0
    total = len(script.utterances)
    engine_rate = getattr(engine, "sample_rate", None)  # known before speaking for some engines
    for chapter in script.chapters:
        for index, utterance in enumerate(chapter.utterances, start=1):
            key = content_key(engine.fingerprint, utterance.text) if cache else ""
            clip = cache.get(key) if cache else None
            # A cache entry is checked as a fresh clip is (its checksum only proves it is whole):
            # a crafted one of the wrong length or rate is spoken again instead of trusted.
            if clip is not None and (
                clip_problem(clip, utterance.text, rate_wpm)
                or (rates or {engine_rate or clip.sample_rate}) != {clip.sample_rate}
            ):
                clip = None
            if clip is None:
                clip = engine.synthesize(utterance.text)
                problem = clip_problem(clip, utterance.text, rate_wpm)
                if problem:
                    clip = engine.synthesize(utterance.text)
                    problem = clip_problem(clip, utterance.text, rate_wpm)
                if problem:
                    sentence = utterance.caption if len(utterance.caption) <= 70 else utterance.caption[:67] + "..."
                    raise SpeechError(
                        f"{label + ': ' if label else ''}{problem} for sentence {index} of chapter "
                        f"'{chapter.title}' (\"{sentence}\"), twice"
                    )
                synthesized += 1
                if cache:
                    cache.put(key, clip)
            keys.append(key)
            counts.append(clip.sample_count)
            rates.add(clip.sample_rate)
            if cache is None:
                kept.append(clip)
            if on_clip:
                on_clip(len(counts), total)
    if len(rates) > 1:
        raise SpeechError(
            f"{label + ': ' if label else ''}the engine changed sample rate mid-article ({sorted(rates)})"
        )
    return Speech(
        rates.pop() if rates else 22050,
        tuple(counts),
        synthesized,
        total - synthesized,
        tuple(keys),
        cache,
        tuple(kept),
    )
