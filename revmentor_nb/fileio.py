"""Atomic file writes and content hashes: a crash never leaves half a file behind.

Who may read what is written (docs/scheduling.md, "Files and permissions"):

- ``private=True`` (the default): owner-only (0600). For anything that may hold names or
  e-mails for the programme team only: the store, copies of imported files, uploads, executed
  notebooks. ``make_private`` does the same for files other code creates (SQLite, copies).
- ``private=False``: the user's umask decides (usually readable by the group), as any program's
  files: HTML reports, ``reports/summary.json`` and ``index.html``, exports and hand-over files
  meant for colleagues, ``program.yaml``.
"""
from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path


def umask_mode() -> int:
    """The mode a new file gets from the user's umask (0666 less the umask)."""
    mask = os.umask(0o022)
    os.umask(mask)
    return 0o666 & ~mask


def make_private(path: Path) -> Path:
    """Make a file readable and writable by its owner only (0600; on Windows, files follow the folder's ACL)."""
    os.chmod(path, 0o600)
    return path


def atomic_write_bytes(path: Path, data: bytes, *, private: bool = True) -> Path:
    """Write ``data`` to ``path`` via a temporary file and an atomic rename (owner-only unless ``private=False``)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")  # mkstemp: 0600
    try:
        if not private:
            os.chmod(tmp, umask_mode())
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def atomic_write_text(path: Path, text: str, *, private: bool = True) -> Path:
    """Write UTF-8 text atomically (owner-only unless ``private=False``)."""
    return atomic_write_bytes(path, text.encode("utf-8"), private=private)


def private_copy(source: Path, dest: Path) -> Path:
    """Copy ``source`` to ``dest`` once, atomically and owner-only (an imported file may hold names and e-mails)."""
    import shutil

    if not dest.exists():
        dest.parent.mkdir(parents=True, exist_ok=True)
        tmp = dest.with_name(f".{dest.name}.{os.getpid()}.tmp")
        try:
            shutil.copyfile(source, tmp)
            make_private(tmp)
            os.replace(tmp, dest)
        finally:
            tmp.unlink(missing_ok=True)
    return dest


def content_hash(path: Path) -> str:
    """SHA-256 of a file's bytes (the name a stored import goes by)."""
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()
