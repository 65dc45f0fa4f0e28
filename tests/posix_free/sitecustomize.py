"""A stand-in for Windows in CI: revmentor_nb's own code may not import POSIX-only modules.

Put this folder on PYTHONPATH (the test does; kernels started from that process inherit it):
every ``import fcntl`` (or pwd, grp, resource, termios) made by a module of revmentor_nb raises
ImportError, as on Windows, and is written to $REVMENTOR_POSIX_LOG. Third-party libraries keep
their own per-platform code paths (psutil's Linux module needs ``resource``; on Windows it uses
another), so only the package's own imports are blocked. Each process that loads this file
writes an "active" line, so the test can tell the kernel ran with the block too.
"""
import builtins
import os

BLOCKED = {"fcntl", "pwd", "grp", "resource", "termios", "posix"}
_LOG = os.environ.get("REVMENTOR_POSIX_LOG")
_real_import = builtins.__import__


def _note(text: str) -> None:
    if _LOG:
        with open(_LOG, "a", encoding="utf-8") as fh:
            fh.write(text + "\n")


def _guarded_import(name, globals=None, locals=None, fromlist=(), level=0):
    importer = (globals or {}).get("__name__", "") or ""
    if level == 0 and name.split(".")[0] in BLOCKED and importer.split(".")[0] == "revmentor_nb":
        _note(f"blocked {name} imported by {importer}")
        raise ModuleNotFoundError(f"No module named {name!r} (POSIX-only; blocked as on Windows)", name=name)
    return _real_import(name, globals, locals, fromlist, level)


builtins.__import__ = _guarded_import
_note(f"active {os.getpid()}")
