"""Stage 2: Article → Script, the narration exactly as it will be spoken, chapter by chapter.

Chapters: an opening chapter (title, byline, date, summary, text before the first heading), one
chapter per section (its title is the heading exactly as written; the heading is also spoken),
and the quiz as its own chapter. References are not read; they stay on the Article for show notes.

Everything spoken becomes sentence-sized utterances (at most MAX_UTTERANCE_CHARS of written text),
titles and headings included, and the narration as a whole is held to the article word limit.
"""

from __future__ import annotations

import re
import string
from collections.abc import Iterable
from pathlib import Path

from .errors import InputError
from .lexicon import Lexicon
from .model import Article, Block, Quiz, QuizQuestion, Script, ScriptChapter, Utterance, short_title
from .normalize import MAX_UTTERANCE_CHARS, MONTHS, clean_caption, split_sentences, spoken_form, year_words
from .parse import MAX_WORDS
from .settings import Settings

LETTERS = string.ascii_uppercase


def build_script(article: Article, settings: Settings | None = None) -> Script:
    """The narration of ``article``; an InputError if it would exceed MAX_WORDS spoken words."""
    settings = settings or Settings()
    writer = _Writer(article.source, article.language, settings, settings.lexicon.merged(article.lexicon))

    writer.line(article.spoken_title, settings.pauses.title_ms)
    byline = _byline(article)
    if byline:
        writer.line(byline, settings.pauses.paragraph_ms)
    if article.summary:
        writer.paragraph(article.summary)
    writer.blocks(article.intro)
    chapters = [writer.chapter(article.title)]

    for section in article.sections:
        writer.line(section.heading, settings.pauses.heading_ms)
        writer.blocks(section.blocks)
        chapters.append(writer.chapter(short_title(section.heading)))

    if article.quiz and article.quiz.questions:
        _quiz(writer, article.quiz)
        chapters.append(writer.chapter(short_title(article.quiz.heading)))

    chapters = [c for c in chapters if c.utterances]
    return Script(article.title, article.language, tuple(chapters))


def _byline(article: Article) -> str:
    parts = []
    if article.author:
        parts.append(f"By {article.author}.")
    if article.date:
        if article.language.startswith("en"):
            d = article.date
            parts.append(f"Published {MONTHS[d.month - 1]} {d.day}, {year_words(d.year)}.")
        else:
            parts.append(f"{article.date.isoformat()}.")
    return " ".join(parts)


_ANSWER_WITHIN = 8  # sentences: a question's answer follows it closely


