"""A quiz read from a section's lines, whatever notation the page used.

The three parsers hand over the section's lines as printed: one line per printed line, list items
as "• text" (or "1. text" when the list is numbered), inline markup already removed. Recognised:

- questions: "1." "1)" "(1)" "Q1" "Q1." "Q: " "Question 1:" "Question 1 of 5", or an unnumbered
  line ending in "?" once the question before it has its options;
- options: "a)" "(b)" "C." "D:" (with or without a bullet before them; the letters must run a, b,
  c … so "A. Smith said" is not an option), bullets, or several on one line ("a) x b) y");
- answers: "Answer: b)" "Correct answer: B" "(Answer: c)" "Answer: True" "Answer: Paris", an
  option marked "(correct)" / "✓" / "[x]", or an answer key ("Answers: 1-b, 2-a", or an "Answer
  key" line followed by "1. b" lines);
- true-or-false questions: no options, and "True or false" in the prompt or a True/False answer.

Nothing is invented: a question whose answer the page does not give keeps ``answer=None``.
"""

from __future__ import annotations

import re
import string
from dataclasses import dataclass, field, replace

from ..model import TRUE_FALSE, Quiz, QuizQuestion

_BULLET = r"[•●○◦▪■□☐*+\-–]"
_QUESTION = re.compile(
    r"^(?:Q(?:uestion)?\s*(?P<q>\d{1,3})(?:\s*(?:of|/)\s*\d{1,3})?(?:\s*[.:)\-–]\s*|\s+|$)"
    r"|(?P<n>\d{1,3})[.)](?:\s+|$)|\((?P<p>\d{1,3})\)\s+|Q\s*[:.]\s+)(?P<text>.*)$",
    re.IGNORECASE,
)
_BULLET_LINE = re.compile(rf"^{_BULLET}\s+(.*)$")
_CHECKBOX = re.compile(r"^\[\s?([xX✓✔ ]?)\s?\]\s+(.*)$")
# "a) text" "(b) text" "C. text" "D: text"; the letter is checked against the expected one.
_LETTER = re.compile(rf"^(?:{_BULLET}\s*)?(?:\((?P<a>[A-Za-z])\)|(?P<b>[A-Za-z])\s?[.):])\s+(?P<text>\S.*)$")
# Option markers inside one line: "… ? a) one b) two" / "(a) one (b) two".
_INLINE_LETTER = re.compile(r"(?:(?<=\s)|^)(?:\(([A-Za-z])\)|([A-Za-z])[.)])\s+")
_CORRECT = re.compile(
    r"(?<!\s)\s*+(?:\((?:correct|right)(?:\s+answer)?\)|\[(?:correct|right)\]|[✓✔✅☑]|←\s*+correct)\s*+", re.IGNORECASE
)
_ANSWER = re.compile(
    r"^[(\[]?\s*(?:the\s+)?(?:correct\s+|right\s+)?(?:answer|ans)\b(?:\s+is\b)?\s*+[:.\-–—=]?\s*+(?P<value>.+)$",
    re.IGNORECASE,
)
_KEY_LABEL = re.compile(r"^(?:quiz\s+)?(?:answers|answer\s+key|key)\b\s*[:.\-–—]?\s*(?P<rest>.*)$", re.IGNORECASE)
_KEY_PAIR = re.compile(r"(?<!\d)(\d{1,3})\s*+[-–:.)=]?\s*+\(?\b(true|false|[A-Za-z])\b\)?", re.IGNORECASE)
_KEY_LINE = re.compile(r"^(?:\d{1,3}+\s*+[-–:.)=]?\s*+\(?\b(?:true|false|[A-Za-z])\b\)?[\s,;.]*+)++$", re.IGNORECASE)
_TRUE_FALSE = re.compile(r"\btrue\s*(?:or|/)\s*false\b|^\s*T\s*/\s*F\b|\(T\s*/\s*F\)", re.IGNORECASE)
_TRUE_FALSE_VALUE = re.compile(r"^(true|false)\b[.!:,;\s—–-]*(?P<rest>.*)$", re.IGNORECASE)
_LETTER_VALUE = re.compile(r"^\(?(?P<letter>[A-Za-z])(?:\)|[.:,;]|(?=\s[-–—])|$)\s*[-–—]?\s*(?P<rest>.*)$")
_ENDS = re.compile(r"[.?!:]$")
_NUMBER_VALUE = re.compile(r"^\(?(\d{1,2})\)?[.):]?(?:\s+(.*))?$")
LETTERS = string.ascii_lowercase


