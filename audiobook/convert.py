"""One article → its audio edition: the stages in order, outputs written atomically.

This is the library call behind `audiobook convert`; other programs (and the batch build) use it
directly. Nothing is written until every sentence has been synthesized and the audio is encoded
and checked, and the audio file (MP3: `audiobook.formats`) is written last: an audio file on disk
always comes with its transcript and chapters.
"""

from __future__ import annotations

import tempfile
import time
from collections.abc import Callable, Collection
from dataclasses import dataclass
from pathlib import Path

from .audio import Loudness, master
from .cache import ClipCache
from .cover import CoverImage, article_cover, title_card
from .errors import InputError
from .files import slugify, write_together
from .formats import AUDIO_OUTPUT, TagInfo, output_format
from .model import Article
from .pages import article_page, embed_page, site_for, write_static
from .parse import read_article
from .publish import chapters_json, transcript_json, webvtt
from .script import build_script
from .settings import Settings
from .speech import SpeechEngine, open_engine, synthesize_script
from .timeline import ChapterMark, build_timeline, place_in_stream


@dataclass(frozen=True)
class ConversionResult:
    source: Path
    title: str
    slug: str
    audio_file: Path  # in the output format's container (MP3)
    transcript: Path
    transcript_json: Path  # the same, as a Podcasting 2.0 JSON transcript
    chapters_file: Path
    cover_file: Path
    page: Path
    embed: Path
    duration_ms: int
    chapters: tuple[ChapterMark, ...]
    loudness: Loudness
    sentences: int
    synthesized: int  # sentences spoken now (the rest came from the clip cache)
    encoded_parts: int  # parts of the audio encoded now (the rest came from the cache)
    seconds: float  # wall time of the conversion
    article: Article

    @property
    def mp3(self) -> Path:
        """The audio file, by the name it had when MP3 was the only container."""
        return self.audio_file


def output_slug(article: Article) -> str:
    return slugify(article.slug or article.title)


def convert_article(
    source: str | Path | Article,
    out_dir: str | Path = "output",
    settings: Settings | None = None,
    engine: SpeechEngine | None = None,
    cache: ClipCache | None = None,
    slug: str | None = None,
    on_progress: Callable[[str, int, int], None] | None = None,
    threads: int | None = None,
    *,
    cover: CoverImage | None = None,
    only: Collection[str] | None = None,
) -> ConversionResult:
    """Convert one article; ``on_progress(phase, done, total)`` is called per sentence and stage.

    ``source`` is a file, or an article already parsed (the build parses every article to name
    it, and a cluster worker has no copy of the archive). ``cover`` is the article's cover image
    already read and checked (the build reads it inside the archive); without it a cover named by
    the article is read here, and must lie in the article's folder or below it.

    ``only`` names the outputs to write, by kind ("page", "embed", …; None: all): the build remakes
    the pages alone when only what they show changed, the other files being on disk already.

    Without a cache, a temporary one holds the spoken sentences on disk for the duration, so a
    long article's speech is never all in memory.
    """
    if cache is None:
        with tempfile.TemporaryDirectory(prefix="audiobook-") as folder:
            return convert_article(
                source,
                out_dir,
                settings,
                engine,
                ClipCache(Path(folder)),
                slug,
                on_progress,
                threads,
                cover=cover,
                only=only,
            )
    started = time.perf_counter()
    settings = settings or Settings()
    article = source if isinstance(source, Article) else read_article(Path(source))
    source, out_dir = article.source, Path(out_dir)
    script = build_script(article, settings)
    if not script.utterances:
        raise InputError(source, "no speakable text found")
    cover = cover or article_cover(article, article.source.parent)  # a bad one fails before any speech
    engine = engine or open_engine(settings, article.language)
    report = on_progress or (lambda phase, done, total: None)
    speech = synthesize_script(
        script,
        engine,
        settings.rate_wpm,
        label=str(source),
        cache=cache,
        on_clip=lambda done, total: report("speech", done, total),
        threads=threads,
    )
    report("audio", 0, 1)
    output = output_format(settings)
    spoken = build_timeline(script, speech.sample_counts, speech.sample_rate, speech.words)
    encoded = master(speech.clip, spoken, settings, cache.segments, threads, output)
    if settings.edition.prepares_m4b:  # the archive makes M4B editions: their AAC, from the master
        from .edition.pieces import prepare_piece

        prepare_piece(speech.clip, spoken, settings, encoded, cache)
    # From here on, times are those of the audio file as written (part streams joined end to end).
    timeline = place_in_stream(
        spoken, encoded.part_frames, encoded.sample_rate, output.samples_per_frame, output.encoder_delay_samples
    )

    # The title card is drawn only now: PIL drawn before the speech left ~8 MB resident under it.
    cover = cover or CoverImage(title_card(article.title, settings.publication), "image/png", ".png")
    audio_chunks = output.file_chunks(  # the tag is built now, the streams read when written
        TagInfo(
            title=article.title,
            artist=article.author,
            album=settings.publication,
            date=article.date.isoformat() if article.date else None,
            language=article.language,
            summary=article.summary,
            url=article.url,
            cover=cover.data,
            cover_mime=cover.mime,
        ),
        timeline.chapters,
        timeline.duration_ms,
        encoded.stream_chunks(),
    )

    slug = slug or output_slug(article)
    audio, vtt = out_dir / output.file_name(slug), out_dir / f"{slug}.vtt"
    chapters = out_dir / f"{slug}.chapters.json"
    words = out_dir / f"{slug}.transcript.json"
    cover_file = out_dir / f"{slug}{cover.suffix}"
    page, embed = out_dir / f"{slug}.html", out_dir / f"{slug}.embed.html"
    site = site_for(settings)
    write_static(out_dir)
    # All or nothing: every file is written aside first (the audio, read part by part from the
    # cache, is the one most likely to fail), then all are renamed into place, the audio last —
    # an audio file on disk comes with everything else, and a failed rebuild changes nothing.
    files = [  # by kind, as the build's manifest names them
        ("transcript", vtt, webvtt(timeline)),
        ("transcript_json", words, transcript_json(timeline)),
        ("chapters", chapters, chapters_json(timeline)),
        ("cover", cover_file, cover.data),
        ("page", page, article_page(article, timeline, slug, cover_file.name, site, audio.name, vtt.name)),
        ("embed", embed, embed_page(article, timeline, site, audio.name, cover_file.name)),
        (AUDIO_OUTPUT, audio, audio_chunks),
    ]
    write_together([(path, data) for kind, path, data in files if only is None or kind in only])
    return ConversionResult(
        source=source,
        title=article.title,
        slug=slug,
        audio_file=audio,
        transcript=vtt,
        transcript_json=words,
        chapters_file=chapters,
        cover_file=cover_file,
        page=page,
        embed=embed,
        article=article,
        duration_ms=timeline.duration_ms,
        chapters=timeline.chapters,
        loudness=encoded.loudness,
        sentences=len(speech.sample_counts),
        synthesized=speech.synthesized,
        encoded_parts=encoded.encoded_parts,
        seconds=time.perf_counter() - started,
    )
