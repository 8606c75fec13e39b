"""The archive build: every article of a folder, incrementally, in parallel, resumably.

Decisions are made in this process; the conversions run on an executor (`executors`: local worker
processes, or a Dask cluster):

* discovery — article files under the folder (hidden entries, links out, and the build's own
  output and cache folders skipped), sorted;
* unchanged — same source bytes, same settings, same output format, outputs still on disk with
  the recorded sizes: skipped without synthesis or encoding. The settings count by what they
  shape (`settings_keys`): a change to the feed alone leaves every article as it is, and one to
  what pages show remakes only the pages (the audio comes from the cache, its files stay);
* slugs — taken from the article, made unique in a deterministic order (existing ones first);
* results — each finished article is written to `manifest.json` at once (`ledger`), so a killed
  build resumes where it stopped; outputs themselves are written atomically;
* orphans — outputs of articles that left the archive (or changed slug) are removed, unless kept.

One build per output folder at a time: a lock file, waited for or refused (`wait_for_lock`).
"""

from __future__ import annotations

import os
import re
import time
from collections.abc import Callable, Iterable
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from . import __version__
from .cache import ClipCache, content_key, default_cache_dir
from .config import load_settings
from .cover import article_cover
from .errors import AudiobookError, OutputError
from .executors import open_executor
from .files import unique_slug
from .ledger import ArticleReport, BuildLedger, BuildReport
from .manifest import EARLIER_OUTPUT_FORMATS, OUTPUT_FORMAT, Entries, load_manifest, remove_outputs
from .pages import design_key
from .parse import ARTICLE_SUFFIXES, read_article, read_source
from .publish import channel_cover_image, publish_archive
from .settings import Settings, audio_settings, page_settings
from .source_dates import source_date, source_date_epoch
from .tasks import PAGE_OUTPUTS, ConversionTask
from .workers import stop_if_rerunning_the_script

__all__ = ["ArticleReport", "BuildReport", "SettingsKeys", "build_archive", "build_lock", "discover", "settings_keys"]

LOCK = ".audiobook.lock"
SYNTHESIS_IDLE_LIMIT_S = 60.0  # per utterance: an engine silent this long is hung
AUDIO_IDLE_LIMIT_S = 1800.0  # loudness and encoding of one article


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
    stop_if_rerunning_the_script()  # a worker rerunning a script that calls this: no second build
    started = time.perf_counter()
    articles_dir, out_dir = Path(articles_dir), Path(out_dir)
    if not articles_dir.is_dir():
        raise AudiobookError(f"{articles_dir}: no such folder of articles")
    emit = on_event or (lambda kind, data: None)
    settings = load_settings(articles_dir).with_overrides(**(overrides or {}))
    channel_cover = channel_cover_image(settings, articles_dir, follow_links)  # a bad one fails before any work
    epoch = source_date_epoch()  # a malformed $SOURCE_DATE_EPOCH too
    # On a cluster, each worker uses its own default cache unless a folder is named (shared storage).
    cache_root = Path(cache_dir) if cache_dir else (None if cluster else default_cache_dir())
    if not cluster:
        ClipCache(cache_root)  # a folder that is not a cache is refused once, here, not per article

    with build_lock(out_dir, wait_for_lock, lambda: emit("waiting", {"output": str(out_dir)})):
        for leftover in out_dir.glob(".*.part"):  # from a build that was killed mid-write
            if leftover.is_file() and not leftover.is_symlink():
                leftover.unlink(missing_ok=True)
        previous, problem = load_manifest(out_dir, OUTPUT_FORMAT, EARLIER_OUTPUT_FORMATS)
        keys = settings_keys(settings)
        ledger = BuildLedger(out_dir, previous, keys.audio, emit, pages_key=keys.pages)
        if problem:
            ledger.warn(problem)
        sources = _named_sources(articles_dir, discover(articles_dir, follow_links, [out_dir, cache_root]), ledger)
        ledger.record_source_dates({source: source_date(path, epoch) for source, path in sources.items()})
        if not keep_orphans:
            _remove_orphans(out_dir, previous, sources)
        tasks = _plan(sources, articles_dir, settings, cache_root, follow_links, ledger)
        idle = _idle_limits(synthesis_idle_limit_s)
        executor = open_executor(out_dir, len(tasks), idle, jobs, cluster, retries) if tasks else None
        counts = {"total": len(sources), "to_build": len(tasks), "unchanged": ledger.count("unchanged")}
        emit("start", {**counts, "jobs": executor.workers if executor else 1})
        ledger.announce_failures()
        if executor:
            ledger.expect(tasks)
            try:
                executor.run(tasks, ledger.progress, ledger.finished)
            finally:
                executor.close()
        ledger.save()
        publish_archive(out_dir, settings, ledger.published(), channel_cover, ledger.warn)

    report = ledger.report(time.perf_counter() - started)
    emit("done", {"report": report})
    return report


# --- deciding what to build ----------------------------------------------------------------------


def discover(articles_dir: Path, follow_links: bool = False, skip: Iterable[Path | None] = ()) -> list[Path]:
    """Article files below the folder, sorted; hidden entries skipped, the folders in ``skip`` (the
    build's own output and cache, when they lie inside the archive) too, and links leading outside
    the folder unless ``follow_links``."""
    root = articles_dir.resolve()
    skipped = {folder.resolve() for folder in skip if folder is not None}
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