@dataclass
class _Draft:
    """A question while its lines are read."""

    number: int | None
    prompt: str
    options: list[str] = field(default_factory=list)
    lettered: bool = False  # options were marked a), b) … (not only bulleted)
    numbered: bool = False  # options were numbered 1., 2. … (a numbered list under the question)
    marked: list[int] = field(default_factory=list)  # options marked correct on the page
    answer: str | None = None  # the answer line's value, as written
    explanation: list[str] = field(default_factory=list)

    @property
    def bare(self) -> bool:
        return not (self.options or self.answer is not None or self.explanation or self.marked)

    def expects_letter(self, letter: str) -> bool:
        return letter.lower() == LETTERS[len(self.options)] if len(self.options) < len(LETTERS) else False


@dataclass(frozen=True)
class QuizReading:
    """What was read: the quiz, and how sure we are that the lines were one (for sections that
    are not titled as a quiz, only a clear shape counts)."""

    quiz: Quiz | None
    clear: bool


def read_quiz(heading: str, lines: list[str]) -> QuizReading:
    drafts: list[_Draft] = []
    key: dict[int, str] = {}
    in_key = False
    stray = 0  # lines before the first question
    for raw in lines:
        line = raw.strip()
        if not line:
            continue
        label = _KEY_LABEL.match(line)
        if label and (not label.group("rest") or _KEY_LINE.match(label.group("rest"))):
            key.update(_key_pairs(label.group("rest")))
            in_key = True
            continue
        if (in_key or len(_KEY_PAIR.findall(line)) >= 2) and _KEY_LINE.match(line) and drafts:
            key.update(_key_pairs(line))
            continue
        in_key = False
        current = drafts[-1] if drafts else None
        if current is not None and _take_answer(current, line):
            continue
        question = _QUESTION.match(line)
        if question:
            number = question.group("q") or question.group("n") or question.group("p")
            text = question.group("text")
            if (
                current is not None
                and number
                and not question.group("q")
                and _numbered_option(current, int(number), text)
            ):
                _add_option(current, text, lettered=False)  # a numbered list is no sign of a quiz
                current.numbered = True
                continue
            drafts.append(_new_question(int(number) if number else None, question.group("text")))
            continue
        if current is None:
            if line.rstrip().endswith("?") and not _BULLET_LINE.match(line):
                drafts.append(_new_question(None, line))
            else:
                stray += 1
            continue
        if not current.prompt:  # "Question 1" on its own line: the prompt follows
            current.prompt = line
            _split_inline_options(current)
            continue
        if _take_option(current, line):
            continue
        if line.endswith("?") and (current.options or current.answer is not None) and not _BULLET_LINE.match(line):
            drafts.append(_new_question(None, line))
        elif not (current.options or current.answer or current.explanation or _ENDS.search(current.prompt)):
            current.prompt = f"{current.prompt} {line}"  # a prompt printed over two lines
        else:
            current.explanation.append(line)
    # "Ready to test yourself?" above numbered questions introduces them: it is not one.
    while len(drafts) > 1 and drafts[0].number is None and drafts[1].number is not None and drafts[0].bare:
        drafts.pop(0)
        stray += 1
    questions = [_finish(draft, key.get(draft.number or index + 1)) for index, draft in enumerate(drafts)]
    questions = [q for q in questions if q.prompt]
    if not questions:
        return QuizReading(None, False)
    # Outside a section titled as a quiz, only a clear shape is one: every question has lettered
    # options or an answer, and either some answer is given or there are several such questions
    # (a numbered how-to list has neither; one "Which suits you? a) … b) …" is a choice, not a quiz).
    answered = [
        d.answer is not None or (bool(d.marked) and d.lettered) or (d.number or i + 1) in key
        for i, d in enumerate(drafts)
    ]
    shaped = all(ok or (len(d.options) >= 2 and d.lettered) for d, ok in zip(drafts, answered, strict=True))
    clear = stray <= 2 and shaped and (any(answered) or len(drafts) >= 2)
    return QuizReading(Quiz(heading, tuple(questions)), clear)


