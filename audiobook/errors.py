"""Every error audiobook raises on purpose.

    AudiobookError              base class; str() is a one-line message for the user
    ├── InputError              an article cannot be read or has nothing to speak (names the file)
    ├── SpeechError             the TTS engine failed on a sentence, even after a retry
    ├── EngineUnavailable       no usable TTS engine / voice on this machine
    └── OutputError             an output file cannot be written or read back

The CLI turns any of these into ``error: <message>`` and exit code 1; anything else is a bug.
"""

from __future__ import annotations

from pathlib import Path


class AudiobookError(Exception):
    """Base class. The message is one line, fit to show to a user as is."""


class InputError(AudiobookError):
    def __init__(self, path: Path | str, reason: str) -> None:
        self.path = Path(path)
        self.reason = reason
        super().__init__(f"{path}: {reason}")


class SpeechError(AudiobookError):
    pass


class EngineUnavailable(AudiobookError):
    pass


class OutputError(AudiobookError):
    pass
