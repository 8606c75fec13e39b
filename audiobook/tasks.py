"""One article's conversion as a task: what a build hands to an executor, and what a worker runs.

The build decides everything (slug, feed id, the cover read inside the archive) and puts it in a
`ConversionTask`; a worker — a local process or a cluster worker — only converts. The result is
the manifest's fields for the article (`ArticleFields`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .cover import CoverImage
from .formats import AUDIO_OUTPUT
from .model import Article
from .settings import Settings

# The outputs that show more than the audio: remade alone when only that changed (`build`).
PAGE_OUTPUTS = ("page", "embed")
Report = Callable[[str, int, int], None]  # report(phase, done, total): progress, and the heartbeat
ArticleFields = dict[str, Any]  # an article's manifest fields (validated on reading: manifest.py)


@dataclass(frozen=True)
class ConversionTask:
    source: str  # relative to the articles folder: the task's id
    article: Article  # parsed once, by the build
    settings: Settings
    slug: str
    guid: str  # the feed's id, never derived from the title
    input_hash: str
    cover: CoverImage | None = None  # read and checked by the build: a worker opens no path an article named
    cache_dir: str | None = None  # None: the worker's own default cache
    threads: int | None = 1  # --jobs N means N cores: each worker masters its parts on one thread
    only_outputs: tuple[str, ...] | None = None  # write only these (kinds as in `convert`); None: all


def convert(task: ConversionTask, out_dir: Path, report: Report) -> ArticleFields:
    """Convert the task's article into ``out_dir``; its manifest fields."""
    from .cache import ClipCache
    from .convert import convert_article

    cache = ClipCache(Path(task.cache_dir) if task.cache_dir else None)
    result = convert_article(
        task.article,
        out_dir,
        task.settings,
        cache=cache,
        slug=task.slug,
        on_progress=report,
        threads=task.threads,
        cover=task.cover,
        only=task.only_outputs,
    )
    outputs = {
        AUDIO_OUTPUT: result.audio_file.name,  # "mp3": a stored key, kept whatever the container
        "transcript": result.transcript.name,
        "transcript_json": result.transcript_json.name,
        "chapters": result.chapters_file.name,
        "cover": result.cover_file.name,
        "page": result.page.name,
        "embed": result.embed.name,
    }
    article = result.article
    return {
        "title": result.title,
        "author": article.author,
        "date": article.date.isoformat() if article.date else None,
        "summary": article.summary,
        "language": article.language,
        "url": article.url,
        "references": [{"text": r.text, "url": r.url} for r in article.references],
        "outputs": outputs,
        # Of the files written now; the build keeps the recorded sizes of the others (`ledger`).
        "sizes": {kind: (out_dir / name).stat().st_size for kind, name in outputs.items() if _written(task, kind)},
        "duration_ms": result.duration_ms,
        "chapters": [{"title": c.title, "start_ms": c.start_ms, "end_ms": c.end_ms} for c in result.chapters],
        "synthesized": result.synthesized,
        "reused": result.sentences - result.synthesized,
        "encoded_parts": result.encoded_parts,
        "seconds": round(result.seconds, 3),
    }


def _written(task: ConversionTask, kind: str) -> bool:
    return task.only_outputs is None or kind in task.only_outputs


def convert_in_local_worker(payload: tuple[ConversionTask, str], report: Report) -> ArticleFields:
    """The local pool's task function (`workers.run_tasks`): outputs go straight to the folder."""
    task, out_dir = payload
    return convert(task, Path(out_dir), report)