def _numbered_option(current: _Draft, number: int, text: str) -> bool:
    """Whether "1. …" under a question is its first option (and "2. …" its next) rather than a new
    question: question numbers go up, so a list starting again at 1 lists options."""
    if not current.prompt or current.explanation or current.answer is not None:
        return False
    if current.numbered:
        return number == len(current.options) + 1
    return not current.options and number == 1 and not text.rstrip().endswith("?")


def _new_question(number: int | None, text: str) -> _Draft:
    draft = _Draft(number, text.strip())
    _split_inline_options(draft)
    return draft


def _split_inline_options(draft: _Draft) -> None:
    """ "Which is a mammal? a) shark b) whale" → the prompt and two lettered options."""
    prompt, options = _inline_options(draft.prompt)
    if len(options) >= 2:
        draft.prompt = prompt
        for option in options:
            _add_option(draft, option, lettered=True)


def _inline_options(text: str) -> tuple[str, list[str]]:
    """The options written on one line, a), b) … in order from a; ([] when fewer than two)."""
    markers = [m for m in _INLINE_LETTER.finditer(text)]
    run: list[re.Match[str]] = []
    for marker in markers:
        letter = (marker.group(1) or marker.group(2)).lower()
        if letter == LETTERS[len(run)] if len(run) < len(LETTERS) else False:
            run.append(marker)
        elif letter == "a":
            run = [marker]
    if len(run) < 2:
        return text, []
    ends = [m.start() for m in run[1:]] + [len(text)]
    options = [text[m.end() : end].strip().rstrip(",;") for m, end in zip(run, ends, strict=True)]
    return text[: run[0].start()].strip(), options


def _take_option(draft: _Draft, line: str) -> bool:
    if draft.explanation:
        return False
    lettered = _LETTER.match(line)
    letter = lettered and (lettered.group("a") or lettered.group("b"))
    if lettered and letter and draft.expects_letter(letter):
        _, several = _inline_options(line.lstrip("•●○◦▪■□☐*+-– "))
        for option in several or [lettered.group("text")]:
            _add_option(draft, option, lettered=True)
        return True
    bullet = _BULLET_LINE.match(line)
    if bullet and not draft.lettered:
        _add_option(draft, bullet.group(1), lettered=False)
        return True
    return False


def _add_option(draft: _Draft, text: str, lettered: bool) -> None:
    checkbox = _CHECKBOX.match(text)
    if checkbox:
        text = checkbox.group(2)
        if checkbox.group(1).strip():
            draft.marked.append(len(draft.options))
    if _CORRECT.search(text):
        draft.marked.append(len(draft.options))
        text = _CORRECT.sub(" ", text)
    draft.options.append(text.strip())
    draft.lettered = draft.lettered or lettered


def _take_answer(draft: _Draft, line: str) -> bool:
    match = _ANSWER.match(line)
    if not match or draft.answer is not None:
        return False
    value = match.group("value").strip()
    if line.startswith(("(", "[")):  # "(Answer: c)": the closing bracket is not the answer's
        value = value[:-1].rstrip() if value.endswith((")", "]")) else value
    draft.answer = value
    return True


