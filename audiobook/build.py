"""The archive build: every article of a folder, incrementally, in parallel, resumably.

Decisions are made in this process, work is done in spawned workers (`workers.run_tasks`):

* discovery — article files under the folder (hidden folders skipped), sorted;
* unchanged — same source bytes, same settings, same output format, outputs still on disk with
  the recorded sizes: skipped without synthesis or encoding;
* slugs — taken from the article, made unique in a deterministic order (existing ones first);
* results — each finished article is written to `manifest.json` at once (atomically), so a killed
  build resumes where it stopped; outputs themselves are written atomically by the worker;
* orphans — outputs of articles that left the archive (or changed slug) are removed, unless kept.

One build per output folder at a time: a lock file, waited for or refused (`wait_for_lock`).
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterable
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from . import __version__
from .cache import ClipCache, content_key, default_cache_dir
from .config import CONFIG_NAME, load_settings
from .cover import CoverError, CoverImage, article_cover, read_cover
from .errors import AudiobookError, OutputError
from .files import unique_slug, write_atomic
from .manifest import load_manifest, outputs_intact, remove_outputs, write_manifest
from .parse import ARTICLE_SUFFIXES, read_article, read_source
from .settings import Settings

LOCK = ".audiobook.lock"
# Bump when the same input and settings would produce different output files.
OUTPUT_FORMAT = "1"
CLUSTER_RETRIES = 2  # a task that raised (not the article's fault) runs again on the cluster
SYNTHESIS_IDLE_LIMIT_S = 60.0  # per utterance: an engine silent this long is hung
AUDIO_IDLE_LIMIT_S = 1800.0  # loudness and encoding of one article


@dataclass(frozen=True)
class ArticleReport:
    source: str  # relative to the articles folder
    status: str  # built | unchanged | failed
    slug: str | None = None
    title: str | None = None
    error: str | None = None
    outputs: dict[str, str] = field(default_factory=dict)  # kind → file name in the output folder
    sizes: dict[str, int] = field(default_factory=dict)
    duration_ms: int = 0
    chapters: list[dict[str, Any]] = field(default_factory=list)
    hashes: dict[str, str] = field(default_factory=dict)
    synthesized: int = 0
    reused: int = 0
    seconds: float = 0.0


@dataclass(frozen=True)
class BuildReport:
    articles: tuple[ArticleReport, ...]
    wall_s: float
    output: str
    warnings: tuple[str, ...] = ()  # things set aside or left out, each one line

    def count(self, status: str) -> int:
        return sum(1 for a in self.articles if a.status == status)

    @property
    def ok(self) -> bool:
        return self.count("failed") == 0

    @property
    def duration_ms(self) -> int:
        return sum(a.duration_ms for a in self.articles if a.status != "failed")

    def as_dict(self) -> dict[str, Any]:
        return {
            "output": self.output,
            "wall_s": round(self.wall_s, 3),
            "built": self.count("built"),
            "unchanged": self.count("unchanged"),
            "failed": self.count("failed"),
            "duration_ms": self.duration_ms,
            "warnings": list(self.warnings),
            "articles": [asdict(a) for a in self.articles],
        }


# --- what runs in a worker ---------------------------------------------------------------------


def convert_task(payload: dict[str, Any], report: Callable[[str, int, int], None]) -> dict[str, Any]:
    """One article in a worker process; returns the manifest fields of the result."""
    from .convert import convert_article

    # No cache folder given: the worker's own default (a cluster worker's, not the client's).
    cache = ClipCache(Path(payload["cache_dir"]) if payload.get("cache_dir") else None)
    result = convert_article(
        payload["article"],
        payload["out_dir"],
        payload["settings"],
        cache=cache,
        slug=payload["slug"],
        on_progress=report,
        threads=payload.get("threads"),
        cover=payload.get("cover"),
    )
    outputs = {
        "mp3": result.mp3.name,
        "transcript": result.transcript.name,
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
        "sizes": {kind: (Path(payload["out_dir"]) / name).stat().st_size for kind, name in outputs.items()},
        "duration_ms": result.duration_ms,
        "chapters": [{"title": c.title, "start_ms": c.start_ms, "end_ms": c.end_ms} for c in result.chapters],
        "synthesized": result.synthesized,
        "reused": result.sentences - result.synthesized,
        "encoded_parts": result.encoded_parts,
        "seconds": round(result.seconds, 3),
    }


# --- the build ---------------------------------------------------------------------------------


def discover(articles_dir: Path, follow_links: bool = False, skip: Iterable[Path] = ()) -> list[Path]:
    """Article files below the folder, sorted; hidden entries skipped, the folders in ``skip`` (the
    build's own output and cache, when they lie inside the archive) too, and links leading outside
    the folder unless ``follow_links``."""
    root = articles_dir.resolve()
    skipped = {folder.resolve() for folder in skip}
    found = []
    for path in sorted(articles_dir.rglob("*")):
        relative = path.relative_to(articles_dir)
        if any(part.startswith(".") for part in relative.parts):
            continue
        if path.suffix.lower() not in ARTICLE_SUFFIXES or not path.is_file():
            continue
        resolved = path.resolve()
        if not follow_links and not resolved.is_relative_to(root):
            continue  # a symbolic link pointing outside the archive is not followed
        if any(resolved.is_relative_to(folder) or path.absolute().is_relative_to(folder) for folder in skipped):
            continue  # our own pages and clips are not articles
        found.append(path)
    return found


def _shown_name(source: str) -> str | None:
    """A file name that cannot be written as UTF-8 (bytes of another encoding), with its bad
    bytes replaced, for the error line; None when the name is fine."""
    try:
        source.encode("utf-8")
    except UnicodeEncodeError:
        return os.fsencode(source).decode("utf-8", "replace")
    return None


def settings_fingerprint(settings: Settings) -> str:
    return content_key(repr(settings), OUTPUT_FORMAT, __version__)


@contextmanager
def build_lock(out_dir: Path, wait_for_lock: bool, on_wait: Callable[[], None] | None = None):
    """An exclusive lock on the output folder for the duration of a build."""
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / LOCK
    try:
        # Never through a link: a planted `.audiobook.lock -> /elsewhere` would create that file.
        descriptor = os.open(path, os.O_RDWR | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0), 0o644)
    except OSError as exc:
        reason = "it is a symbolic link" if path.is_symlink() else (exc.strerror or str(exc))
        raise OutputError(f"{path}: the build's lock file cannot be opened ({reason})") from None
    handle = os.fdopen(descriptor, "a+")  # noqa: SIM115 - held for the whole build
    try:
        if os.name == "nt":  # pragma: no cover - Windows
            import msvcrt

            locker = lambda blocking: msvcrt.locking(  # noqa: E731
                handle.fileno(), msvcrt.LK_LOCK if blocking else msvcrt.LK_NBLCK, 1
            )
        else:
            import fcntl

            locker = lambda blocking: fcntl.flock(  # noqa: E731
                handle.fileno(), fcntl.LOCK_EX | (0 if blocking else fcntl.LOCK_NB)
            )
        try:
            locker(False)
        except OSError:
            if not wait_for_lock:
                raise OutputError(f"{out_dir}: another build is running on this folder") from None
            if on_wait:
                on_wait()
            locker(True)
        yield
    finally:
        handle.close()


def build_archive(
    articles_dir: Path | str = "articles",
    out_dir: Path | str = "output",
    *,
    overrides: dict[str, Any] | None = None,
    jobs: int | None = None,
    keep_orphans: bool = False,
    cache_dir: Path | str | None = None,
    wait_for_lock: bool = True,
    follow_links: bool = False,
    synthesis_idle_limit_s: float = SYNTHESIS_IDLE_LIMIT_S,
    cluster: str | None = None,
    retries: int | None = None,
    on_event: Callable[[str, dict[str, Any]], None] | None = None,
) -> BuildReport:
    """Build (or bring up to date) the audio editions of every article in ``articles_dir``.

    With ``cluster`` (a Dask scheduler's address) the conversions run on that cluster's workers,
    ``retries`` times more on an unexpected error; everything else happens here, as locally.
    """
    started = time.perf_counter()
    articles_dir, out_dir = Path(articles_dir), Path(out_dir)
    if not articles_dir.is_dir():
        raise AudiobookError(f"{articles_dir}: no such folder of articles")
    emit = on_event or (lambda kind, data: None)
    settings = load_settings(articles_dir).with_overrides(**(overrides or {}))
    fingerprint = settings_fingerprint(settings)
    channel_cover = _channel_cover(settings, articles_dir, follow_links)  # a bad one fails before any work
    # On a cluster, each worker uses its own default cache unless a folder is named (shared storage).
    cache_root = Path(cache_dir) if cache_dir else (None if cluster else default_cache_dir())
    if not cluster:
        ClipCache(cache_root)  # a folder that is not a cache is refused once, here, not per article

    def warn(message: str) -> None:
        warnings.append(message)
        emit("warning", {"message": message})

    warnings: list[str] = []
    with build_lock(out_dir, wait_for_lock, lambda: emit("waiting", {"output": str(out_dir)})):
        for leftover in out_dir.glob(".*.part"):  # from a build that was killed mid-write
            leftover.unlink(missing_ok=True)
        previous, problem = load_manifest(out_dir, OUTPUT_FORMAT)
        if problem:
            warn(problem)
        entries: dict[str, dict[str, Any]] = {}
        reports: dict[str, ArticleReport] = {}
        # The output and cache folders may lie inside the archive: their pages are not articles.
        files = discover(articles_dir, follow_links, skip=[out_dir, *([cache_root] if cache_root else [])])
        sources: dict[str, Path] = {}
        for path in files:
            source = str(path.relative_to(articles_dir))
            shown = _shown_name(source)
            if shown is None:
                sources[source] = path
            else:  # it could not be named in the manifest, the feed or a message
                reports[shown] = ArticleReport(shown, "failed", error=f"{shown}: the file name is not valid UTF-8")

        # Orphans: their articles are gone.
        for source, entry in previous.items():
            if source not in sources and not keep_orphans:
                remove_outputs(out_dir, entry)
        # Unchanged articles keep their entry and reserve their slug.
        to_build: list[tuple[str, Path, str]] = []
        taken: set[str] = set()
        for source, path in sources.items():
            try:
                input_hash = content_key(read_source(path), fingerprint)
            except AudiobookError as exc:  # unreadable, or too large to be read at all
                entries[source] = _failed_entry(previous.get(source), source, str(exc), input_hash="")
                reports[source] = ArticleReport(**_report_fields(entries[source]))
                continue
            entry = previous.get(source)
            if (
                entry
                and entry.get("hashes", {}).get("input") == input_hash
                and entry.get("status") in ("built", "unchanged")
                and outputs_intact(out_dir, entry)
            ):
                entries[source] = {**entry, "status": "unchanged"}
                reports[source] = ArticleReport(
                    **{**_report_fields(entry), "status": "unchanged", "synthesized": 0, "reused": 0, "seconds": 0.0}
                )
                taken.add(entry["slug"])
            else:
                to_build.append((source, path, input_hash))

        # Parse what must be built (cheap) to name it; bad articles fail here, without a worker.
        tasks = []
        for source, path, input_hash in to_build:
            try:
                article = read_article(path)
                # Read here, inside the archive, for local and cluster workers alike: they get the
                # checked bytes and never open a path that an article named.
                cover = article_cover(article, articles_dir, follow_links)
            except AudiobookError as exc:
                entries[source] = _failed_entry(previous.get(source), source, str(exc), input_hash)
                reports[source] = ArticleReport(**_report_fields(entries[source]))
                continue

            from .convert import output_slug

            slug = unique_slug(output_slug(article), taken)
            # The feed's id for the article: never derived from its title, so a retitle keeps it.
            guid = article.guid or article.url or f"urn:audiobook:{content_key(source)[:32]}"
            tasks.append(
                (
                    source,
                    {
                        "article": article,  # parsed once, here
                        "cover": cover,
                        "out_dir": str(out_dir),
                        "settings": settings,
                        "slug": slug,
                        "cache_dir": str(cache_root) if cache_root else None,
                        "input_hash": input_hash,
                        "title": article.title,
                        "guid": guid,
                        # --jobs N means N cores: each worker masters its parts on one thread.
                        "threads": 1,
                    },
                )
            )
        payloads = dict(tasks)
        client = None
        if cluster and tasks:
            from .cluster import connect, worker_threads

            client = connect(cluster)
        workers = worker_threads(client) if client else _jobs(jobs, len(tasks))
        emit("start", {"total": len(sources), "to_build": len(tasks), "unchanged": len(entries), "jobs": workers})
        for source in sorted(reports):
            if reports[source].status == "failed":
                emit("article", {"report": reports[source]})

        # Longest silence allowed per phase ("" = before the first report): a hung engine fails.
        idle_limits = {"": synthesis_idle_limit_s * 2, "speech": synthesis_idle_limit_s, "audio": AUDIO_IDLE_LIMIT_S}

        def progress(source: str, phase: str, done: int, total: int) -> None:
            emit("progress", {"source": source, "phase": phase, "done": done, "total": total})

        def on_result(source: str, ok: bool, value: Any) -> None:
            payload = payloads[source]
            old = previous.get(source)
            if ok:
                entry = {
                    "source": source,
                    "slug": payload["slug"],
                    "guid": payload["guid"],
                    "status": "built",
                    "error": None,
                    **value,
                    "hashes": {"input": payload["input_hash"], "settings": fingerprint},
                }
                if old and old.get("slug") != payload["slug"]:
                    remove_outputs(out_dir, old, keep=set(value["outputs"].values()))
            else:
                entry = _failed_entry(old, source, value, payload["input_hash"], payload["slug"], payload["title"])
            entries[source] = entry
            reports[source] = ArticleReport(**_report_fields(entry))
            write_manifest(out_dir, entries, OUTPUT_FORMAT)
            emit("article", {"report": reports[source]})

        def on_cluster_result(source: str, ok: bool, value: Any) -> None:
            """A worker's files are written here; the MP3 last, as a local conversion does."""
            if ok:
                try:
                    for name in sorted(value["files"], key=lambda name: name.endswith(".mp3")):
                        write_atomic(out_dir / name, value["files"][name])
                except OutputError as exc:
                    ok, value = False, str(exc)
                else:
                    value = value["fields"]
            on_result(source, ok, value)

        if client:
            from .cluster import run_on_cluster

            try:
                retries = CLUSTER_RETRIES if retries is None else retries
                run_on_cluster(client, tasks, retries, idle_limits, progress, on_cluster_result)
            finally:
                client.close()
        elif tasks:
            from .workers import run_tasks

            run_tasks(
                convert_task,
                tasks,
                _jobs(jobs, len(tasks)),
                idle_limits=idle_limits,
                on_progress=progress,
                on_result=on_result,
            )
        write_manifest(out_dir, entries, OUTPUT_FORMAT)
        publish_archive(out_dir, settings, list(entries.values()), channel_cover, warn)

    report = BuildReport(
        tuple(reports[s] for s in sorted(reports)), time.perf_counter() - started, str(out_dir), tuple(warnings)
    )
    emit("done", {"report": report})
    return report


def publish_archive(
    out_dir: Path,
    settings: Settings,
    entries: list[dict[str, Any]],
    channel_cover: CoverImage | None = None,
    warn: Callable[[str], None] = lambda message: None,
) -> None:
    """The archive-wide files: index.html, the channel cover, the podcast feed (with a base URL)."""
    import datetime as dt

    from .cover import title_card
    from .feed import FeedEpisode, podcast_feed
    from .pages import Episode, index_page, site_for, write_static

    published = [
        e
        for e in entries
        if e.get("status") in ("built", "unchanged") or (e.get("status") == "failed" and outputs_intact(out_dir, e))
    ]
    published = [e for e in published if "page" in (e.get("outputs") or {})]
    site = site_for(settings)
    write_static(out_dir)

    def date(entry: dict[str, Any]) -> dt.date | None:
        return dt.date.fromisoformat(entry["date"]) if entry.get("date") else None

    write_atomic(
        out_dir / "index.html",
        index_page([Episode(e["title"], e["outputs"]["page"], date(e), e["duration_ms"]) for e in published], site),
    )
    if channel_cover is None:
        card = title_card(settings.feed.title or settings.publication, "podcast")
        channel_cover = CoverImage(card, "image/png", ".png")
    target = out_dir / ("cover" + channel_cover.suffix)
    if not target.is_file() or target.read_bytes() != channel_cover.data:
        write_atomic(target, channel_cover.data)
    if not settings.feed.base_url:
        (out_dir / "feed.xml").unlink(missing_ok=True)
        return
    episodes = []
    guids: dict[str, str] = {}
    for e in published:
        if not e.get("guid"):
            continue
        if e["guid"] in guids:  # podcast apps would merge or drop the two episodes
            warn(f"{e['source']}: its feed id {e['guid']!r} is already {guids[e['guid']]}'s; left out of the feed")
            continue
        guids[e["guid"]] = e["source"]
        episodes.append(
            FeedEpisode(
                guid=e["guid"],
                title=e["title"],
                summary=e.get("summary"),
                date=date(e),
                duration_ms=e["duration_ms"],
                mp3=e["outputs"]["mp3"],
                mp3_bytes=e["sizes"]["mp3"],
                page=e["outputs"]["page"],
                image=e["outputs"]["cover"],
                chapters_file=e["outputs"]["chapters"],
                transcript=e["outputs"]["transcript"],
                chapters=[(c["title"], c["start_ms"]) for c in e.get("chapters", [])],
                references=[(r["text"], r.get("url")) for r in e.get("references", [])],
            )
        )
    write_atomic(out_dir / "feed.xml", podcast_feed(settings.feed, settings.publication, episodes, target.name))


def _channel_cover(settings: Settings, articles_dir: Path, follow_links: bool) -> CoverImage | None:
    """The `[feed] image` named in audiobook.toml, read inside the archive like article covers."""
    if not settings.feed.image:
        return None
    path = articles_dir / settings.feed.image
    try:
        return read_cover(path, articles_dir, follow_links)
    except CoverError as exc:
        raise AudiobookError(f"{articles_dir / CONFIG_NAME}: [feed] image {path} {exc}") from None


def _failed_entry(
    old: dict[str, Any] | None,
    source: str,
    error: str,
    input_hash: str,
    slug: str | None = None,
    title: str | None = None,
) -> dict[str, Any]:
    """A failed article keeps what an earlier build produced: a failed rebuild loses nothing.

    Its input hash is not recorded as built, so the next build tries it again.
    """
    entry = {
        **(old or {}),
        "source": source,
        "status": "failed",
        "error": error,
        "synthesized": 0,
        "reused": 0,
        "seconds": 0.0,
    }
    entry["slug"] = slug or entry.get("slug")
    entry["title"] = title or entry.get("title")
    entry["hashes"] = {**entry.get("hashes", {}), "failed_input": input_hash}
    return entry


def _report_fields(entry: dict[str, Any]) -> dict[str, Any]:
    names = ArticleReport.__dataclass_fields__
    return {k: v for k, v in entry.items() if k in names}


def _jobs(jobs: int | None, tasks: int) -> int:
    return max(1, min(jobs or os.cpu_count() or 1, max(tasks, 1)))
