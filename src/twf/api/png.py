"""A minimal, fast PNG writer for RGBA tiles.

Deflate is most of a tile's cost, so it runs through ISA-L (`isal`), whose output is a standard zlib stream:
on a detailed 512 px HRRR tile its level 2 takes 1.4 ms where zlib's fastest level takes 5.6 ms, for a file
2 % smaller. The "Up" row filter makes upsampled weather tiles ~20 % smaller than no filter for ~0.1 ms.
zlib level 6 would shave another third off the size at 4× zlib-1's time: a poor trade for tiles a browser
caches for a year.
"""

from __future__ import annotations

import struct
import zlib

import numpy as np
from isal import isal_zlib

_SIGNATURE = b"\x89PNG\r\n\x1a\n"
_FILTER_UP = 2
DEFLATE_LEVEL = 2  # ISA-L levels are 0-3


def _chunk(kind: bytes, data: bytes) -> bytes:
    crc = zlib.crc32(kind + data) & 0xFFFFFFFF
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)


def encode_rgba(rgba: np.ndarray) -> bytes:
    """(h, w, 4) uint8 → PNG bytes (8-bit RGBA, non-interlaced)."""
    height, width, _ = rgba.shape
    rows = rgba.reshape(height, width * 4)
    raw = np.empty((height, width * 4 + 1), np.uint8)
    raw[:, 0] = _FILTER_UP
    raw[0, 1:] = rows[0]
    np.subtract(rows[1:], rows[:-1], out=raw[1:, 1:])  # uint8 arithmetic wraps modulo 256, as PNG wants
    header = struct.pack(">IIBBBBB", width, height, 8, 6, 0, 0, 0)
    data = isal_zlib.compress(raw.tobytes(), DEFLATE_LEVEL)
    return _SIGNATURE + _chunk(b"IHDR", header) + _chunk(b"IDAT", data) + _chunk(b"IEND", b"")
