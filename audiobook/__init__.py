"""audiobook: give every article of a publication an audio edition, with a local TTS engine.

Library first: the CLI (`audiobook.cli`) is a thin layer over these functions. Names are imported
on first use, so importing the package (or running `audiobook --help`) stays fast.
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

__version__ = "0.1.0"

_EXPORTS = {
    "Article": "model",
    "Script": "model",
    "AudiobookError": "errors",
    "EngineUnavailable": "errors",
    "InputError": "errors",
    "OutputError": "errors",
    "SpeechError": "errors",
    "ConversionResult": "convert",
    "convert_article": "convert",
    "BuildReport": "build",
    "build_archive": "build",
    "EditionReport": "edition",
    "build_edition": "edition",
    "read_article": "parse",
    "build_script": "script",
    "Pauses": "settings",
    "Settings": "settings",
    "read_back": "tags",
}
__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    if name in _EXPORTS:
        return getattr(import_module(f".{_EXPORTS[name]}", __name__), name)
    raise AttributeError(f"module 'audiobook' has no attribute {name!r}")
