"""Frames → a GIF (Pillow) or an MP4 (H.264 through the ffmpeg that `imageio-ffmpeg` ships): maintained
encoders, none written here.

GIF: each frame gets its own 256-colour palette (fast octree, no dithering: forecast colours stay flat
bands, not noise) and every frame lasts 1/fps s; the loop repeats forever. MP4: yuv420p, which every player
plays and which needs even dimensions (the exporter makes the height even and asks for an even width);
`+faststart` puts the index first so a browser starts playing before the download ends.
"""

from __future__ import annotations

import io
import itertools
import tempfile
from collections.abc import Iterable
from pathlib import Path
from typing import Literal

import imageio_ffmpeg
from PIL import Image

Format = Literal["gif", "mp4"]
MEDIA_TYPES: dict[str, str] = {"gif": "image/gif", "mp4": "video/mp4"}
MP4_QUALITY = ["-crf", "20", "-preset", "veryfast", "-movflags", "+faststart"]  # crf 20: no visible loss


def frame_ms(fps: int) -> int:
    return round(1000 / fps)


def encode_gif(frames: Iterable[Image.Image], fps: int) -> bytes:
    paletted = [f.quantize(colors=256, method=Image.Quantize.FASTOCTREE, dither=Image.Dither.NONE)
                for f in frames]
    out = io.BytesIO()
    paletted[0].save(out, format="GIF", save_all=True, append_images=paletted[1:], duration=frame_ms(fps),
                     loop=0, disposal=1, optimize=False)
    return out.getvalue()


def encode_mp4(frames: Iterable[Image.Image], fps: int) -> bytes:
    """Frames are streamed to ffmpeg as they come: none is held."""
    frames = iter(frames)
    first = next(frames)
    with tempfile.TemporaryDirectory(prefix="twf-export-") as tmp:
        path = Path(tmp) / "loop.mp4"
        writer = imageio_ffmpeg.write_frames(
            str(path), first.size, fps=fps, codec="libx264", pix_fmt_in="rgb24", pix_fmt_out="yuv420p",
            quality=None, macro_block_size=1, output_params=MP4_QUALITY, ffmpeg_log_level="error")
        writer.send(None)  # start ffmpeg
        for frame in itertools.chain([first], frames):
            writer.send(frame.tobytes())
        writer.close()
        return path.read_bytes()


def encode(frames: Iterable[Image.Image], fps: int, fmt: Format) -> bytes:
    return encode_gif(frames, fps) if fmt == "gif" else encode_mp4(frames, fps)
