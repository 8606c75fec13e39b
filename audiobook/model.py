"""Value types passed between the pipeline stages (all frozen: stages never mutate their input)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from .lexicon import Lexicon

# A title is a label: tags, chapter lists, pages, feeds and slugs get at most this much of it (a
# 100 KB "title" is a paragraph that lost its line break); the narration still reads all of it.
MAX_TITLE_CHARS = 300


def short_title(text: str, limit: int = MAX_TITLE_CHARS) -> str:
    """``text`` if it fits in ``limit`` characters, else cut at a word boundary with "…"."""
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    space = cut.rfind(" ", limit // 2)
    return (cut[:space] if space > 0 else cut).rstrip(" ,;:.-–—") + "…"


BlockKind = Literal["paragraph", "list", "quote", "code", "heading", "table", "image"]
SourceKind = Literal["markdown", "html", "text"]


@dataclass(frozen=True)
class Block:
    """One block of body text, as written (not yet normalized for speech)."""

    kind: BlockKind
    text: str = ""
    items: tuple[str, ...] = ()  # list items, or table rows as "cell | cell"
    ordered: bool = False


@dataclass(frozen=True)
class Section:
    """A titled part of the article; its heading text is kept exactly as written."""

    heading: str
    blocks: tuple[Block, ...]


@dataclass(frozen=True)
class Reference:
    text: str
    url: str | None = None


TRUE_FALSE = ("True", "False")


@dataclass(frozen=True)
class QuizQuestion:
    """One question as the page gives it: a multiple-choice question has options, a true-or-false
    one has exactly TRUE_FALSE, an open one none (its answer, if given, is ``answer_text``)."""

    prompt: str
    options: tuple[str, ...]
    explanation: str = ""
    answer: int | None = None  # index into options when the page marks the right one
    answer_text: str = ""  # the answer of a question without options, as the page writes it

    @property
    def true_false(self) -> bool:
        return self.options == TRUE_FALSE


@dataclass(frozen=True)
class Quiz:
    heading: str
    questions: tuple[QuizQuestion, ...]


@dataclass(frozen=True)
class Article:
    source: Path
    kind: SourceKind
    title: str
    intro: tuple[Block, ...] = ()  # text before the first heading
    sections: tuple[Section, ...] = ()
    author: str | None = None
    date: dt.date | None = None
    language: str = "en"
    summary: str | None = None
    url: str | None = None
    slug: str | None = None  # from front matter; otherwise derived from the title
    guid: str | None = None  # from front matter: the feed item's id that never changes
    cover: Path | None = None
    references: tuple[Reference, ...] = ()
    quiz: Quiz | None = None
    lexicon: Lexicon = Lexicon()  # the article's own pronunciations (front matter)
    # What editions are chosen by: front matter `tags:`, an HTML page's keywords and article:tag
    # meta, a copied page's "Tags: …" line.
    tags: tuple[str, ...] = ()
    # The title as written when ``title`` had to be cut to MAX_TITLE_CHARS (it is read in full).
    full_title: str = ""

    def __post_init__(self) -> None:
        if len(self.title) > MAX_TITLE_CHARS:
            object.__setattr__(self, "full_title", self.title)
            object.__setattr__(self, "title", short_title(self.title))
        elif self.full_title and short_title(self.full_title) != self.title:
            object.__setattr__(self, "full_title", "")  # replace(article, title=…) set a new title

    @property
    def spoken_title(self) -> str:
        return self.full_title or self.title


@dataclass(frozen=True)
class Utterance:
    """One sentence-sized piece of narration.

    ``text`` is what the engine is given (normalized for speech); ``caption`` is the same sentence
    as a reader would write it, for the transcript.
    """

    text: str
    caption: str
    pause_after_ms: int


@dataclass(frozen=True)
class ScriptChapter:
    title: str
    utterances: tuple[Utterance, ...]


@dataclass(frozen=True)
class Script:
    title: str
    language: str
    chapters: tuple[ScriptChapter, ...]

    @property
    def utterances(self) -> tuple[Utterance, ...]:
        return tuple(u for chapter in self.chapters for u in chapter.utterances)


@dataclass(frozen=True)
class WordTiming:
    """One spoken word of a clip: its text as the engine was given it, and where it is heard
    (``start`` to ``end``, in samples from the clip's first sample)."""

    text: str
    start: int
    end: int


def words_problem(words: tuple[WordTiming, ...], sample_count: int) -> str | None:
    """Why ``words`` cannot be the word timings of a clip of ``sample_count`` samples, or None.

    Each word has text without white space and lies inside the clip; words follow each other
    (a word starts no earlier than the one before it ends)."""
    previous_end = 0
    for word in words:
        if not isinstance(word, WordTiming) or not isinstance(word.text, str):
            return "not a word timing"
        if not word.text or len(word.text) > MAX_WORD_CHARS or any(c.isspace() or c == "\x00" for c in word.text):
            return f"word text {word.text[:20]!r} is empty, too long or holds white space"
        if not (type(word.start) is int and type(word.end) is int):
            return "word times are not whole sample numbers"
        if not previous_end <= word.start < word.end <= sample_count:
            return f"word {word.text[:20]!r} at {word.start}–{word.end} is out of order or outside the clip"
        previous_end = word.end
    return None


# Longer than any utterance the script makes (2 × 300 characters): a longer "word" is not one.
MAX_WORD_CHARS = 1000


@dataclass(frozen=True)
class Clip:
    """Speech for one utterance: 16-bit mono PCM at ``sample_rate``.

    ``words``: where each spoken word is, when the engine says so (empty: the engine reports no
    word boundaries, and the transcript is timed by sentence only). Checked when made: a clip
    never holds words outside itself or out of order (ValueError).
    """

    pcm: bytes
    sample_rate: int
    words: tuple[WordTiming, ...] = ()

    def __post_init__(self) -> None:
        if self.words:
            if not isinstance(self.words, tuple):
                object.__setattr__(self, "words", tuple(self.words))
            problem = words_problem(self.words, self.sample_count)
            if problem:
                raise ValueError(problem)

    @property
    def sample_count(self) -> int:
        return len(self.pcm) // 2

    @property
    def duration_s(self) -> float:
        return self.sample_count / self.sample_rate
