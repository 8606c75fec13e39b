from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

# Where Piper is installed (CI installs it), `--engine auto` would choose it: the suite's real
# speech is espeak's (fast; Piper has its own tests), in this process and every one it starts.
os.environ["AUDIOBOOK_ENGINE"] = "espeak"

ROOT = Path(__file__).resolve().parents[1]
ARTICLES = ROOT / "articles"
SEED = ROOT.parent / "shared" / "fixtures" / "seed-article.txt"


@dataclass(frozen=True)
class SeedCase:
    """A page copied as plain text (title, image line, "AI Summary", headings, "Source N" markers,
    References, a quiz, the player's residue) and what must be read from it. The project's own
    sample article carries these tests on any clone; the shared seed fixture, where it lies beside
    the clone, is a second case."""

    path: Path
    chapters: list[str]
    slug: str
    summary_start: str
    image_start: str
    prose_start: str
    references: int
    reference_9: str
    question_2_option_c: str
    options_line: str  # how the options of one question are read
    answers: list[str]  # the letter given for each question
    residue: str  # the player's cut title at the end of the page
    unspoken: tuple[str, ...]  # page text that must not be read


OWN_SEED = SeedCase(
    path=ARTICLES / "heat-pumps-winter.txt",
    chapters=[
        "Can Heat Pumps Survive a Real Winter? What Happens When the Mercury Drops",
        "Why does this matter?",
        "Easy to understand: The ‘coefficient of performance’",
        "Where we stand: Lessons from the ‘cold north’",
        "What comes next?",
        "Test Your Understanding",
    ],
    slug="can-heat-pumps-survive-a-real-winter-what-happens-when-the-mercury-drops",
    summary_start="Modern heat pumps keep heating homes well below freezing",
    image_start="A photograph of an outdoor heat pump",
    prose_start="Picture a January morning",
    references=9,
    reference_9="Household heating survey: Norway, Sweden and Finland compared",
    question_2_option_c="Refrigerant is leaking into the air",
    options_line=(
        "Is it: A, The unit is overheating and needs repair; B, It is running a defrost cycle to melt ice "
        "from its coil; or C, Refrigerant is leaking into the air?"
    ),
    answers=["B", "B", "A"],
    residue="Real...",
    unspoken=("photograph of an outdoor", "Field trial results: cold-climate"),
)
SHARED_SEED = SeedCase(
    path=SEED,
    chapters=[
        "My AI Was Cloned? The Massive Tech Theft Scandal Involving 'Claude'",
        "Why does this matter?",
        "Easy to understand: Theft by ‘Distillation’",
        "Where we stand: Anthropic’s counterattack",
        "What comes next?",
        "Test Your Understanding",
    ],
    slug="my-ai-was-cloned-the-massive-tech-theft-scandal-involving-claude",
    summary_start="AI company Anthropic has requested",
    image_start="An abstract image",
    prose_start="Imagine this:",
    references=14,
    reference_9="Claude",
    question_2_option_c="About 25,000",
    options_line="Is it: A, About 250; B, About 2,500; or C, About 25,000?",
    answers=["B", "C", "B"],
    residue="Massi...",
    unspoken=("abstract image", "Alibaba Illicit AI Model Extraction"),
)


def audiobook_command(*args: object) -> list[str]:
    """The `audiobook` command as a process, with this interpreter (the venv under test)."""
    return [sys.executable, "-m", "audiobook.cli", *map(str, args)]


@pytest.fixture(scope="session", params=["own", "shared"])
def seed(request) -> SeedCase:
    if request.param == "shared" and not SEED.exists():
        pytest.skip(f"the shared seed fixture is not beside this clone ({SEED}); the project's own case ran")
    return OWN_SEED if request.param == "own" else SHARED_SEED


@pytest.fixture(scope="session")
def seed_path(seed) -> Path:
    return seed.path


@pytest.fixture(scope="session")
def seed_result(seed, tmp_path_factory):
    """The seed article converted once, with real speech, for the many checks that read it."""
    from audiobook import convert_article

    return convert_article(seed.path, tmp_path_factory.mktemp("seed-out"))


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
