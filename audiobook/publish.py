"""Stage 6 (per article): the transcript (WebVTT) and Podcasting 2.0 JSON chapters.

Both read the same Timeline as the ID3 chapters, so all three always agree.
"""

from __future__ import annotations

import json

from .timeline import Timeline


def vtt_time(ms: int) -> str:
    hours, rest = divmod(ms, 3_600_000)
    minutes, rest = divmod(rest, 60_000)
    seconds, millis = divmod(rest, 1000)
    return f"{hours:02d}:{minutes:02d}:{seconds:02d}.{millis:03d}"


def webvtt(timeline: Timeline) -> str:
    """One cue per spoken sentence, with its real start and end."""
    lines = ["WEBVTT", ""]
    for number, cue in enumerate(timeline.cues, start=1):
        # "-->" inside a cue would end it early; a blank line would split it.
        text = " ".join(cue.caption.replace("-->", "→").split())
        lines += [str(number), f"{vtt_time(cue.start_ms)} --> {vtt_time(cue.end_ms)}", text, ""]
    return "\n".join(lines)


def chapters_json(timeline: Timeline) -> str:
    """Podcasting 2.0 JSON chapters (version 1.2.0), ascending start times in seconds."""
    chapters = [
        {"startTime": round(c.start_ms / 1000, 3), "endTime": round(c.end_ms / 1000, 3), "title": c.title}
        for c in timeline.chapters
    ]
    return json.dumps({"version": "1.2.0", "chapters": chapters}, ensure_ascii=False, indent=2) + "\n"
