"""What news-site players do, in a real browser (Debian's chromium, Playwright) at a phone's and a
desktop's width: lock-screen metadata, resume, playlist, docked mini-player, deep links, the
chapter-start highlight, downloads, speed across articles, the embed inside a host page."""

from __future__ import annotations

import re

import pytest
from player_site import HOSTILE, LONG_TITLE, require_chromium

from audiobook.timeline import clock

pytest_plugins = ["player_site"]  # its `site` and `browser` fixtures

require_chromium()

WIDTHS = [375, 1280]


@pytest.fixture()
def visitor(browser):
    """One visitor: a fresh context (its own localStorage), pages that record console errors."""
    context = browser.new_context()
    context.problems = []

    def open_url(url: str, width: int = 1280, height: int = 800, init_script: str | None = None):
        page = context.new_page()
        page.set_viewport_size({"width": width, "height": height})
        page.on("console", lambda m: context.problems.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: context.problems.append(str(e)))
        if init_script:
            page.add_init_script(init_script)
        page.goto(url)
        if page.locator("audio").count():
            page.wait_for_function("document.querySelector('audio').readyState >= 1")
        return page

    context.open = open_url
    yield context
    context.close()


def url(site, source: str, kind: str = "page", fragment: str = "") -> str:
    out, entries = site
    return (out / entries[source]["outputs"][kind]).as_uri() + fragment


def current_time(page) -> float:
    return page.evaluate("document.querySelector('audio').currentTime")


def wait_time_near(page, seconds: float, tolerance: float = 0.3) -> None:
    page.wait_for_function(f"Math.abs(document.querySelector('audio').currentTime - {seconds}) < {tolerance}")


# Records what the page gives the Media Session (the real API is called as well): the handlers are
# what a lock screen or headset would call, and Chromium keeps no readable position state.
SESSION_RECORDER = """
window.recorded = {handlers: {}, position: null};
const realHandler = navigator.mediaSession.setActionHandler.bind(navigator.mediaSession);
navigator.mediaSession.setActionHandler = (action, handler) => {
  recorded.handlers[action] = handler;
  realHandler(action, handler);
};
const realPosition = navigator.mediaSession.setPositionState.bind(navigator.mediaSession);
navigator.mediaSession.setPositionState = (state) => { recorded.position = state; realPosition(state); };
"""


@pytest.mark.parametrize("width", WIDTHS)
def test_media_session_has_metadata_and_recorded_actions_drive_the_player(visitor, site, width):
    _, entries = site
    chapters = entries["long.md"]["chapters"]
    page = visitor.open(url(site, "long.md"), width, init_script=SESSION_RECORDER)
    metadata = page.evaluate(
        "(m => ({title: m.title, artist: m.artist, album: m.album, art: m.artwork.map(a => a.src)}))"
        "(navigator.mediaSession.metadata)"
    )
    cover = entries["long.md"]["outputs"]["cover"]
    assert metadata["title"] == LONG_TITLE and metadata["artist"] == "audiobook" == metadata["album"]
    assert len(metadata["art"]) == 1 and metadata["art"][0].endswith("/" + cover)
    actions = set(page.evaluate("Object.keys(recorded.handlers)"))
    assert {"play", "pause", "seekbackward", "seekforward", "seekto", "previoustrack", "nexttrack"} <= actions
    page.evaluate("recorded.handlers.nexttrack({action: 'nexttrack'})")
    wait_time_near(page, chapters[1]["start_ms"] / 1000, 0.05)
    page.evaluate("recorded.handlers.nexttrack({action: 'nexttrack'})")
    wait_time_near(page, chapters[2]["start_ms"] / 1000, 0.05)
    page.evaluate("recorded.handlers.previoustrack({action: 'previoustrack'})")  # at its start: the one before
    wait_time_near(page, chapters[1]["start_ms"] / 1000, 0.05)
    page.evaluate("recorded.handlers.seekto({action: 'seekto', seekTime: 4.5})")
    wait_time_near(page, 4.5, 0.05)
    page.evaluate("recorded.handlers.seekforward({action: 'seekforward'})")
    wait_time_near(page, min(4.5 + 30, entries["long.md"]["duration_ms"] / 1000), 0.1)
    page.evaluate("recorded.handlers.seekto({action: 'seekto', seekTime: 2})")
    page.evaluate("recorded.handlers.play({action: 'play'})")
    page.wait_for_function("!document.querySelector('audio').paused && recorded.position !== null")
    position = page.evaluate("recorded.position")
    assert abs(position["duration"] - entries["long.md"]["duration_ms"] / 1000) < 0.1
    assert position["playbackRate"] == 1 and 1.9 < position["position"] < 3
    page.evaluate("recorded.handlers.pause({action: 'pause'})")
    page.wait_for_function("document.querySelector('audio').paused")
    assert visitor.problems == []