def _key_pairs(text: str) -> dict[int, str]:
    return {int(number): value for number, value in _KEY_PAIR.findall(text)}


def _finish(draft: _Draft, keyed: str | None) -> QuizQuestion:
    options = tuple(draft.options)
    explanation = list(draft.explanation)
    answer: int | None = None
    answer_text = ""
    if len(options) == 1 and draft.lettered and draft.answer is None:
        # "Q: …? A: …": a question and its answer, not a choice of one
        return QuizQuestion(draft.prompt, (), " ".join(explanation), None, options[0])
    if options and all(_same(o, t) for o, t in zip(options, TRUE_FALSE, strict=False)) and len(options) == 2:
        options = TRUE_FALSE
    value = draft.answer if draft.answer is not None else keyed
    if value is not None:
        answer, answer_text, rest = _resolve(value, options)
        if answer is not None and not options:
            options = TRUE_FALSE
        if rest:
            explanation.insert(0, rest)
    elif len(set(draft.marked)) == 1:
        answer = draft.marked[0]
    if not options and _TRUE_FALSE.search(draft.prompt):
        options = TRUE_FALSE
    return QuizQuestion(draft.prompt, options, " ".join(explanation), answer, answer_text)


def _resolve(value: str, options: tuple[str, ...]) -> tuple[int | None, str, str]:
    """(option index, free-text answer, what follows as explanation) for an answer as written."""
    true_false = _TRUE_FALSE_VALUE.match(value)
    if true_false and (not options or options == TRUE_FALSE):
        return TRUE_FALSE.index(true_false.group(1).capitalize()), "", true_false.group("rest")
    letter = _LETTER_VALUE.match(value)
    if letter and options:
        index = LETTERS.find(letter.group("letter").lower())
        if 0 <= index < len(options):
            rest = letter.group("rest")
            if _same(rest[: len(options[index])], options[index]):
                rest = rest[len(options[index]) :].lstrip(" .,;:—–-")
            return index, "", rest
    for index, option in enumerate(options):
        head, tail = value[: len(option)], value[len(option) :]
        if _same(head, option) and not tail[:1].isalnum():
            return index, "", tail.lstrip(" .,;:—–-")
    number = _NUMBER_VALUE.match(value)
    if number and 1 <= int(number.group(1)) <= len(options):  # options listed 1., 2. …
        index = int(number.group(1)) - 1
        rest = number.group(2)
        if not rest or _same(rest, options[index]):
            return index, "", ""
    if options:  # an answer naming none of the options is read as it is written
        return None, "", f"Answer: {value}"
    return None, value, ""


def _same(a: str, b: str) -> bool:
    def key(text: str) -> str:
        return re.sub(r"[\W_]+", " ", text.casefold()).strip()

    return bool(key(a)) and key(a) == key(b)


def with_key(quiz: Quiz, lines: list[str]) -> Quiz:
    """The quiz with answers from a separate answer-key section ("1-b, 2-a" or "1. b" lines)."""
    key: dict[int, str] = {}
    for line in lines:
        label = _KEY_LABEL.match(line.strip())
        text = label.group("rest") if label else line
        key.update(_key_pairs(text))
    questions = []
    for number, question in enumerate(quiz.questions, start=1):
        if question.answer is None and not question.answer_text and number in key:
            answer, answer_text, _ = _resolve(key[number], question.options)
            options = question.options or (TRUE_FALSE if answer is not None else ())
            question = replace(question, options=options, answer=answer, answer_text=answer_text)
        questions.append(question)
    return replace(quiz, questions=tuple(questions))


def is_answer_key(lines: list[str]) -> bool:
    """Lines that only pair question numbers with answers."""
    found = False
    for line in (line.strip() for line in lines):
        if not line:
            continue
        label = _KEY_LABEL.match(line)
        text = label.group("rest") if label else line
        if text and not _KEY_LINE.match(text):
            return False
        found = found or bool(text)
    return found
