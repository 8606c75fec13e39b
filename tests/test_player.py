"""The web player in a real browser: headless Chromium (Debian's package) driven by Playwright."""

from __future__ import annotations

import pytest
from mutagen.mp3 import MP3
from player_site import HOSTILE, LONG_TITLE, require_chromium

from audiobook.timeline import clock

pytest_plugins = ["player_site"]  # its `site` and `browser` fixtures

require_chromium()


@pytest.fixture()
def open_page(browser, site):
    out, entries = site
    pages = []

    def opener(source: str, width: int = 1000):
        page = browser.new_page(viewport={"width": width, "height": 800})
        page.problems = []
        page.dialogs = []
        page.on("console", lambda m: page.problems.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: page.problems.append(str(e)))
        page.on("dialog", lambda d: (page.dialogs.append(d.message), d.dismiss()))
        page.goto((out / entries[source]["outputs"]["page"]).as_uri())
        page.wait_for_function("document.querySelector('audio').readyState >= 1")
        pages.append(page)
        return page

    yield opener
    for page in pages:
        page.close()


def test_page_loads_cleanly_and_total_time_is_the_mp3_duration(open_page, site):
    out, entries = site
    page = open_page("long.md")
    assert page.problems == []
    length = MP3(out / entries["long.md"]["outputs"]["mp3"]).info.length
    assert page.inner_text(".ab-total") == clock(round(length * 1000))
    assert page.inner_text(".ab-elapsed") == "0:00"
    assert abs(page.evaluate("document.querySelector('audio').duration") - length) < 0.1


def test_title_is_cut_with_an_ellipsis_and_available_in_full(open_page):
    page = open_page("long.md", width=420)
    title = page.locator(".ab-title")
    assert title.evaluate("e => getComputedStyle(e).textOverflow") == "ellipsis"
    assert title.evaluate("e => e.scrollWidth > e.clientWidth")  # visibly cut
    assert title.get_attribute("title") == LONG_TITLE and title.get_attribute("aria-label") == LONG_TITLE
    assert page.evaluate("document.scrollingElement.scrollWidth") <= 420  # nothing spills on a phone


def test_playing_advances_time_and_space_pauses(open_page):
    page = open_page("long.md")
    page.click(".ab-play")
    page.wait_for_function("document.querySelector('audio').currentTime > 1.2", timeout=10_000)
    assert page.inner_text(".ab-elapsed") in ("0:01", "0:02")
    assert page.get_attribute(".ab-play", "aria-label") == "Pause"
    page.locator("h1").click()  # focus leaves the buttons: space is for the player
    page.keyboard.press(" ")
    page.wait_for_function("document.querySelector('audio').paused")


def test_chapter_click_seeks_to_its_start(open_page, site):
    _, entries = site
    page = open_page("long.md")
    third = entries["long.md"]["chapters"][2]
    page.locator(".ab-chapter").nth(2).click()
    page.wait_for_function(
        "Math.abs(document.querySelector('audio').currentTime - %f) < 0.3" % (third["start_ms"] / 1000)
    )
    assert page.get_attribute(".ab-chapter >> nth=2", "class").split() == ["ab-chapter", "ab-current"]


def test_transcript_highlight_follows_current_time_and_click_seeks(open_page):
    page = open_page("long.md")
    cues = page.locator(".ab-cue")
    assert cues.count() >= 8
    fifth = float(cues.nth(4).get_attribute("data-start"))
    page.evaluate(f"document.querySelector('audio').currentTime = {fifth + 0.05}")
    # The seek lands asynchronously: wait for the highlight to reach the fifth cue, not for any highlight.
    page.wait_for_function(
        f"(c => c && c.dataset.start === '{cues.nth(4).get_attribute('data-start')}')"
        "(document.querySelector('.ab-cue.ab-current'))"
    )
    assert page.locator(".ab-cue.ab-current").count() == 1
    second = float(cues.nth(1).get_attribute("data-start"))
    cues.nth(1).dispatch_event("click")  # on the sentence, not one of its words
    page.wait_for_function(f"Math.abs(document.querySelector('audio').currentTime - {second}) < 0.05")
    page.wait_for_function(f"document.querySelector('.ab-cue.ab-current').dataset.start === '{second:.3f}'")


def test_the_word_being_spoken_is_highlighted_and_clicking_a_word_seeks_to_it(open_page):
    page = open_page("long.md")
    words = page.locator(".ab-cue .ab-w")
    assert words.count() >= 20
    third_cue_words = page.locator(".ab-cue >> nth=2").locator(".ab-w")
    target = third_cue_words.nth(2)
    start = float(target.get_attribute("data-start"))
    page.evaluate(f"document.querySelector('audio').currentTime = {start + 0.02}")
    page.wait_for_function(
        f"(w => w && w.dataset.start === '{target.get_attribute('data-start')}')"
        "(document.querySelector('.ab-w.ab-now'))"
    )
    assert page.locator(".ab-w.ab-now").count() == 1
    assert page.locator(".ab-w.ab-now").evaluate("w => w.closest('.ab-cue').classList.contains('ab-current')")
    assert page.locator("[aria-live]").count() == 0  # words change silently for screen readers
    # Playing moves the highlight on to later words.
    page.click(".ab-play")
    page.wait_for_function(
        f"(w => w && parseFloat(w.dataset.start) > {start})(document.querySelector('.ab-w.ab-now'))", timeout=10_000
    )
    page.click(".ab-play")
    other = words.nth(words.count() - 3)
    other_start = float(other.get_attribute("data-start"))
    other.click()
    page.wait_for_function(f"Math.abs(document.querySelector('audio').currentTime - {other_start}) < 0.05")
    page.wait_for_function(
        f"document.querySelector('.ab-w.ab-now').dataset.start === '{other.get_attribute('data-start')}'"
    )
    assert page.problems == []


def test_markup_in_a_title_is_shown_as_text_and_runs_nothing(open_page):
    page = open_page("hostile.md")
    page.wait_for_timeout(300)
    assert page.dialogs == [] and page.problems == []
    assert page.inner_text("h1") == HOSTILE
    assert page.locator(".ab-title").text_content() == HOSTILE
    scripts = page.evaluate("[...document.scripts].map(s => s.getAttribute('src'))")
    assert scripts == ["playlist.js", "player.js"]  # only our files: no script came from the title


def test_embed_page_and_index_work_from_file(browser, site):
    out, entries = site
    page = browser.new_page()
    problems = []
    page.on("pageerror", lambda e: problems.append(str(e)))
    page.goto((out / entries["long.md"]["outputs"]["embed"]).as_uri())
    page.wait_for_function("document.querySelector('audio').readyState >= 1")
    assert page.locator(".ab-chapters").count() == 0 and page.locator(".ab-play").is_visible()
    page.goto((out / "index.html").as_uri())
    titles = page.locator(".episodes a").all_inner_texts()
    assert titles == [HOSTILE, LONG_TITLE]  # newest first
    assert problems == []
    page.close()
