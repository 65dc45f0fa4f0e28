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


class TextFiles:
    """Many small text files written by one background thread while the caller goes on producing them.

    Creating a file is mostly kernel time, which runs outside Python's GIL: a hand-over of 20,000
    agreements and notes renders the next pair while the last one is written (about a second less
    on two cores). Use as a context manager: leaving it waits for every file and raises the first
    error (a full disk, a folder that went away), so nothing is silently lost.
    """

    def __init__(self, batch: int = 64) -> None:
        from concurrent.futures import ThreadPoolExecutor

        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="revmentor-write")
        self._pending: list[tuple[str, str]] = []
        self._futures: list = []
        self._batch = batch

    @staticmethod
    def _write_all(files: list[tuple[str, str]]) -> None:
        for path, text in files:
            with open(path, "w", encoding="utf-8") as fh:
                fh.write(text)

    def write(self, path: str | os.PathLike[str], text: str) -> None:
        """Queue one file (written in order, a batch at a time)."""
        self._pending.append((os.fspath(path), text))
        if len(self._pending) >= self._batch:
            self._futures.append(self._pool.submit(self._write_all, self._pending))
            self._pending = []

    def __enter__(self) -> "TextFiles":
        return self

    def __exit__(self, *exc: object) -> None:
        if self._pending:
            self._futures.append(self._pool.submit(self._write_all, self._pending))
            self._pending = []
        self._pool.shutdown(wait=True)
        if exc[0] is None:
            for future in self._futures:
                future.result()  # the first error, raised here
