"""Atomic file writes and content hashes: a crash never leaves half a file behind."""
from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path


def atomic_write_bytes(path: Path, data: bytes) -> Path:
    """Write ``data`` to ``path`` via a temporary file and an atomic rename."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def atomic_write_text(path: Path, text: str) -> Path:
    """Write UTF-8 text atomically."""
    return atomic_write_bytes(path, text.encode("utf-8"))


def content_hash(path: Path) -> str:
    """SHA-256 of a file's bytes (the name a stored import goes by)."""
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


DEFAULT_MAX_INPUT_MB = 200
MAX_INPUT_ENV = "REVMENTOR_MAX_INPUT_MB"


def max_input_bytes() -> int:
    """Largest input file read (bytes): ``$REVMENTOR_MAX_INPUT_MB`` megabytes, 200 by default."""
    raw = os.environ.get(MAX_INPUT_ENV, "").strip()
    try:
        mb = float(raw) if raw else DEFAULT_MAX_INPUT_MB
    except ValueError:
        mb = DEFAULT_MAX_INPUT_MB
    return int(max(mb, 0) * 1024 * 1024)


def unreadable_reason(path: Path) -> tuple[str, str] | None:
    """Why ``path`` must not be opened as an input file, as (problem, fix); None when it is a readable-size file.

    Checked by ``stat`` before any open: a FIFO would block the reader forever and a device or a
    huge file would exhaust memory, so neither is ever opened.
    """
    import stat

    try:
        st = os.stat(path)
    except FileNotFoundError:
        return "file not found", f"check the file name and folder (looked for {Path(path).absolute()})"
    except OSError as exc:
        return (f"the file could not be read ({exc.strerror or exc})",
                "check that the file exists and that you may read it")
    if stat.S_ISDIR(st.st_mode):
        return "this is a folder, not a file", "give the path of a .csv or .xlsx file"
    if not stat.S_ISREG(st.st_mode):
        what = ("a named pipe (FIFO)" if stat.S_ISFIFO(st.st_mode) else "a device" if stat.S_ISCHR(st.st_mode)
                or stat.S_ISBLK(st.st_mode) else "a socket" if stat.S_ISSOCK(st.st_mode) else "not a regular file")
        return (f"this is {what}, not a regular file; it is never read",
                "save the data to an ordinary .csv or .xlsx file and give that file's path")
    limit = max_input_bytes()
    if st.st_size > limit:
        return (f"the file is {st.st_size / 1048576:.0f} MB, over the {limit / 1048576:.0f} MB limit for an input file",
                f"check it is the right file; a larger limit can be set with {MAX_INPUT_ENV}=<megabytes>")
    return None
