"""The archive the browser tests open, built once per test session (espeak) and shared by every
player test module, and the browser they open it in (Debian's chromium driven by Playwright)."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

from audiobook.build import build_archive

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")

HOSTILE = '<script>alert(1)</script> & "x" ]]>'
LONG_TITLE = "My AI Was Cloned? The Massive Tech Theft Scandal Involving 'Claude'"
BROWSER_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--autoplay-policy=no-user-gesture-required",
]


def require_chromium() -> None:
    if CHROMIUM:
        return
    if os.environ.get("CI"):
        raise RuntimeError("the browser tests need Debian's chromium (.ci/run installs it)")
    pytest.skip("chromium is not installed (apt-get install chromium); .ci/run installs it", allow_module_level=True)


def article(title: str, date: str) -> str:
    title = title.replace("'", "''")
    return (
        f"---\ntitle: '{title}'\ndate: {date}\nauthor: Test Desk\nsummary: What this is about.\n---\n"
        "An opening sentence. Another one follows it.\n\n"
        "## First part\n\nSome words here. And more words there.\n\n"
        "## Second part\n\nThe second part has a sentence. And another.\n\n"
        "## Third part\n\nThe third part is short. It ends here.\n"
    )


def built_site(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, dict]]:
    """The output folder and its manifest entries by source; built by the first module asking."""
    root = tmp_path_factory.getbasetemp() / "player-site"
    out = root / "out"
    if not (out / "manifest.json").is_file():
        articles = root / "articles"
        articles.mkdir(parents=True, exist_ok=True)
        (articles / "long.md").write_text(article(LONG_TITLE, "2026-02-01"), encoding="utf-8")
        (articles / "hostile.md").write_text(article(HOSTILE, "2026-02-02"), encoding="utf-8")
        assert build_archive(articles, out, cache_dir=root / "cache").ok
    manifest = json.loads((out / "manifest.json").read_text())
    return out, {a["source"]: a for a in manifest["articles"]}


def launch(playwright):
    return playwright.chromium.launch(executable_path=CHROMIUM, args=BROWSER_ARGS)


# The two fixtures every browser test module shares (imported by name into each module).
@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """The sample site, built once per test module."""
    return built_site(tmp_path_factory)


@pytest.fixture(scope="module")
def browser():
    """Debian's chromium, driven by Playwright, for the whole module."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = launch(playwright)
        yield browser
        browser.close()
