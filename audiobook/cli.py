"""The `audiobook` command: thin wrappers over the library (parse options, call, print).

Heavy modules (numpy, scipy, trafilatura, the TTS engine) are imported inside the commands, so
`audiobook --help` starts fast.
"""

from __future__ import annotations

import functools
import inspect as pyinspect
import json
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from typing import Annotated

import typer

from .errors import AudiobookError
from .lexicon import Lexicon, shown
from .settings import FLAGS, Rule, Settings
from .timeline import clock

app = typer.Typer(
    help="Give every article an audio edition: chaptered, tagged MP3s spoken by a local TTS engine.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

CacheDirOption = Annotated[
    Path | None,
    typer.Option("--cache-dir", help="Clip cache folder (default: $AUDIOBOOK_CACHE_DIR or ~/.cache/audiobook)."),
]


def _flag_option(rule: Rule) -> object:
    assert rule.flag is not None
    return Annotated[rule.flag.kind | None, typer.Option(rule.flag.name, help=rule.flag.help)]  # type: ignore[operator]


EngineOption = _flag_option(next(rule for rule in FLAGS if rule.attribute == "engine"))


def setting_flags(command: Callable[..., None]) -> Callable[..., None]:
    """Give a command one option per setting that has a flag in `settings.SCHEMA` (declared once
    there, with its help); the command receives the values given as ``overrides``."""
    signature = pyinspect.signature(command, eval_str=True)
    keyword_only = pyinspect.Parameter.KEYWORD_ONLY
    added = [
        pyinspect.Parameter(rule.attribute, keyword_only, default=None, annotation=_flag_option(rule)) for rule in FLAGS
    ]
    kept = [p for p in signature.parameters.values() if p.name != "overrides"]

    @functools.wraps(command)
    def with_flags(*args: object, **kwargs: object) -> None:
        overrides = {rule.attribute: kwargs.pop(rule.attribute, None) for rule in FLAGS}
        command(*args, overrides=overrides, **kwargs)

    with_flags.__signature__ = signature.replace(parameters=[*kept, *added])  # type: ignore[attr-defined]
    with_flags.__annotations__ = {p.name: p.annotation for p in (*kept, *added)}
    return with_flags


@contextmanager
def _user_errors() -> Iterator[None]:
    """Expected failures become one line on stderr and exit code 1 — never a traceback."""
    try:
        yield
    except AudiobookError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(1) from None
    except KeyboardInterrupt:
        typer.echo("interrupted", err=True)
        raise typer.Exit(130) from None


def _settings(folder: Path | None = None, overrides: dict[str, object] | None = None) -> Settings:
    """audiobook.toml of the articles' folder (if any), then the flags on top."""
    from .config import load_settings

    base = load_settings(folder) if folder is not None else Settings()
    return base.with_overrides(**(overrides or {}))


def _article_files(paths: list[Path]) -> list[tuple[Path, Path]]:
    """Each article file with the folder whose audiobook.toml applies to it: a folder is searched
    as `build` searches an archive (`build.discover`), a file stands for itself."""
    from .build import discover

    files: list[tuple[Path, Path]] = []
    for path in paths:
        if path.is_dir():
            files += [(file, path) for file in discover(path)]
        else:
            files.append((path, path.parent))
    return files


@app.command()
@setting_flags
def convert(
    articles: Annotated[list[Path], typer.Argument(help="Article files (.md, .html, .txt) or folders of them.")],
    output: Annotated[Path, typer.Option("-o", "--output", help="Folder for the MP3, transcript and chapters.")] = Path(
        "output"
    ),
    overrides: dict[str, object] | None = None,
) -> None:
    """Convert articles into chaptered, tagged MP3s with a WebVTT transcript and JSON chapters."""
    from .convert import convert_article, output_slug
    from .engine_runtime import keep_large_buffers_out_of_the_heap
    from .files import unique_slug
    from .parse import read_article

    keep_large_buffers_out_of_the_heap()  # this process masters the audio (build: its workers do)

    files = _article_files(articles)
    if not files:
        typer.echo("error: no article files found (.md, .markdown, .html, .htm, .txt)", err=True)
        raise typer.Exit(1)
    failed = 0
    taken: set[str] = set()  # two articles with one title must not overwrite each other
    for file, folder in files:
        try:
            with _user_errors():
                settings = _settings(folder, overrides)
                slug = unique_slug(output_slug(read_article(file)), taken)
                result = convert_article(file, output, settings, slug=slug)
        except typer.Exit:
            failed += 1
            continue
        typer.echo(
            f"{result.mp3}  {clock(result.duration_ms)}  "
            f"{result.loudness.integrated_lufs:.1f} LUFS  ({result.seconds:.1f} s)"
        )
        for chapter in result.chapters:
            typer.echo(f"  {clock(chapter.start_ms):>7}  {chapter.title}")
    if failed:
        typer.echo(f"{failed} of {len(files)} articles failed", err=True)
        raise typer.Exit(1)


@app.command()
def script(
    article: Annotated[Path, typer.Argument(help="An article file (.md, .html, .txt).")],
    as_json: Annotated[bool, typer.Option("--json", help="Print the script as JSON for programs.")] = False,
) -> None:
    """Print the narration exactly as it will be spoken, chapter by chapter."""
    from .parse import read_article
    from .script import build_script

    with _user_errors():
        narration = build_script(read_article(article), _settings(article.parent))
    if as_json:
        data = {
            "title": narration.title,
            "language": narration.language,
            "chapters": [
                {
                    "title": c.title,
                    "utterances": [
                        {"text": shown(u.text), "caption": u.caption, "pause_after_ms": u.pause_after_ms}
                        for u in c.utterances
                    ],
                }
                for c in narration.chapters
            ],
        }
        typer.echo(json.dumps(data, ensure_ascii=False, indent=2))
        return
    for number, chapter in enumerate(narration.chapters, start=1):
        typer.echo(f"## {number}. {chapter.title}")
        for utterance in chapter.utterances:
            typer.echo(shown(utterance.text))
        typer.echo("")


@app.command()
def inspect(
    audio_file: Annotated[Path, typer.Argument(help="An MP3, or an edition's M4B.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print as JSON.")] = False,
) -> None:
    """Show an MP3's or M4B's tags, duration, chapters and loudness as a listener's player gets them."""
    from .meter import file_loudness
    from .tags import read_back

    with _user_errors():
        info = read_back(audio_file)
        loudness = file_loudness(audio_file)
    if as_json:
        typer.echo(json.dumps(_inspected(info, loudness), ensure_ascii=False, indent=2))
        return
    container = "MP4 (AAC)" if info.version == "MP4" else f"ID3v{info.version}"
    typer.echo(
        f"{audio_file}: {container}, {clock(round(info.duration_s * 1000))}, "
        f"{info.bitrate_kbps} kbps, {info.sample_rate} Hz, "
        f"{'mono' if info.channels == 1 else f'{info.channels} channels'}"
    )
    for key, value in info.fields.items():
        typer.echo(f"  {key:<10} {value}")
    typer.echo(f"  {'cover':<10} {'yes' if info.has_cover else 'no'}")
    typer.echo(f"  {'loudness':<10} {loudness.integrated_lufs:.1f} LUFS, true peak {loudness.true_peak_dbtp:.1f} dBTP")
    forms = info.chapter_forms or {"": info.chapters}
    names = {"quicktime": "QuickTime chapter track", "nero": "Nero chpl"}
    if len(forms) > 1 and len({tuple(c) for c in forms.values()}) == 1:  # both forms say the same
        forms = {" and ".join(names[n] for n in forms): info.chapters}
    for name, chapters in forms.items():
        typer.echo(f"chapters ({len(chapters)}{', ' + names.get(name, name) if name else ''}):")
        for chapter in chapters:
            typer.echo(f"  {clock(chapter.start_ms):>7} – {clock(chapter.end_ms):>7}  {chapter.title}")
    if info.version == "MP4":
        missing = [names[n] for n in names if n not in info.chapter_forms]
        if missing:
            typer.echo(f"no {' or '.join(missing)}: some audiobook apps show no chapters")


def _inspected(info, loudness) -> dict[str, object]:
    def marks(chapters) -> list[dict[str, object]]:
        return [{"title": c.title, "start_ms": c.start_ms, "end_ms": c.end_ms} for c in chapters]

    data: dict[str, object] = {
        ("container" if info.version == "MP4" else "id3"): info.version,
        "duration_s": round(info.duration_s, 3),
        "bitrate_kbps": info.bitrate_kbps,
        "sample_rate": info.sample_rate,
        "channels": info.channels,
        "tags": info.fields,
        "cover": info.has_cover,
        "loudness": {
            "integrated_lufs": round(loudness.integrated_lufs, 2),
            "true_peak_dbtp": round(loudness.true_peak_dbtp, 2),
        },
        "chapters": marks(info.chapters),
    }
    if info.chapter_forms:
        data["chapter_forms"] = {name: marks(chapters) for name, chapters in info.chapter_forms.items()}
    return data


@app.command()
def voices(
    language: Annotated[
        str | None, typer.Option("--language", help="Only voices for this language, e.g. en or fr.")
    ] = None,
    engine: EngineOption = None,
) -> None:
    """List the voices the TTS engine offers (use the id with --voice)."""
    from .speech import open_engine

    with _user_errors():
        listing = open_engine(_settings(overrides={"engine": engine})).voices()
    for voice in listing:
        if language and not any(lang.lower().startswith(language.lower()) for lang in voice.languages):
            continue
        typer.echo(f"{voice.id:<28} {voice.name:<32} {', '.join(voice.languages)}")


@app.command()
@setting_flags
def build(
    articles: Annotated[Path, typer.Argument(help="The archive: a folder of articles (with audiobook.toml).")] = Path(
        "articles"
    ),
    output: Annotated[Path, typer.Option("-o", "--output", help="Output folder (gets manifest.json).")] = Path(
        "output"
    ),
    jobs: Annotated[
        int | None, typer.Option("--jobs", "-j", min=1, help="Worker processes (default: one per core).")
    ] = None,
    keep_orphans: Annotated[
        bool, typer.Option("--keep-orphans", help="Keep outputs of articles no longer in the archive.")
    ] = False,
    follow_links: Annotated[
        bool, typer.Option("--follow-links", help="Also read symbolic links that lead outside the folder.")
    ] = False,
    no_wait: Annotated[
        bool, typer.Option("--no-wait", help="Fail at once if another build holds the output folder.")
    ] = False,
    cluster: Annotated[
        str | None,
        typer.Option(
            "--cluster",
            metavar="ADDRESS",
            help="Convert on a Dask cluster: its scheduler's address, e.g. tcp://10.0.0.5:8786"
            " (needs audiobook[cluster]; --jobs is then ignored; --cache-dir is a folder on the workers).",
        ),
    ] = None,
    retries: Annotated[
        int | None,
        typer.Option("--retries", min=0, help="On a cluster: runs again of a task that failed unexpectedly (2)."),
    ] = None,
    cache_dir: CacheDirOption = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Print nothing but errors.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print the build report as JSON.")] = False,
    overrides: dict[str, object] | None = None,
) -> None:
    """Convert a whole archive: incremental, parallel, resumable; writes OUTPUT/manifest.json."""
    from .build import build_archive
    from .progress import BuildProgress

    display = BuildProgress(quiet=quiet or as_json)
    with _user_errors(), display:
        report = build_archive(
            articles,
            output,
            overrides=overrides,
            jobs=jobs,
            keep_orphans=keep_orphans,
            cache_dir=cache_dir,
            wait_for_lock=not no_wait,
            follow_links=follow_links,
            cluster=cluster,
            retries=retries,
            on_event=display.event,
        )
    if as_json:
        typer.echo(json.dumps(report.as_dict(), ensure_ascii=False, indent=2))
    elif not quiet:
        display.summary(report)
    if not report.ok:
        raise typer.Exit(1)


def _date_option(value: str | None, flag: str):
    import datetime as dt

    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise AudiobookError(f"{flag} {value}: not a date (YYYY-MM-DD)") from None


@app.command()
@setting_flags
def edition(
    articles: Annotated[Path, typer.Argument(help="The archive: a folder of articles (with audiobook.toml).")] = Path(
        "articles"
    ),
    output: Annotated[
        Path, typer.Option("-o", "--output", help="The archive's output folder (built first where needed).")
    ] = Path("output"),
    since: Annotated[str | None, typer.Option("--since", help="Only articles dated on or after (YYYY-MM-DD).")] = None,
    until: Annotated[str | None, typer.Option("--until", help="Only articles dated on or before (YYYY-MM-DD).")] = None,
    tag: Annotated[str | None, typer.Option("--tag", help="Only articles with this front matter tag.")] = None,
    article: Annotated[
        list[str] | None,
        typer.Option("--article", help="Only this article (a file of the archive); repeat, in --order given's order."),
    ] = None,
    title: Annotated[str | None, typer.Option("--title", help="The edition's title (default: dates).")] = None,
    audio_format: Annotated[
        str | None,
        typer.Option(
            "--format",
            help="mp3, m4b (AAC with chapters, for audiobook apps) or both (default: [edition] formats, else mp3).",
        ),
    ] = None,
    order: Annotated[str, typer.Option("--order", help="newest (first), oldest, or given (--article order).")] = (
        "newest"
    ),
    jobs: Annotated[
        int | None, typer.Option("--jobs", "-j", min=1, help="Worker processes for articles not built yet.")
    ] = None,
    cache_dir: CacheDirOption = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the edition's report as JSON.")] = False,
    overrides: dict[str, object] | None = None,
) -> None:
    """Many articles as one file with a chapter per article (MP3 and/or M4B), its page and feed."""
    from .edition import build_edition
    from .engine_runtime import keep_large_buffers_out_of_the_heap

    keep_large_buffers_out_of_the_heap()  # article-sized buffers, one after another: no heap growth

    with _user_errors():
        formats = ("mp3", "m4b") if audio_format == "both" else (audio_format,) if audio_format else None
        report = build_edition(
            articles,
            output,
            title=title,
            since=_date_option(since, "--since"),
            until=_date_option(until, "--until"),
            tag=tag,
            names=article or (),
            order=order,
            formats=formats,
            overrides=overrides,
            jobs=jobs,
            cache_dir=cache_dir,
        )
    for warning in report.warnings:
        typer.echo(f"warning: {warning}", err=True)
    if as_json:
        typer.echo(json.dumps(report.as_dict(), ensure_ascii=False, indent=2))
        return
    files = ", ".join(report.outputs[k] for k in ("mp3", "m4b") if k in report.outputs)
    typer.echo(
        f"{files}  {clock(report.duration_ms)}  {len(report.articles)} article(s)  "
        f"{report.status}  ({report.seconds:.1f} s)"
    )
    for chapter in report.chapters:
        typer.echo(f"  {clock(chapter.start_ms):>7}  {chapter.title}")


cache_app = typer.Typer(help="The clip cache (sentences already spoken).", no_args_is_help=True)
app.add_typer(cache_app, name="cache")


@cache_app.command("info")
def cache_info_command(
    cache_dir: CacheDirOption = None,
) -> None:
    """Show where the cache is and how much it holds (its own entries only)."""
    from .cache import cache_info

    with _user_errors():
        info = cache_info(cache_dir)
    typer.echo(f"{info.path}: {info.entries} entries, {info.bytes / 1e6:.1f} MB")


@cache_app.command("clear")
def cache_clear_command(
    cache_dir: CacheDirOption = None,
) -> None:
    """Delete the cache's entries (the next build speaks everything again); nothing it did not make."""
    from .cache import clear_cache

    with _user_errors():
        info = clear_cache(cache_dir)
    typer.echo(f"{info.path}: removed {info.entries} entries, {info.bytes / 1e6:.1f} MB")


lexicon_app = typer.Typer(
    help="The pronunciation lexicon (lexicon.toml, audiobook.toml, front matter).", no_args_is_help=True
)
app.add_typer(lexicon_app, name="lexicon")


@lexicon_app.command("check")
def lexicon_check(
    folder: Annotated[Path, typer.Argument(help="The articles folder (with lexicon.toml / audiobook.toml).")] = Path(
        "articles"
    ),
) -> None:
    """List lexicon entries that no narration ever uses (exit 1 if there are any)."""
    from .config import load_settings
    from .parse import read_article
    from .script import build_script

    unused: list[str] = []
    with _user_errors():
        settings = load_settings(folder)
        used: set[str] = set()
        total = len(settings.lexicon.entries)
        for file, _ in _article_files([folder]):
            article = read_article(file)
            # Match against the sentences as written and as normalized without the lexicon: an
            # entry is tried on both (it wins over the normalization rules).
            plain = build_script(replace(article, lexicon=Lexicon()), replace(settings, lexicon=Lexicon()))
            text = "\n".join(f"{u.caption}\n{u.text}" for u in plain.utterances)
            used |= settings.lexicon.matches(text)
            total += len(article.lexicon.entries)
            unused += [
                f"{e.word} → {e.say}  ({file.name})"
                for e in article.lexicon.entries
                if e.word not in article.lexicon.matches(text)
            ]
    unused = [f"{e.word} → {e.say}" for e in settings.lexicon.entries if e.word not in used] + unused
    typer.echo(f"{total} entries, {len(unused)} never matched")
    for line in unused:
        typer.echo(f"  {line}")
    if unused:
        raise typer.Exit(1)


def main() -> None:
    app()


if __name__ == "__main__":
    sys.exit(main())
