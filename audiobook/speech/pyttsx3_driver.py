"""The pyttsx3 engine: pyttsx3's platform driver (SAPI5 on Windows, NSSS on macOS, espeak
elsewhere) used the robust way: one `save_to_file` per `runAndWait`, wait for the
"finished-utterance" event, a fresh file name per utterance, stdout silenced.

With the espeak driver, an utterance starts only once espeak's own synthesis thread is idle:
runAndWait begins by calling the driver's stop(), which cancels whatever espeak is still doing
(the tail of the previous utterance, under load) and leaves a flag that then cancels the new one
too — no file is written. And an utterance the driver reports as cancelled is asked for again.
"""

from __future__ import annotations

import contextlib
import io
import tempfile
import threading
import time
from pathlib import Path

from ..engine_runtime import prepare_espeak
from ..errors import EngineUnavailable
from ..lexicon import respelled
from ..model import Clip
from .base import VoiceInfo
from .espeak import _claim_espeak, _private_folder


class Pyttsx3Engine:
    """pyttsx3's platform driver, made dependable (see the module docstring)."""

    name = "pyttsx3"
    sample_rate = None  # each driver writes its own; known from the first clip

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
        self._completed = False
        self._engine.connect("finished-utterance", self._on_finished)
        self._espeak = _espeak_binding(self._engine)
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

        spoken = respelled(text).replace("\x00", " ")
        for _attempt in range(2):  # once more if the driver cancelled it
            self._count += 1
            # A new name each time: audio written late for an earlier call can never be taken for this one.
            path = self._folder / f"utterance-{self._count}.wav"
            if self._speak(spoken, path):
                break
        if not path.exists() or path.stat().st_size <= 44:
            return Clip(b"", 22050)
        segment = AudioSegment.from_wav(path).set_channels(1).set_sample_width(2)
        path.unlink(missing_ok=True)
        return Clip(segment.raw_data, segment.frame_rate)

    def _speak(self, text: str, path: Path) -> bool:
        """One utterance into ``path``; False when it did not finish (timed out or cancelled)."""
        self._wait_until_idle()
        self._done.clear()
        self._completed = False
        with _quiet():
            self._engine.save_to_file(text, str(path))
            self._engine.runAndWait()
            finished = self._done.wait(self._timeout_s)
        return finished and self._completed

    def _on_finished(self, name: object, completed: bool) -> None:
        self._completed = bool(completed)
        self._done.set()

    def _wait_until_idle(self) -> None:
        """Until espeak's synthesis thread has finished everything it was given (it signals the
        end of an utterance a moment before it is idle: the moment the load can stretch)."""
        if self._espeak is None:
            return
        deadline = time.monotonic() + self._timeout_s
        while self._espeak.IsPlaying() and time.monotonic() < deadline:
            time.sleep(0.001)

    def voices(self) -> list[VoiceInfo]:
        return [
            VoiceInfo(v.id, v.name, tuple(str(lang) for lang in (v.languages or ())))
            for v in self._engine.getProperty("voices")
        ]


def _espeak_binding(engine):
    """pyttsx3's ctypes binding of libespeak-ng when the driver is espeak's (else None)."""
    if getattr(engine, "driver_name", None) != "espeak":
        return None
    from pyttsx3.drivers import _espeak

    return _espeak


@contextlib.contextmanager
def _quiet():
    """pyttsx3's espeak driver prints "Audio saved to …" for every file: keep stdout clean."""
    with contextlib.redirect_stdout(io.StringIO()):
        yield
