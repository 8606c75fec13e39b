"""What a person sees during `audiobook build`: a progress bar on a terminal, plain lines otherwise."""

from __future__ import annotations

import sys
from typing import Any

from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Table

from .build import ArticleReport, BuildReport
from .formats import AUDIO_OUTPUT, output_format
from .timeline import clock


class BuildProgress:
    """Receives build events (see `build_archive(on_event=...)`) and shows them."""

    def __init__(self, quiet: bool = False, console: Console | None = None) -> None:
        self.quiet = quiet
        self.err = console or Console(stderr=True, soft_wrap=True)
        self.out = Console()
        self.interactive = self.err.is_terminal and not quiet
        self.progress: Progress | None = None
        self.task: Any = None
        self.total = self.done = 0
        self.audio_ms = 0
        self.partial: dict[str, float] = {}

    def __enter__(self) -> BuildProgress:
        return self

    def __exit__(self, *exc: object) -> None:
        if self.progress:
            self.progress.stop()

    def event(self, kind: str, data: dict[str, Any]) -> None:
        getattr(self, f"_on_{kind}")(data)

    def _on_waiting(self, data: dict[str, Any]) -> None:
        if not self.quiet:
            self.err.print(f"waiting for another build on {data['output']} to finish…", markup=False)

    def _on_warning(self, data: dict[str, Any]) -> None:
        self.err.print(f"warning: {data['message']}", markup=False, highlight=False)

    def _on_start(self, data: dict[str, Any]) -> None:
        self.total = data["total"]
        self.done = data["unchanged"]
        if self.quiet:
            return
        line = (
            f"{data['total']} articles: {data['to_build']} to build, {data['unchanged']} unchanged"
            f" ({data['jobs']} worker{'s' if data['jobs'] != 1 else ''})"
        )
        self.err.print(line)
        if self.interactive and data["to_build"]:
            self.progress = Progress(
                TextColumn("[bold]building"),
                BarColumn(),
                MofNCompleteColumn(),
                TextColumn("{task.fields[audio]} of audio"),
                TimeRemainingColumn(),
                console=self.err,
                transient=True,
            )
            self.task = self.progress.add_task("build", total=self.total, completed=self.done, audio="0:00")
            self.progress.start()

    def _on_progress(self, data: dict[str, Any]) -> None:
        if self.progress and data["phase"] == "speech" and data["total"]:
            # Half of an article's time is speech, half is audio work: a fair partial credit.
            self.partial[data["source"]] = 0.5 * data["done"] / data["total"]
            self.progress.update(self.task, completed=self.done + sum(self.partial.values()))

    def _on_article(self, data: dict[str, Any]) -> None:
        report: ArticleReport = data["report"]
        self.done += 1
        self.partial.pop(report.source, None)
        if report.status == "failed":
            # Names and reasons come from files: escaped, so a "[/x]" in a file name is not markup.
            self.err.print(f"[red]failed[/red] {escape(f'{report.source}: {report.error}')}", highlight=False)
        elif not self.quiet and not self.interactive:
            self.err.print(
                f"[{self.done}/{self.total}] {report.status} {report.source} → {_audio_name(report)} "
                f"{clock(report.duration_ms)} ({report.seconds:.1f} s, {report.synthesized} "
                f"sentences spoken, {report.reused} reused)",
                markup=False,
                highlight=False,
            )
        self.audio_ms += report.duration_ms if report.status == "built" else 0
        if self.progress:
            self.progress.update(
                self.task, completed=self.done + sum(self.partial.values()), audio=clock(self.audio_ms)
            )

    def _on_done(self, data: dict[str, Any]) -> None:
        if self.progress:
            self.progress.stop()
            self.progress = None

    def summary(self, report: BuildReport) -> None:
        table = Table(title=f"audiobook build → {escape(report.output)}", title_justify="left")
        for column in ("built", "unchanged", "failed", "audio", "wall time"):
            table.add_column(column, justify="right")
        table.add_row(
            str(report.count("built")),
            str(report.count("unchanged")),
            str(report.count("failed")),
            clock(report.duration_ms),
            f"{report.wall_s:.1f} s",
        )
        self.out.print(table)
        if not sys.stdout.isatty():
            self.out.file.flush()


def _audio_name(report: ArticleReport) -> str:
    """The article's audio file, as the build recorded it (or as the output format names it)."""
    return report.outputs.get(AUDIO_OUTPUT) or output_format().file_name(report.slug or "")
