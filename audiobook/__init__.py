"""audiobook: give every article of a publication an audio edition, with a local TTS engine.

Library first: the CLI (`audiobook.cli`) is a thin layer over these functions.
"""

from .convert import ConversionResult, convert_article
from .errors import AudiobookError, EngineUnavailable, InputError, OutputError, SpeechError
from .model import Article, Script
from .parse import read_article
from .script import build_script
from .settings import Pauses, Settings
from .tags import read_back

__all__ = [
    "Article",
    "AudiobookError",
    "ConversionResult",
    "EngineUnavailable",
    "InputError",
    "OutputError",
    "Pauses",
    "Script",
    "Settings",
    "SpeechError",
    "build_script",
    "convert_article",
    "read_article",
    "read_back",
]

__version__ = "0.1.0"
