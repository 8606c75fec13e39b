"""Page furniture that a copied or saved page carries between the paragraphs: reading-time and
"updated" widgets, share bars, "Listen to this article" buttons, advertisement labels.

A line (a paragraph, a list item, a heading) is dropped only when it is furniture from end to end;
the same phrases inside a sentence are left to the caption cleaning (normalize.clean_caption,
which removes "· 5 min read" and "Updated 2 hours ago" wherever they stand). To drop another
widget, add its pattern to PAGE_JUNK; each pattern must match a whole line.
"""

from __future__ import annotations

import re

_NUMBER = r"(?:\d{1,3}|an?|one|two|three|four|five|six|seven|eight|nine|ten)"
_AGO = rf"{_NUMBER}\s+(?:second|sec|minute|min|hour|hr|day|week|month|year)s?\s+ago"
_MONTH = r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?"
_DATE = (
    rf"(?:{_MONTH}\s+\d{{1,2}}(?:st|nd|rd|th)?,?(?:\s+\d{{4}})?|\d{{1,2}}\s+{_MONTH},?(?:\s+\d{{4}})?"
    rf"|\d{{4}}-\d{{2}}-\d{{2}}|{_AGO}|today|yesterday)"
)
_TIME = r"(?:,?\s*(?:at\s+)?\d{1,2}[:.]\d{2}\s*(?:[ap]\.?m\.?)?(?:\s*[A-Z]{2,4})?)?"

PAGE_JUNK = (
    # reading time: "5 min read", "· 5 min read", "Reading time: 5 minutes", "5-minute read"
    rf"(?:reading\s+time\s*:?\s*)?{_NUMBER}[\s-]*(?:min|mins|minute|minutes)(?:\s+read(?:ing)?)?(?:\s+time)?",
    r"reading\s+time\s*:?\s*\d{1,3}\s*(?:min|mins|minutes?)",
    # "Updated 2 hours ago", "Published: March 3, 2025 at 10:15 am", "Last updated today"
    rf"(?:last\s+)?(?:updated|published|posted|edited|modified)\s*:?\s*(?:on\s+)?{_DATE}{_TIME}",
    rf"{_AGO}",
    # audio and share widgets
    r"listen(?:\s+to)?(?:\s+(?:this|the))?(?:\s+(?:article|story|audio|episode))?(?:\s*\(?\d{1,3}:\d{2}\)?|\s*\(?\d{1,3}\s*min(?:ute)?s?\)?)?",
    r"play\s+(?:this\s+|the\s+)?(?:article|story|audio|episode)(?:\s*\(?\d{1,3}:\d{2}\)?)?",
    r"(?:share|save|print|copy\s+link|gift|email|tweet|follow|subscribe|bookmark|comments?|\d{1,4}\s+comments?)",
    r"share\s+(?:this|the)\s+(?:article|story|page|post)",
    r"share\s+(?:on|via|to)\s+(?:facebook|twitter|x|linkedin|whatsapp|reddit|email|bluesky|threads|mastodon)",
    r"(?:facebook|twitter|x|linkedin|whatsapp|reddit|email|bluesky|threads)(?:\s*[|·•,/]\s*(?:facebook|twitter|x|linkedin|whatsapp|reddit|email|bluesky|threads|copy\s+link))+",
    r"(?:advertisement|advertising|sponsored(?:\s+content)?|ad|paid\s+content|skip\s+(?:advert(?:isement)?|ad)|scroll\s+to\s+continue(?:\s+with\s+content)?)",
    r"(?:sign\s+in|log\s+in|sign\s+up)(?:\s+to\s+(?:comment|save|read|continue))?",
    r"(?:gift|unlock)\s+(?:this|the)\s+article",
    r"(?:read\s+more|see\s+more|show\s+more|continue\s+reading|skip\s+to\s+(?:main\s+)?content|back\s+to\s+top)",
    r"(?:add|follow)\s+(?:us\s+)?(?:on\s+google(?:\s+news)?|as\s+a\s+preferred\s+source(?:\s+on\s+google)?)",
)
_JUNK = re.compile(rf"(?:{'|'.join(PAGE_JUNK)})", re.IGNORECASE)
# A byline/meta widget: parts separated by "·", "|" or "•", one of which is furniture
# ("Jane Doe · 5 min read · Mar 3, 2025").
_SEPARATOR = re.compile(r"\s+[·•|]\s+|\s*[·•|]\s*(?=\d)|^\s*[·•|]\s*")
MAX_JUNK_LINE = 200  # characters: furniture is short; a long line is prose


def is_page_junk(line: str) -> bool:
    """Whether ``line`` is page furniture from end to end (whitespace and bullets aside)."""
    text = line.strip().strip("·•|").strip()
    if not text or len(text) > MAX_JUNK_LINE:
        return False
    if _JUNK.fullmatch(text.rstrip(".:")):
        return True
    parts = [part.strip() for part in _SEPARATOR.split(text) if part.strip()]
    if len(parts) < 2 or len(text.split()) > 16:
        return False
    return any(_JUNK.fullmatch(part.rstrip(".:")) for part in parts)


def without_junk(text: str) -> str:
    """A short label (an author line) without the furniture parts sharing its line:
    "Jane Doe · 5 min read" → "Jane Doe"."""
    if len(text) > MAX_JUNK_LINE:
        return text
    parts = [part.strip() for part in _SEPARATOR.split(text.strip()) if part.strip()]
    return " · ".join(part for part in parts if not _JUNK.fullmatch(part.rstrip(".:"))).strip(" ·•|")
