from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
ARTICLES = ROOT / "articles"
SEED = ROOT.parent / "shared" / "fixtures" / "seed-article.txt"

SEED_CHAPTERS = [
    "My AI Was Cloned? The Massive Tech Theft Scandal Involving 'Claude'",
    "Why does this matter?",
    "Easy to understand: Theft by ‘Distillation’",
    "Where we stand: Anthropic’s counterattack",
    "What comes next?",
    "Test Your Understanding",
]


def audiobook_command(*args: object) -> list[str]:
    """The `audiobook` command as a process, with this interpreter (the venv under test)."""
    return [sys.executable, "-m", "audiobook.cli", *map(str, args)]


@pytest.fixture(scope="session")
def seed_path() -> Path:
    if not SEED.exists():
        pytest.fail(f"seed fixture missing at {SEED} (tests expect ../shared/fixtures beside the repo)")
    return SEED


@pytest.fixture(scope="session")
def seed_result(seed_path, tmp_path_factory):
    """The seed article converted once, with real speech, for the many checks that read it."""
    from audiobook import convert_article

    return convert_article(seed_path, tmp_path_factory.mktemp("seed-out"))


@pytest.fixture(scope="session")
def ffmpeg() -> str:
    """An independent reader: the ffmpeg binary shipped by the imageio-ffmpeg wheel."""
    import imageio_ffmpeg

    return imageio_ffmpeg.get_ffmpeg_exe()


def ffmpeg_chapters(ffmpeg: str, mp3: Path) -> list[tuple[int, int, str]]:
    """Chapters in the order ffmpeg's demuxer reports them (tag order, no sorting)."""
    out = subprocess.run(
        [ffmpeg, "-hide_banner", "-loglevel", "error", "-i", str(mp3), "-f", "ffmetadata", "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    chapters = []
    for block in out.split("[CHAPTER]")[1:]:
        fields = dict(line.split("=", 1) for line in block.strip().splitlines() if "=" in line)
        chapters.append((int(fields["START"]), int(fields["END"]), fields["title"]))
    return chapters


def ffmpeg_samples(ffmpeg: str, mp3: Path):
    """The MP3 as ffmpeg's decoder hears it: float32 mono samples at 44.1 kHz."""
    import numpy as np

    pcm = subprocess.run(
        [ffmpeg, "-loglevel", "error", "-i", str(mp3), "-f", "f32le", "-ac", "1", "-ar", "44100", "-"],
        capture_output=True,
        check=True,
    ).stdout
    return np.frombuffer(pcm, dtype="<f4")


def decode_mp3(data: bytes):
    """Samples (float32 mono) and rate of an MP3, decoded by miniaudio (not our code)."""
    import miniaudio
    import numpy as np

    decoded = miniaudio.decode(data, output_format=miniaudio.SampleFormat.FLOAT32, nchannels=1)
    return np.asarray(decoded.samples, dtype=np.float32), decoded.sample_rate
