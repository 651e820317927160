"""A JPEG or PNG nobody vouches for, decoded for real and written again without its metadata.

`reencoded` runs Pillow in a child process with limits on CPU time and memory and a wall-clock
timeout, as submit_fn/pdf/reading.py does for PDFs, for two reasons: a hostile picture costs at
most those, and the child's Pillow is set as this module says. In the function's own process
WeasyPrint, once imported, sets `ImageFile.LOAD_TRUNCATED_IMAGES`, which would let a truncated
photo through as grey. The child checks the size in pixels before unpacking anything (a
decompression bomb is refused unread), turns the picture upright by its EXIF Orientation, and
writes it again with nothing but its pixels: no EXIF (so no GPS position), no comments, no text
chunks. Run as a script, this file is that child: it imports nothing of the project.
"""

from __future__ import annotations

import subprocess
import sys

TIMEOUT_SECONDS = 20
CPU_SECONDS = 10
MEMORY_BYTES = 1536 * 1024 * 1024
MAX_PIXELS = 50_000_000  # a 50-megapixel photo; a phone's 12 MP photo is well under
JPEG_QUALITY = 88  # small print on a photographed page stays legible
FORMATS = {"image/jpeg": "JPEG", "image/png": "PNG"}


class UnreadablePicture(ValueError):
    """Why a picture is refused: 'broken' (damaged, truncated, not what its header says) or 'too_many_pixels'."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def reencoded(data: bytes, media_type: str) -> bytes:
    """The picture's pixels, upright, in the same format, without any metadata."""
    try:
        done = subprocess.run(
            [sys.executable, "-I", __file__, FORMATS[media_type]], input=data, capture_output=True, timeout=TIMEOUT_SECONDS, check=False
        )
    except subprocess.TimeoutExpired:
        raise UnreadablePicture("broken") from None
    if done.returncode < 0:  # stopped by its CPU or memory limit
        raise UnreadablePicture("too_many_pixels")
    if done.returncode > 0:
        raise RuntimeError("the picture reader could not run")  # a fault of ours, not of the file
    status, _, picture = done.stdout.partition(b"\n")
    if status != b"ok":
        raise UnreadablePicture(status.removeprefix(b"refused ").decode())
    return picture


# The child process ---------------------------------------------------------


def _limit_resources() -> None:
    import resource

    resource.setrlimit(resource.RLIMIT_CPU, (CPU_SECONDS, CPU_SECONDS))
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_BYTES, MEMORY_BYTES))
    resource.setrlimit(resource.RLIMIT_FSIZE, (0, 0))  # writes no file


def _reencode(data: bytes, fmt: str) -> bytes:
    import io
    import warnings

    from PIL import Image, ImageFile, ImageOps

    ImageFile.LOAD_TRUNCATED_IMAGES = False
    Image.MAX_IMAGE_PIXELS = MAX_PIXELS  # Pillow's own check, in case a format reports its size late
    warnings.simplefilter("error", Image.DecompressionBombWarning)
    with Image.open(io.BytesIO(data), formats=[fmt]) as image:
        width, height = image.size
        if width * height > MAX_PIXELS:
            raise OverflowError
        image.load()  # a truncated or corrupt file fails here
        upright = ImageOps.exif_transpose(image)
    out = io.BytesIO()
    if fmt == "JPEG":
        upright = upright if upright.mode in ("RGB", "L") else upright.convert("RGB")
        upright.save(out, "JPEG", quality=JPEG_QUALITY, optimize=True)
    else:
        upright.save(out, "PNG")
    return out.getvalue()


def _child() -> None:
    _limit_resources()
    data = sys.stdin.buffer.read()
    from PIL import Image

    try:
        result = b"ok\n" + _reencode(data, sys.argv[1])
    except (OverflowError, MemoryError, Image.DecompressionBombError, Image.DecompressionBombWarning):
        result = b"refused too_many_pixels\n"
    except Exception:  # noqa: BLE001 - whatever Pillow raises on a broken file, the answer is the same
        result = b"refused broken\n"
    sys.stdout.buffer.write(result)


if __name__ == "__main__":
    _child()