@pytest.mark.parametrize("width", WIDTHS)
def test_resume_is_offered_after_reload_and_the_index_shows_progress(visitor, site, width):
    page = visitor.open(url(site, "long.md"), width)
    assert page.locator(".ab-resume").is_hidden()  # nothing heard yet
    page.click(".ab-play")
    page.wait_for_function("document.querySelector('audio').currentTime > 0.3")
    page.evaluate("document.querySelector('audio').currentTime = 8.6")
    wait_time_near(page, 8.6)
    page.click(".ab-play")  # pause: the position is kept
    page.reload()
    page.wait_for_function("document.querySelector('audio').readyState >= 1")
    offer = page.locator(".ab-resume button")
    assert offer.is_visible() and offer.inner_text() == "Resume at 0:08"
    assert current_time(page) == 0  # offered, not forced
    offer.click()
    page.wait_for_function("!document.querySelector('audio').paused")
    assert 8.5 < current_time(page) < 10.5
    assert page.locator(".ab-resume").is_hidden()
    page.click(".ab-play")
    index = visitor.open(url(site, "long.md").rsplit("/", 1)[0] + "/index.html", width)
    long_item = index.locator("li", has_text="Cloned")
    assert re.search(r"Stopped at 0:(0[89]|1\d)", long_item.inner_text())
    assert "Finished" not in index.locator("ol.episodes").inner_text()
    assert visitor.problems == []


@pytest.mark.parametrize("width", WIDTHS)
def test_next_article_loads_and_plays_and_the_finished_one_is_marked(visitor, site, width):
    _, entries = site
    newest = visitor.open(url(site, "hostile.md"), width)  # the index's first: its next is long.md
    assert newest.locator(".ab-playlist .ab-previous").count() == 0
    assert newest.inner_text(".ab-playlist .ab-next") == f"Next: {LONG_TITLE}"
    newest.check(".ab-autoplay-next")
    duration = entries["hostile.md"]["duration_ms"] / 1000
    newest.evaluate(f"document.querySelector('audio').currentTime = {duration - 0.8}")
    newest.click(".ab-play")
    newest.wait_for_url("**/" + entries["long.md"]["outputs"]["page"], timeout=10_000)
    newest.wait_for_function("(a => !a.paused && a.currentTime > 0.3)(document.querySelector('audio'))")
    assert newest.inner_text(".ab-playlist .ab-previous") == f"Previous: {HOSTILE}"
    assert newest.is_checked(".ab-autoplay-next")  # the choice holds on the next page
    newest.click(".ab-play")
    index = visitor.open(url(site, "long.md").rsplit("/", 1)[0] + "/index.html", width)
    finished = index.locator("li.ab-finished")
    assert finished.count() == 1 and HOSTILE in finished.inner_text() and "✓ Finished" in finished.inner_text()
    # The index plays the archive as a queue, from the first article not heard to its end.
    index.click(".ab-play-all")
    index.wait_for_url("**/" + entries["long.md"]["outputs"]["page"])
    index.wait_for_function("!document.querySelector('audio').paused")
    assert visitor.problems == []