class _Writer:
    """Accumulates utterances for the chapter being written; pauses attach to the last one."""

    def __init__(self, source: Path, language: str, settings: Settings, lexicon: Lexicon) -> None:
        self.source = source
        self.language = language
        self.pauses = settings.pauses
        self.narration = settings.narration
        self.lexicon = lexicon
        self.pending: list[Utterance] = []
        self.words = 0
        self.sentences = 0
        self.question_at = -99  # the sentence number of the last interview "Q:"

    def _say(self, caption: str, pause_ms: int) -> bool:
        """Append the utterance(s) for one sentence; False if there is nothing to say."""
        # "A:" is an interview's answer only a few sentences after a "Q:" (never a list's "A: …")
        self.sentences += 1
        if caption.startswith("Q:"):
            self.question_at = self.sentences
        answering = caption.startswith("A:") and self.sentences - self.question_at <= _ANSWER_WITHIN
        spoken = spoken_form(caption, self.language, self.lexicon, answering)
        if not _speakable(spoken):
            return False
        self.words += len(spoken.split())
        if self.words > MAX_WORDS:  # counted as it grows: a runaway narration is never built
            raise InputError(
                self.source,
                f"is too long once read aloud (over {MAX_WORDS:,} words of narration with the lexicon applied)",
            )
        # Respellings may lengthen a sentence; one much longer than written is spoken in pieces.
        pieces = [spoken] if len(spoken) <= 2 * MAX_UTTERANCE_CHARS else split_sentences(spoken)
        for piece in pieces[:-1]:
            self.pending.append(Utterance(piece, caption, self.pauses.sentence_ms))
        self.pending.append(Utterance(pieces[-1], caption, pause_ms))
        return True

    def chapter(self, title: str) -> ScriptChapter:
        self._pause_last(self.pauses.chapter_ms)
        chapter = ScriptChapter(title, tuple(self.pending))
        self.pending = []
        return chapter

    def line(self, text: str, pause_ms: int) -> None:
        """One utterance (a title, a heading, a quiz line), however it is punctuated — unless it is
        longer than a sentence may be: then it is split like a paragraph, and ``pause_ms`` follows
        the last piece."""
        caption = clean_caption(text)
        pieces = [caption] if len(caption) <= MAX_UTTERANCE_CHARS else split_sentences(caption)
        said = [self._say(piece, self.pauses.sentence_ms) for piece in pieces]
        if any(said):
            last = self.pending[-1]
            self.pending[-1] = Utterance(last.text, last.caption, pause_ms)

    def paragraph(self, text: str, pause_ms: int | None = None) -> None:
        for sentence in split_sentences(clean_caption(text)):
            self._say(sentence, self.pauses.sentence_ms)
        self._pause_last(self.pauses.paragraph_ms if pause_ms is None else pause_ms)

    def blocks(self, blocks: Iterable[Block]) -> None:
        for block in blocks:
            if block.kind == "list":
                ordinal = self.narration.lists == "ordinal" and len(block.items) <= len(ORDINALS)
                for number, item in enumerate(block.items):
                    said = f"{ORDINALS[number]}, {_lower_first(item)}" if ordinal else item
                    self.paragraph(_as_sentence(said), self.pauses.list_item_ms)
                self._pause_last(self.pauses.paragraph_ms)
            elif block.kind == "table":
                for row in table_sentences(block.items):
                    self.paragraph(row, self.pauses.list_item_ms)
                self._pause_last(self.pauses.paragraph_ms)
            elif block.kind == "heading":
                self.line(block.text, self.pauses.heading_ms)
            elif block.kind == "code":
                if self.narration.code == "note":
                    self.line("A code example is skipped here.", self.pauses.paragraph_ms)
            elif block.kind == "image":
                if self.narration.images == "alt":
                    self.paragraph(f"Image: {_as_sentence(block.text)}")
            elif block.kind == "quote":
                self._pause_last(self.pauses.paragraph_ms)
                if self.narration.quotes == "spoken":
                    self.paragraph(f"Quote: {block.text} End quote.")
                else:
                    self.paragraph(block.text)
            else:
                self.paragraph(block.text)

    def _pause_last(self, pause_ms: int) -> None:
        if self.pending:
            last = self.pending[-1]
            self.pending[-1] = Utterance(last.text, last.caption, max(last.pause_after_ms, pause_ms))


ORDINALS = ("First", "Second", "Third", "Fourth", "Fifth", "Sixth", "Seventh", "Eighth", "Ninth", "Tenth")


def table_sentences(rows: tuple[str, ...]) -> list[str]:
    """Read a table row by row as "header: value; header: value." — a listener cannot hold a grid
    in mind, but can follow one record at a time when every value is named by its column."""
    cells = [[cell.strip() for cell in row.split(" | ")] for row in rows]
    if len(cells) < 2:
        return [", ".join(c for c in row if c) + "." for row in cells if any(row)]
    header, body = cells[0], cells[1:]
    sentences = []
    for row in body:
        pairs = [f"{h}: {v}" if h else v for h, v in zip(header, row, strict=False) if v]
        if pairs:
            sentences.append("; ".join(pairs) + ".")
    return sentences


def _as_sentence(text: str) -> str:
    """List items rarely carry a full stop; give them one so the voice falls at the end (an item
    that ends in a comma, "and" or "or" continues into the next one: it keeps its own ending)."""
    if re.search(r"(?:^|\W)(?:and|or)$", text.rstrip()):  # "…back to back; and": the pause, no stray period
        return text.rstrip()
    return text if text.rstrip()[-1:] in ".!?:;,…\"'”’)" else text.rstrip() + "."


def _lower_first(text: str) -> str:
    """ "Hold a meeting" → "hold a meeting" after "First,"; acronyms ("EU rules") stay as they are."""
    return text[:1].lower() + text[1:] if text[1:2].islower() else text


def _speakable(text: str) -> bool:
    return any(ch.isalnum() for ch in text)