def _named_sources(articles_dir: Path, files: list[Path], ledger: BuildLedger) -> dict[str, Path]:
    """Files by their name relative to the archive; a name that cannot be written as UTF-8 (bytes
    of another encoding) fails alone, shown with its bad bytes replaced."""
    sources = {}
    for path in files:
        source = str(path.relative_to(articles_dir))
        try:
            source.encode("utf-8")
        except UnicodeEncodeError:
            shown = os.fsencode(source).decode("utf-8", "replace")
            ledger.unnamed(shown, f"{shown}: the file name is not valid UTF-8")
            continue
        sources[source] = path
    return sources


def _remove_orphans(out_dir: Path, previous: Entries, sources: dict[str, Path]) -> None:
    for source, entry in previous.items():
        if source not in sources:  # the article is gone
            remove_outputs(out_dir, entry)


def _plan(
    sources: dict[str, Path],
    articles_dir: Path,
    settings: Settings,
    cache_root: Path | None,
    follow_links: bool,
    ledger: BuildLedger,
) -> list[ConversionTask]:
    """The tasks for what changed; unchanged articles keep their entry and reserve their slug, and
    articles that cannot be read or parsed fail here, without a worker."""
    from .convert import output_slug

    fingerprint = ledger.fingerprint
    changed: list[tuple[str, Path, str, tuple[str, ...] | None]] = []
    # Every slug in use by an article still here is reserved, so a new article never takes files
    # another one still has (and removes when it finishes); an article keeps its own.
    own = {s: e["slug"] for s, e in ledger.previous.items() if s in sources and e.get("slug")}
    taken: set[str] = set(own.values())
    spoken_with = _voices_by_language(settings)
    for source, path in sources.items():
        try:
            source_key = content_key(read_source(path), fingerprint)
        except AudiobookError as exc:  # unreadable, or too large to be read at all
            ledger.failed(source, str(exc), input_hash="")
            continue
        # The same bytes are the same article, in the language the last build read in them: the
        # article is unchanged if that language is still spoken with the same engine and voice.
        language = (ledger.previous.get(source) or {}).get("language")
        if isinstance(language, str) and ledger.is_unchanged(source, content_key(source_key, spoken_with(language))):
            if ledger.pages_current(source):
                taken.add(ledger.unchanged(source))
            else:  # the audio and its files stay; only what the pages show changed
                changed.append((source, path, source_key, PAGE_OUTPUTS))
        else:
            changed.append((source, path, source_key, None))
    tasks = []
    for source, path, source_key, only in changed:
        try:
            article = read_article(path)
            # Read here, inside the archive, for local and cluster workers alike.
            cover = article_cover(article, articles_dir, follow_links)
        except AudiobookError as exc:
            ledger.failed(source, str(exc), source_key)
            continue
        input_hash = content_key(source_key, spoken_with(article.language))
        slug = _slug_for(output_slug(article), own.get(source), taken)
        tasks.append(
            ConversionTask(
                source=source,
                article=article,
                settings=settings,
                slug=slug,
                # The feed's id for the article: never derived from its title, so a retitle keeps it.
                guid=article.guid or article.url or f"urn:audiobook:{content_key(source)[:32]}",
                input_hash=input_hash,
                cover=cover,
                cache_dir=str(cache_root) if cache_root else None,
                only_outputs=only if slug == own.get(source) else None,  # a new slug: every file anew
            )
        )
    return tasks


def _voices_by_language(settings: Settings) -> Callable[[str], str]:
    """The engine and voice each language is spoken with on this machine now (under `auto`,
    installing a Piper voice for German changes it for German articles only), asked once per
    language."""
    from .speech import resolved_voice

    known: dict[str, str] = {}

    def spoken_with(language: str) -> str:
        if language not in known:
            known[language] = resolved_voice(settings, language)
        return known[language]

    return spoken_with


def _idle_limits(synthesis_idle_limit_s: float) -> dict[str, float]:
    """Longest silence allowed per phase ("" = before the first report): a hung engine fails."""
    return {"": synthesis_idle_limit_s * 2, "speech": synthesis_idle_limit_s, "audio": AUDIO_IDLE_LIMIT_S}


def _slug_for(wanted: str, own: str | None, taken: set[str]) -> str:
    """The article's previous slug while it still names the same title (``wanted``, or ``wanted``
    made unique as ``wanted-2``…), else a new unique one."""
    if own and (own == wanted or re.fullmatch(re.escape(wanted) + r"-\d+", own)):
        return own
    return unique_slug(wanted, taken)


@dataclass(frozen=True)
class SettingsKeys:
    """What the outputs depend on besides the article and the engine and voice that speak its
    language (`_voices_by_language`, part of each article's input hash), by the outputs each part
    shapes (settings.py): a build remakes only what a changed part shapes. The feed's own settings
    need no key: the feed, index, playlist and channel cover are remade from the manifest by
    every build."""

    audio: str  # an article's audio and the files made with it: settings, output format, version
    pages: str  # an article's page and embed: what they show, the page templates, the version


def settings_keys(settings: Settings) -> SettingsKeys:
    return SettingsKeys(
        audio=content_key(repr(audio_settings(settings)), OUTPUT_FORMAT, __version__),
        pages=content_key(repr(page_settings(settings)), OUTPUT_FORMAT, __version__, design_key()),
    )


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