@pytest.mark.parametrize("width", WIDTHS)
def test_the_mini_player_docks_when_the_bar_scrolls_away_while_playing(visitor, site, width):
    page = visitor.open(url(site, "long.md"), width, height=420)
    mini = page.locator(".ab-mini")
    page.evaluate("window.scrollTo(0, document.body.scrollHeight)")
    page.wait_for_timeout(200)
    assert mini.is_hidden()  # not playing yet: nothing docks
    page.evaluate("window.scrollTo(0, 0)")
    page.click(".ab-play")
    page.evaluate("window.scrollTo(0, document.body.scrollHeight)")
    mini.wait_for(state="visible")
    box = mini.bounding_box()
    assert box["y"] + box["height"] == pytest.approx(420, abs=1) and box["width"] == pytest.approx(width, abs=1)
    assert page.locator(".ab-mini-title").inner_text() == LONG_TITLE
    page.wait_for_function("document.querySelector('.ab-mini-elapsed').textContent !== '0:00'", timeout=10_000)
    page.click(".ab-mini-play")
    page.wait_for_function("document.querySelector('audio').paused")
    page.wait_for_function("document.querySelector('.ab-mini-play').getAttribute('aria-label') === 'Play'")
    page.evaluate("window.scrollTo(0, 0)")
    mini.wait_for(state="hidden")
    assert visitor.problems == []


@pytest.mark.parametrize("width", WIDTHS)
def test_deep_links_seek_and_copy_link_gives_the_time(visitor, site, width):
    _, entries = site
    starts = [c["start_ms"] / 1000 for c in entries["long.md"]["chapters"]]

    def lands(seconds: float) -> float:  # whole seconds name the second; a chapter inside it wins
        inside = [s for s in starts if seconds == int(seconds) and seconds <= s < seconds + 1]
        return inside[0] if inside else seconds

    page = visitor.open(url(site, "long.md", fragment="#t=0:07"), width)
    wait_time_near(page, lands(7), 0.05)
    for fragment, seconds in [("#t=12", 12), ("#t=npt:3.5", 3.5), ("#t=0:00:05,9", 5), ("#t=1.25", 1.25)]:
        page.evaluate(f"location.hash = '{fragment}'")
        wait_time_near(page, lands(seconds), 0.05)
    page.evaluate("document.querySelector('audio').currentTime = 9.7")
    wait_time_near(page, 9.7, 0.05)
    page.click(".ab-copy")
    link = page.input_value(".ab-link")
    assert link == url(site, "long.md") + "#t=0:09"
    assert page.inner_text(".ab-status") in ("Link copied.", "Copy the link from the box.")
    shared = visitor.open(link, width)  # the link opens at its time, with no resume offer
    wait_time_near(shared, lands(9), 0.05)
    assert shared.locator(".ab-resume").is_hidden()
    # A chapter's time as the chapter list shows it (whole seconds) opens that chapter.
    chapter = entries["long.md"]["chapters"][2]
    assert chapter["start_ms"] % 1000  # the mark falls inside the second, as it usually does
    shared.evaluate(f"location.hash = '#t={clock(chapter['start_ms'])}'")
    wait_time_near(shared, chapter["start_ms"] / 1000, 0.01)
    shared.wait_for_function("document.querySelectorAll('.ab-part')[2].querySelector('.ab-cue.ab-current')")
    assert visitor.problems == []


@pytest.mark.parametrize("width", WIDTHS)
def test_chapter_links_highlight_the_first_sentence_of_their_own_chapter(visitor, site, width):
    _, entries = site
    page = visitor.open(url(site, "long.md"), width)
    links = page.locator(".ab-chapter")
    assert links.count() == len(entries["long.md"]["chapters"]) == 4
    for number, chapter in enumerate(entries["long.md"]["chapters"]):
        assert links.nth(number).get_attribute("href").startswith("#t=")
        links.nth(number).click()
        wait_time_near(page, chapter["start_ms"] / 1000, 0.01)
        page.wait_for_function(f"document.querySelectorAll('.ab-part')[{number}].querySelector('.ab-current')")
        first_cue = page.locator(".ab-part").nth(number).locator(".ab-cue").first
        assert first_cue.get_attribute("class").split() == ["ab-cue", "ab-current"]
        assert page.locator(".ab-cue.ab-current").count() == 1
        assert page.evaluate("location.hash") == links.nth(number).get_attribute("href")
    assert visitor.problems == []


