"""NBM's scanning mode 0x50 (every second row runs east to west): GDAL decodes it into the right field, and
the synthetic NBM files carry the real files' grid definition, that scanning mode included."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import rasterio
from rasterio.io import MemoryFile
from rasterio.shutil import copy as gdal_copy

from twf.builder.decode import GDAL_ENV
from twf.models import get_model
from twf.models.base import HTGL_2M
from twf.synthetic.grib import SyntheticMessage, message_bytes

_NBM = get_model("nbm")
_REF = datetime(2026, 8, 5, 12, tzinfo=UTC)
_SCANNING_OCTET = 64  # section 3, template 3.30 octet 65


def _sections(message: bytes | bytearray) -> dict[int, int]:
    """Section number → its offset in the message."""
    offsets, pos = {}, 16
    while message[pos:pos + 4] != b"7777":
        offsets[message[pos + 4]] = pos
        pos += int.from_bytes(message[pos:pos + 4], "big")
    return offsets


def _simple_packed(field: np.ndarray) -> bytearray:
    """`field` as GDAL writes it: simple packing (template 5.0), scanning mode 0x40 (rows from the south)."""
    grid = _NBM.native_grid
    profile = {"driver": "MEM", "width": grid.width, "height": grid.height, "count": 1, "dtype": "float32",
               "crs": grid.crs, "transform": rasterio.Affine(*grid.transform)}
    with rasterio.open("", "w", **profile) as source, MemoryFile(ext=".grib2") as out:
        source.write(field, 1)
        gdal_copy(source, out.name, driver="GRIB", DATA_ENCODING="SIMPLE_PACKING", DECIMAL_SCALE_FACTOR="0",
                  DISCIPLINE="0", PDS_PDTN="0",
                  PDS_TEMPLATE_ASSEMBLED_VALUES="2 1 2 0 104 0 0 1 1 103 0 10 255 0 0")  # WIND 10 m
        return bytearray(out.read())


def _to_boustrophedon(message: bytearray) -> bytearray:
    """Rewrite a 0x40 simple-packed message as a 0x50 one: unpack the packed integers, reverse every second
    row of the scan (the 2nd, 4th ... from the south), pack them again and set the scanning flag."""
    sections = _sections(message)
    s5, s7 = sections[5], sections[7]
    bits = message[s5 + 19]
    height, width = _NBM.native_grid.shape
    start, length = s7 + 5, int.from_bytes(message[s7:s7 + 4], "big") - 5
    unpacked = np.unpackbits(np.frombuffer(bytes(message[start:start + length]), np.uint8))
    weights = 1 << np.arange(bits - 1, -1, -1, dtype=np.int64)
    scan = (unpacked[: height * width * bits].reshape(-1, bits) @ weights).reshape(height, width)
    scan[1::2] = scan[1::2, ::-1]  # scan row 0 is the southern row, row 1 the next one north ...
    rebits = ((scan.reshape(-1, 1) & weights) > 0).astype(np.uint8)
    message[start:start + length] = np.packbits(rebits.reshape(-1)).tobytes().ljust(length, b"\0")
    message[sections[3] + _SCANNING_OCTET] = 0x50
    return message


def _decode(message: bytes | bytearray) -> np.ndarray:
    with rasterio.Env(**GDAL_ENV), MemoryFile(bytes(message), ext=".grib2") as memory, memory.open() as ds:
        return ds.read(1)


def test_gdal_puts_the_alternate_rows_of_a_0x50_message_back_in_order():
    rows, cols = np.indices(_NBM.native_grid.shape)
    field = ((rows * 7 + cols * 3) % 4001).astype(np.float32)  # every row differs from its mirror image
    plain = _simple_packed(field)
    assert plain[_sections(plain)[3] + _SCANNING_OCTET] == 0x40
    assert np.array_equal(_decode(plain), field)
    boustrophedon = _to_boustrophedon(plain.copy())
    assert np.array_equal(_decode(boustrophedon), field)
    boustrophedon[_sections(boustrophedon)[3] + _SCANNING_OCTET] = 0x40  # the same data read as 0x40
    misread = _decode(boustrophedon)
    assert not np.array_equal(misread, field) and np.array_equal(misread[-2], field[-2, ::-1])


def _template_values(line: str) -> list[int]:
    return [int(v) for v in line.split(":", 1)[1].split()]


def test_synthetic_nbm_messages_carry_the_real_grid_definition(inventories_dir: Path):
    """Section 3 of a synthetic NBM message against a real core file's (the degrib2 dump): size, first point,
    LaD/LoV, spacing, latitudes of the cone, the sphere, and scanning mode 80 (0x50)."""
    dump = (inventories_dir / "nbm" / "ref_blend.t19z.core.f001.co.grib2.degrib2").read_text()
    real = _template_values(re.search(r"GRID TEMPLATE 3\. 30 :.*", dump).group(0))
    rows, cols = np.indices(_NBM.native_grid.shape)
    field = (280 + rows / 100 + cols / 1000).astype(np.float32)
    message = message_bytes(_NBM, SyntheticMessage("TMP", HTGL_2M, field, _REF, 1))
    s3 = message[_sections(message)[3]:]
    # name → (offset in section 3, octets, index in the dump's template values)
    fields = {"Nx": (30, 4, 7), "Ny": (34, 4, 8), "La1": (38, 4, 9), "Lo1": (42, 4, 10), "LaD": (47, 4, 12),
              "LoV": (51, 4, 13), "Dx": (55, 4, 14), "Dy": (59, 4, 15), "centre": (63, 1, 16),
              "scan": (64, 1, 17), "Latin1": (65, 4, 18), "Latin2": (69, 4, 19)}
    written = {k: int.from_bytes(s3[o:o + n], "big") for k, (o, n, _) in fields.items()}
    assert written == {k: real[i] for k, (_, _, i) in fields.items()}
    assert written["scan"] == 0x50
    radius = int.from_bytes(s3[16:20], "big") / 10 ** s3[15]  # GDAL writes 637120000 scaled by 10^-2
    assert radius == real[2] == 6371200
    assert np.allclose(_decode(message), field, atol=0.01)  # and GDAL reads it back as written
