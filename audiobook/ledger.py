"""What a build knows of each article — its manifest entry and its report, kept together — and
the build's report at the end.

Every article that finishes is written to `manifest.json` at once (atomically), so a killed build
resumes where it stopped. A failed article keeps what an earlier build produced (its outputs stay
published), and its input is not recorded as built, so the next build tries it again.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from .manifest import OUTPUT_FORMAT, Entries, outputs_intact, remove_outputs, write_manifest
from .tasks import ArticleFields, ConversionTask

Emit = Callable[[str, dict[str, Any]], None]


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

    @classmethod
    def of(cls, entry: dict[str, Any], **changes: Any) -> ArticleReport:
        names = cls.__dataclass_fields__
        return cls(**{**{k: v for k, v in entry.items() if k in names}, **changes})


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


class BuildLedger:
    """The manifest entries and reports of one build, filled as the build decides and converts."""

    def __init__(self, out_dir: Path, previous: Entries, fingerprint: str, emit: Emit, pages_key: str = "") -> None:
        self.out_dir = out_dir
        self.previous = previous
        self.fingerprint = fingerprint  # of the settings that shape the audio (`build.settings_keys`)
        self.pages_key = pages_key  # of what the pages show
        self.emit = emit
        self.entries: Entries = {}
        self.reports: dict[str, ArticleReport] = {}
        self.warnings: list[str] = []
        self._tasks: dict[str, ConversionTask] = {}
        self._source_dates: dict[str, str | None] = {}

    def record_source_dates(self, dates: dict[str, str | None]) -> None:
        """When each source was last changed (`source_dates`): an undated article's feed date, kept
        in its entry whether the article is built or unchanged, so touching a file re-dates it."""
        self._source_dates = dict(dates)

    def count(self, status: str) -> int:
        return sum(1 for report in self.reports.values() if report.status == status)

    def warn(self, message: str) -> None:
        self.warnings.append(message)
        self.emit("warning", {"message": message})

    def unchanged(self, source: str) -> str:
        """The article is kept as the last build made it; its slug."""
        entry = self.previous[source]
        dated = self._source_dates.get(source) or entry.get("source_date")
        self.entries[source] = {**entry, "status": "unchanged", "source_date": dated}
        self.reports[source] = ArticleReport.of(entry, status="unchanged", synthesized=0, reused=0, seconds=0.0)
        return entry["slug"]

    def is_unchanged(self, source: str, input_hash: str) -> bool:
        entry = self.previous.get(source)
        return bool(
            entry
            and entry.get("hashes", {}).get("input") == input_hash
            and entry.get("status") in ("built", "unchanged")
            and outputs_intact(self.out_dir, entry)
        )

    def pages_current(self, source: str) -> bool:
        """The article's page and embed were made with what pages show now."""
        return (self.previous.get(source) or {}).get("hashes", {}).get("pages") == self.pages_key

    def failed(self, source: str, error: str, input_hash: str, slug: str | None = None, title: str | None = None):
        """A failed article keeps what an earlier build produced: a failed rebuild loses nothing."""
        entry = {
            **(self.previous.get(source) or {}),
            "source": source,
            "status": "failed",
            "error": error,
            "synthesized": 0,
            "reused": 0,
            "seconds": 0.0,
        }
        # The files it keeps are named by its previous slug: the entry keeps that slug with them.
        entry["slug"] = entry.get("slug") if entry.get("outputs") else slug or entry.get("slug")
        entry["title"] = title or entry.get("title")
        entry["hashes"] = {**entry.get("hashes", {}), "failed_input": input_hash}
        # The outputs it keeps are of the earlier source: dated as that one was, when it was.
        entry["source_date"] = entry.get("source_date") or self._source_dates.get(source)
        self.entries[source] = entry
        self.reports[source] = ArticleReport.of(entry)

    def unnamed(self, shown: str, error: str) -> None:
        """A file that cannot even be named in the manifest (its name is not text): reported only."""
        self.reports[shown] = ArticleReport(shown, "failed", error=error)

    def expect(self, tasks: list[ConversionTask]) -> None:
        self._tasks = {task.source: task for task in tasks}

    def progress(self, source: str, phase: str, done: int, total: int) -> None:
        self.emit("progress", {"source": source, "phase": phase, "done": done, "total": total})

    def announce_failures(self) -> None:
        for source in sorted(self.reports):
            if self.reports[source].status == "failed":
                self.emit("article", {"report": self.reports[source]})

    def finished(self, source: str, ok: bool, value: ArticleFields | str) -> None:
        """An executor's result for one task: recorded, written to the manifest, announced."""
        task, old = self._tasks[source], self.previous.get(source)
        if ok:
            assert isinstance(value, dict)
            if task.only_outputs and old:  # the other files are the ones on disk, as recorded
                value = {**value, "sizes": {**old.get("sizes", {}), **value["sizes"]}}
            entry = {
                "source": source,
                "slug": task.slug,
                "guid": task.guid,
                "status": "built",
                "error": None,
                **value,
                "source_date": self._source_dates.get(source) or (old or {}).get("source_date"),
                "hashes": {"input": task.input_hash, "settings": self.fingerprint, "pages": self.pages_key},
            }
            if old:  # a new slug, or a new file name (a JPEG cover replaced by the title card)
                remove_outputs(self.out_dir, old, keep=set(value["outputs"].values()))
            self.entries[source] = entry
            self.reports[source] = ArticleReport.of(entry)
        else:
            self.failed(source, str(value), task.input_hash, task.slug, task.article.title)
        self.save()
        self.emit("article", {"report": self.reports[source]})

    def save(self) -> None:
        write_manifest(self.out_dir, self.entries, OUTPUT_FORMAT)

    def published(self) -> list[dict[str, Any]]:
        """Entries whose outputs are on line: built, unchanged, or failed but keeping earlier ones."""
        return [
            e
            for e in self.entries.values()
            if "page" in (e.get("outputs") or {})
            and (e.get("status") in ("built", "unchanged") or outputs_intact(self.out_dir, e))
        ]

    def report(self, wall_s: float) -> BuildReport:
        articles = tuple(self.reports[s] for s in sorted(self.reports))
        return BuildReport(articles, wall_s, str(self.out_dir), tuple(self.warnings))