def test_transcript_headings_stand_apart_from_the_paragraph_after_them(visitor, site):
    page = visitor.open(url(site, "long.md"))
    headings = page.locator(".ab-transcript h3").all_inner_texts()
    assert headings == [LONG_TITLE, "First part", "Second part", "Third part"]
    second = page.locator(".ab-part").nth(2)
    assert second.locator("p").first.inner_text().startswith("The second part has a sentence.")
    gap = second.evaluate(
        "p => p.querySelector('p').getBoundingClientRect().top - p.querySelector('h3').getBoundingClientRect().bottom"
    )
    assert gap >= 6  # visibly apart
    opening = page.locator(".ab-part").nth(0).locator("p").all_inner_texts()  # byline, summary, text
    assert len(opening) == 3 and opening[1:] == ["What this is about.", "An opening sentence. Another one follows it."]


@pytest.mark.parametrize("width", WIDTHS)
def test_downloads_and_speed_carry_across_articles(visitor, site, width):
    _, entries = site
    page = visitor.open(url(site, "long.md"), width)
    download = page.locator("a.ab-download")
    assert download.get_attribute("href") == entries["long.md"]["outputs"]["mp3"]
    size_kb = round(entries["long.md"]["sizes"]["mp3"] / 1000)
    assert download.inner_text() == f"Download the audio (MP3, {size_kb} kB)"
    assert page.get_attribute("a.ab-transcript-file", "href") == entries["long.md"]["outputs"]["transcript"]
    page.select_option(".ab-speed", "1.5")
    other = visitor.open(url(site, "hostile.md"), width)
    assert other.input_value(".ab-speed") == "1.5"
    assert other.evaluate("document.querySelector('audio').playbackRate") == 1.5
    assert visitor.problems == []


HOST_PAGE = """<!doctype html><html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>Host</title>
<style>body {{ margin: 0; font: 16px serif; }} main {{ padding: 0 12px; }}</style></head>
<body><main><h1>A news story</h1><p>Listen to this article:</p>
{snippet}
<p id="after">The article goes on below the player.</p></main></body></html>
"""


@pytest.mark.parametrize("width", [320, 375, 1280])
@pytest.mark.parametrize("sizing", ["snippet", "frame-alone"])
def test_the_embed_shows_whole_inside_a_host_page(visitor, site, width, sizing):
    """With the snippet's sizing script, and without it (a host that strips scripts keeps the
    frame's fixed height: the layout must fit in it)."""
    out, _ = site
    page = visitor.open(url(site, "long.md"))
    snippet = page.input_value(".embed textarea")
    assert snippet.count("<script>") == 1 and snippet.count("<iframe ") == 1
    if sizing == "frame-alone":
        snippet = re.sub(r"<script>.*</script>", "", snippet)
    host = out / f"host-{width}-{sizing}.html"
    host.write_text(HOST_PAGE.format(snippet=snippet), encoding="utf-8")
    page = visitor.open(host.as_uri(), width)
    frame_element = page.locator("iframe")
    frame = frame_element.element_handle().content_frame()
    frame.wait_for_selector(".ab-play")
    for _ in range(50):  # the frame is another origin (file://): its height is read inside it
        needed = frame.evaluate("document.documentElement.scrollHeight")
        if frame_element.bounding_box()["height"] >= needed:
            break
        page.wait_for_timeout(100)
    frame_box = frame_element.bounding_box()
    for control in (".ab-play", ".ab-title", ".ab-range", ".ab-time", ".ab-back", ".ab-forward", ".ab-speed"):
        box = frame.locator(control).bounding_box()  # in the host page's coordinates
        top, bottom = frame_box["y"] - 0.5, frame_box["y"] + frame_box["height"] + 0.5
        left, right = frame_box["x"] - 0.5, frame_box["x"] + frame_box["width"] + 0.5
        assert top <= box["y"] and box["y"] + box["height"] <= bottom, control
        assert left <= box["x"] and box["x"] + box["width"] <= right, control
    after = page.locator("#after").bounding_box()
    assert after["y"] >= frame_box["y"] + frame_box["height"]  # the host's text follows, not under it
    assert visitor.problems == []


AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("which", ["article", "index", "embed"])
def test_pages_have_no_axe_violations(visitor, site, which, width):
    from axe_playwright_python.sync_playwright import Axe

    out, entries = site
    target = {
        "article": url(site, "long.md"),
        "index": (out / "index.html").as_uri(),
        "embed": url(site, "long.md", "embed"),
    }[which]
    page = visitor.open(target, width)
    if which == "article":  # with what appears once listened: the resume offer, the link box
        page.click(".ab-copy")
        page.evaluate("document.querySelector('.ab-resume').hidden = false")
    results = page.evaluate(
        Axe().axe_script + f";axe.run(document, {{runOnly: {{type: 'tag', values: {AXE_TAGS!r}}}, preload: false}})"
    )
    found = [(v["id"], [n["target"] for n in v["nodes"]]) for v in results["violations"]]
    assert found == []
    assert visitor.problems == []  # preload off: axe's own reading of the style sheets is refused on file://


def test_odd_values_in_storage_leave_the_player_working(visitor, site):
    """What another version, another script on the same origin or a hand edit may have left."""
    page = visitor.open(url(site, "long.md"))
    page.evaluate(
        """for (const [key, value] of [
            ['audiobook:speed', JSON.stringify('1.5"] , x')], ['audiobook:autoplay', '{not json'],
            ['audiobook:position:' + new URL(document.querySelector('.ab-player').dataset.audio, location.href).href,
             JSON.stringify({t: '<b>x</b>', done: 'no'})]]) localStorage.setItem(key, value);"""
    )
    page.reload()
    page.wait_for_function("document.querySelector('audio').readyState >= 1")
    assert page.input_value(".ab-speed") == "1" and page.locator(".ab-resume").is_hidden()
    page.click(".ab-play")
    page.wait_for_function("document.querySelector('audio').currentTime > 0.3")
    assert visitor.problems == []


def test_a_page_converted_alone_has_no_playlist_and_no_errors(visitor, tmp_path):
    from player_site import article

    from audiobook.convert import convert_article

    source = tmp_path / "alone.md"
    source.write_text(article("Alone", "2026-03-01"), encoding="utf-8")
    result = convert_article(source, tmp_path / "out")
    assert (tmp_path / "out" / "playlist.js").read_text() == "window.audiobookPlaylist = null;\n"
    page = visitor.open(result.page.as_uri(), 375)
    assert page.locator(".ab-playlist").is_hidden() and page.inner_text("a.ab-download") == "Download the audio"
    page.click(".ab-play")
    page.wait_for_function("document.querySelector('audio').currentTime > 0.3")
    assert visitor.problems == []


def test_keyboard_reaches_every_control_in_reading_order(visitor, site):
    page = visitor.open(url(site, "long.md"), 375)
    order = []
    for _ in range(16):
        page.keyboard.press("Tab")
        order.append(page.evaluate("(e => e.classList[0] || e.tagName.toLowerCase())(document.activeElement)"))
    expected = ["ab-play", "ab-range", "ab-back", "ab-forward", "ab-speed", "ab-copy", "ab-autoplay-next"]
    expected += ["ab-download", "ab-transcript-file", "ab-chapter"]
    assert order[0] == "a"  # the site's header link
    assert order[1 : 1 + len(expected)] == expected
    third = page.locator(".ab-chapter").nth(2)
    third.focus()
    page.keyboard.press("Enter")
    start = float(third.get_attribute("data-start"))
    wait_time_near(page, start, 0.01)
    assert page.evaluate("document.activeElement.classList.contains('ab-chapter')")
    # The link it leaves in the address bar opens at the chapter itself, not a moment before it.
    shared = visitor.open(page.url, 375)
    wait_time_near(shared, start, 0.01)
    shared.wait_for_function("document.querySelectorAll('.ab-part')[2].querySelector('.ab-cue.ab-current')")
    assert visitor.problems == []