def _quiz(writer: _Writer, quiz: Quiz) -> None:
    """Each question, its options, a pause to think, then the answer the page gives (never one it
    does not), then the explanation."""
    pauses = writer.pauses
    writer.line(quiz.heading, pauses.heading_ms)
    for number, question in enumerate(quiz.questions, start=1):
        asks_true_false = question.true_false and _TRUE_OR_FALSE.search(question.prompt)
        writer.line(
            f"Question {number}. {question.prompt}", pauses.quiz_think_ms if asks_true_false else pauses.sentence_ms
        )
        labels = option_labels(len(question.options))
        if question.true_false:
            if not asks_true_false:
                writer.line("True or false?", pauses.quiz_think_ms)
        elif question.options:
            writer.line(_options_sentence(question.options, labels), pauses.quiz_think_ms)
        else:
            writer._pause_last(pauses.quiz_think_ms)
        answer = question.answer if question.answer is not None else guess_answer(question)
        if answer is not None and question.true_false:
            writer.line(f"The answer is {question.options[answer].lower()}.", pauses.sentence_ms)
        elif answer is not None:
            writer.line(f"The answer is {labels[answer]}: {question.options[answer]}.", pauses.sentence_ms)
        elif question.answer_text:
            writer.paragraph(f"The answer is: {_as_sentence(question.answer_text)}", pauses.sentence_ms)
        if question.explanation:
            writer.paragraph(question.explanation)


_TRUE_OR_FALSE = re.compile(r"\btrue\s*(?:or|/)\s*false\b|\bT\s*/\s*F\b", re.IGNORECASE)


def option_labels(count: int) -> list[str]:
    """A, B, C … for up to 26 options; a question with more is numbered 1, 2, 3 … throughout, so
    every option is read and no two share a label (a page of 30 choices is odd, not an error)."""
    return list(LETTERS[:count]) if count <= len(LETTERS) else [str(n) for n in range(1, count + 1)]


def _options_sentence(options: tuple[str, ...], labels: list[str]) -> str:
    said = [f"{label}, {option.rstrip('.')}" for label, option in zip(labels, options, strict=True)]
    if len(said) == 1:
        return f"Is it: {said[0]}?"
    return f"Is it: {'; '.join(said[:-1])}; or {said[-1]}?"


_WORD = re.compile(r"[\w’']+")
_STOP = set(
    [
        "the",
        "a",
        "an",
        "of",
        "to",
        "in",
        "on",
        "and",
        "or",
        "is",
        "are",
        "was",
        "were",
        "it",
        "its",
        "by",
        "for",
        "with",
        "that",
        "this",
        "as",
        "at",
        "be",
        "from",
        "about",
        "their",
        "they",
        "them",
        "which",
        "who",
        "what",
        "how",
    ]
)


def guess_answer(question: QuizQuestion) -> int | None:
    """The option the explanation supports, or None when the evidence is not clear.

    Score = shared content-word stems (first 5 letters) + exact numbers; the winner must beat
    the runner-up by a clear margin, else the script reads the explanation without a letter.
    """
    if len(question.options) < 2 or not question.explanation or question.true_false:
        return None  # "true" or "false" in an explanation is no evidence either way
    if _NEGATIVE_QUESTION.search(question.prompt):
        return None  # "Which is NOT …?": the explanation talks about the options that are wrong
    explanation = _stems(question.explanation)
    scores = []
    for option in question.options:
        stems = _stems(option)
        scores.append(len(stems & explanation) / max(len(stems), 1) ** 0.5 if stems else 0.0)
    ranked = sorted(range(len(scores)), key=scores.__getitem__, reverse=True)
    best, runner_up = scores[ranked[0]], scores[ranked[1]]
    return ranked[0] if best > 0 and best >= 1.5 * runner_up + 0.01 else None


_NEGATIVE_QUESTION = re.compile(r"\b(?:not|except|false|incorrect|untrue|least)\b|n't\b", re.IGNORECASE)


def _stems(text: str) -> set[str]:
    words = (w.lower().strip("'’") for w in _WORD.findall(text.replace("-", " ")))
    return {w if w[0].isdigit() else w[:5] for w in words if w and w not in _STOP}
