"""Speaking a whole script: one verified clip per utterance, from the clip cache or the engine.

Every clip is checked the same way, whichever engine made it and whether it was spoken now or
read from the cache: non-empty, audible, a plausible duration for its words, the engine's rate.
A bad clip is spoken again once, then the article fails with a message naming the sentence.
Every sentence of the script is in the audio, or nothing is written.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass

from ..cache import ClipCache, content_key
from ..errors import SpeechError
from ..model import Clip, Script, WordTiming
from .base import SpeechEngine

# --- checking every clip -----------------------------------------------------------------------

MIN_AUDIBLE_PEAK = 300  # of 32767: anything quieter is silence, not speech


def clip_problem(clip: Clip, text: str, rate_wpm: int) -> str | None:
    """Why this clip cannot be the speech for ``text``, or None when it plausibly is."""
    if clip.sample_count == 0:
        return "the engine returned no audio"
    import numpy as np  # Python's max() over every sample cost 0.3 s per 5 minutes of speech

    samples = np.frombuffer(clip.pcm, dtype=np.int16)
    if samples.max() < MIN_AUDIBLE_PEAK and -int(samples.min()) < MIN_AUDIBLE_PEAK:
        return "the engine returned silence"
    words = max(1, len(text.split()))
    expected_s = words * 60.0 / max(rate_wpm, 1)
    if clip.duration_s < min(expected_s / 4, 0.4):
        return f"the audio is too short ({clip.duration_s:.2f} s for {words} words)"
    if clip.duration_s > expected_s * 4 + 3:
        return f"the audio is too long ({clip.duration_s:.1f} s for {words} words)"
    return None


@dataclass(frozen=True)
class Speech:
    """The verified speech of a script: one clip per utterance, and how many were spoken now.

    With a cache the clips stay on disk and are read back one at a time (``clip``), so a long
    article's speech is never all in memory; without one they are kept in memory.
    """

    sample_rate: int
    sample_counts: tuple[int, ...]
    synthesized: int
    reused: int
    _keys: tuple[str, ...] = ()
    _cache: ClipCache | None = None
    _clips: tuple[Clip, ...] = ()
    # Per utterance, its words' timings within its clip (empty where the engine reports none).
    words: tuple[tuple[WordTiming, ...], ...] = ()

    def clip(self, index: int) -> Clip:
        if self._cache is None:
            return self._clips[index]
        clip = self._cache.get(self._keys[index])
        if clip is None or clip.sample_count != self.sample_counts[index]:
            raise SpeechError(f"a spoken sentence vanished from the clip cache ({self._cache.root}) mid-article")
        return clip


def synthesize_script(
    script: Script,
    engine: SpeechEngine,
    rate_wpm: int,
    label: str = "",
    cache: ClipCache | None = None,
    on_clip: Callable[[int, int], None] | None = None,
    threads: int | None = 1,
) -> Speech:
    """One verified clip per utterance, in script order (retry once, then SpeechError).

    With a cache, a sentence already spoken with the same engine settings is reused; a damaged
    cache entry fails its checksum and is spoken again. An engine that may speak from several
    threads at once (``concurrent``: Piper) speaks the sentences ahead on ``threads`` threads
    (None: one per core); its output does not depend on the order, so neither do the bytes.
    """
    ahead = _LookAhead(engine, script, cache, threads)
    kept: list[Clip] = []
    keys: list[str] = []
    counts: list[int] = []
    words: list[tuple[WordTiming, ...]] = []
    rates: set[int] = set()
    synthesized = 0
    total = len(script.utterances)
    engine_rate = getattr(engine, "sample_rate", None)  # known before speaking for some engines
    try:
        position = -1
        for chapter in script.chapters:
            for index, utterance in enumerate(chapter.utterances, start=1):
                position += 1
                key = content_key(engine.fingerprint, utterance.text) if cache else ""
                clip = cache.get(key) if cache else None
                # A cache entry is checked as a fresh clip is (its checksum only proves it is whole):
                # a crafted one of the wrong length or rate is spoken again instead of trusted.
                if clip is not None and (
                    clip_problem(clip, utterance.text, rate_wpm)
                    or (rates or {engine_rate or clip.sample_rate}) != {clip.sample_rate}
                ):
                    clip = None
                if clip is not None:
                    ahead.skip(position)  # cached meanwhile (a repeated sentence): its slot is free again
                else:
                    clip = ahead.clip(position, utterance.text)
                    problem = clip_problem(clip, utterance.text, rate_wpm)
                    if problem:
                        clip = engine.synthesize(utterance.text)
                        problem = clip_problem(clip, utterance.text, rate_wpm)
                    if problem:
                        sentence = utterance.caption if len(utterance.caption) <= 70 else utterance.caption[:67] + "..."
                        raise SpeechError(
                            f"{label + ': ' if label else ''}{problem} for sentence {index} of chapter "
                            f"'{chapter.title}' (\"{sentence}\"), twice"
                        )
                    synthesized += 1
                    if cache:
                        cache.put(key, clip)
                keys.append(key)
                counts.append(clip.sample_count)
                words.append(clip.words)
                rates.add(clip.sample_rate)
                if cache is None:
                    kept.append(clip)
                if on_clip:
                    on_clip(len(counts), total)
    finally:
        ahead.close()
    if len(rates) > 1:
        raise SpeechError(
            f"{label + ': ' if label else ''}the engine changed sample rate mid-article ({sorted(rates)})"
        )
    return Speech(
        rates.pop() if rates else 22050,
        tuple(counts),
        synthesized,
        total - synthesized,
        tuple(keys),
        cache,
        tuple(kept),
        words=tuple(words),
    )


# Sentences spoken ahead of the one the loop waits for, at most. With a window of twice the threads,
# a long sentence (up to 600 characters: ~6 s of Piper's time) left the other thread idle once it
# had spoken the few after it; 16 clips are a few MB.
LOOKAHEAD_CLIPS = 16


class _LookAhead:
    """Sentences spoken ahead of the loop that checks and caches them, on a few threads, for an
    engine that allows it; a window of LOOKAHEAD_CLIPS (at least twice the threads) bounds the
    clips held in memory (twice that for the last sentences). Those found in the cache when the
    loop opens are not spoken."""

    def __init__(self, engine: SpeechEngine, script: Script, cache: ClipCache | None, threads: int | None) -> None:
        self.engine = engine
        workers = max(1, threads or os.cpu_count() or 1)
        self.pool = None
        self.pending: dict[int, Future[Clip]] = {}
        if workers > 1 and getattr(engine, "concurrent", False):
            first: dict[str, int] = {}  # a sentence said twice is spoken once, for its first place
            for i, utterance in enumerate(script.utterances):
                first.setdefault(utterance.text, i)
            self.todo = [
                (i, text)
                for text, i in first.items()
                if not (cache and cache.has(content_key(engine.fingerprint, text)))
            ]
            self.todo.reverse()  # taken from the end: the next sentence is the last item
            self.window = max(LOOKAHEAD_CLIPS, 2 * workers)
            self.pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="speech")
            self._fill()

    def _fill(self) -> None:
        assert self.pool is not None
        if len(self.todo) <= self.window:
            # The last window's sentences all at once, longest first, so the threads finish
            # together (in script order a long sentence at the end kept one thread busy while the
            # others had nothing left); at most twice the window is held then.
            self.todo.sort(key=lambda item: (len(item[1]), -item[0]))
            while self.todo:
                position, text = self.todo.pop()
                self.pending[position] = self.pool.submit(self.engine.synthesize, text)
            return
        while self.todo and len(self.pending) < self.window:
            position, text = self.todo.pop()
            self.pending[position] = self.pool.submit(self.engine.synthesize, text)

    def clip(self, position: int, text: str) -> Clip:
        future = self.pending.pop(position, None)
        if future is None:
            return self.engine.synthesize(text)
        clip = future.result()
        self._fill()
        return clip

    def skip(self, position: int) -> None:
        future = self.pending.pop(position, None)
        if future is not None:
            future.cancel()
            self._fill()

    def close(self) -> None:
        if self.pool is not None:
            for future in self.pending.values():
                future.cancel()
            self.pool.shutdown(wait=True)
