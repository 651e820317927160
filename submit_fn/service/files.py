"""Files made whole or not at all: written beside their place under a temporary name, then
linked to it. A full disk or a kill in between leaves no half-written file at the real name."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from contextlib import suppress
from pathlib import Path


def create_whole(destination: Path, write: Callable[[Path], None]) -> None:
    """write(temporary) fills a new file beside `destination` (0600); it then takes the name
    unless another process made that file first (theirs is kept, so that every process uses
    the same one), and the folder is flushed so that the name survives a crash."""
    destination.parent.mkdir(parents=True, exist_ok=True)
    descriptor, name = tempfile.mkstemp(dir=destination.parent, prefix=f".{destination.name}.")
    os.close(descriptor)
    temporary = Path(name)
    try:
        write(temporary)
        with suppress(FileExistsError):
            os.link(temporary, destination)
    finally:
        temporary.unlink()
    flush_to_disk(destination.parent)


def flush_to_disk(path: Path) -> None:
    """fsync a file or a folder (a folder holds the names of its files)."""
    descriptor = os.open(path, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def write_synced(path: Path, text: str) -> None:
    """The text in the file, flushed to disk."""
    with path.open("w") as file:
        file.write(text)
        file.flush()
        os.fsync(file.fileno())
