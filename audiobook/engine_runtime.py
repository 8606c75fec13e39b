"""What a process of ours needs at run time: libespeak-ng for pyttsx3, and an allocator setting.

Make libespeak-ng available to pyttsx3 without any system package.

pyttsx3's espeak binding (`pyttsx3.drivers._espeak`) loads "libespeak-ng.so.1" by name when it is
imported. On a machine without espeak-ng we load the copy shipped by the `espeakng-loader` wheel
first, with RTLD_GLOBAL, so that name resolves to it, and point ESPEAK_DATA_PATH at its data
(without the data path espeak-ng calls exit(1)). Changing LD_LIBRARY_PATH at run time does nothing.
"""

from __future__ import annotations

import ctypes
import os
import platform
import sys
from functools import cache
from pathlib import Path


@cache
def prepare_espeak() -> Path | None:
    """Load a libespeak-ng for pyttsx3; return the espeak-ng-data folder to use (None: system's)."""
    if platform.system() != "Linux":
        return None  # pyttsx3 uses SAPI5 / NSSS there; the binding finds a system install itself
    try:
        import espeakng_loader
    except ImportError:  # fall back to a system libespeak-ng, if any
        return None
    # The bundled copy is preferred even over a system one: the same espeak-ng version everywhere
    # gives the same audio everywhere.
    library = Path(espeakng_loader.get_library_path()).with_name("libespeak-ng.so.1")
    data = Path(espeakng_loader.get_data_path())
    ctypes.CDLL(str(library), mode=ctypes.RTLD_GLOBAL)
    os.environ.setdefault("ESPEAK_DATA_PATH", str(data))
    return data


# glibc serves blocks below its mmap threshold from the heap, and raises that threshold to the
# largest block freed (up to 32 MB): after the first part of an article, every part-sized array
# comes from the heap, fragments it among small objects, and a long article's process grows
# (measured: peak memory +10 % from 5,000 to 20,000 words, ±6 MB from run to run). A fixed
# threshold keeps part-sized arrays in mappings of their own, returned whole when freed; the
# few-second chunks below it still reuse the heap. Only for whole processes we own (`convert`,
# build workers), never for a program that imports the library.
MMAP_THRESHOLD_BYTES = 1 << 20
_M_MMAP_THRESHOLD = -3  # glibc's mallopt parameter number


def keep_large_buffers_out_of_the_heap() -> None:
    if sys.platform != "linux":
        return
    try:
        mallopt = ctypes.CDLL(None).mallopt
    except (OSError, AttributeError):  # not glibc (musl has no mallopt): nothing to set
        return
    mallopt(_M_MMAP_THRESHOLD, MMAP_THRESHOLD_BYTES)
