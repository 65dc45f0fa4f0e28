"""One folder per programme: the design, a SQLite store, imported files, runs and reports.

Every import, match run and override is recorded in an audit log (who, when, what);
nothing is overwritten: a new import or run adds a version, and the latest is current.
A step that fails or is killed leaves the previous state intact and shows as failed.
"""
from __future__ import annotations

import contextlib
import dataclasses
import getpass
import hashlib
import json
import os
import secrets
import socket
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import pandas as pd

from revmentor_nb.design.program import ProgramDesign, load_design, save_design
from revmentor_nb.errors import UserError
from revmentor_nb.fileio import content_hash, make_private, private_copy
from revmentor_nb.workspace import store

SCHEMA_VERSION = 1

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS audit(
    id INTEGER PRIMARY KEY AUTOINCREMENT, at TEXT NOT NULL, who TEXT NOT NULL, action TEXT NOT NULL,
    target TEXT NOT NULL DEFAULT '', detail TEXT NOT NULL DEFAULT '{}', status TEXT NOT NULL,
    finished_at TEXT, error TEXT, pid INTEGER, host TEXT);
CREATE TABLE IF NOT EXISTS datasets(
    id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT NOT NULL, columns TEXT NOT NULL,
    n_rows INTEGER NOT NULL, created_at TEXT NOT NULL, index_name TEXT);
CREATE TABLE IF NOT EXISTS dataset_rows(dataset_id INTEGER NOT NULL, pos INTEGER NOT NULL, data TEXT NOT NULL,
    PRIMARY KEY(dataset_id, pos));
CREATE TABLE IF NOT EXISTS imports(
    id INTEGER PRIMARY KEY AUTOINCREMENT, kind TEXT NOT NULL, file_name TEXT NOT NULL, sha256 TEXT NOT NULL,
    stored_path TEXT NOT NULL, n_rows INTEGER NOT NULL, dataset_id INTEGER NOT NULL, at TEXT NOT NULL,
    who TEXT NOT NULL, mapping TEXT NOT NULL DEFAULT '{}');
CREATE TABLE IF NOT EXISTS match_runs(
    id TEXT PRIMARY KEY, created_at TEXT NOT NULL, who TEXT NOT NULL, status TEXT NOT NULL,
    objective REAL, bound REAL, gap REAL, seconds REAL, data_hash TEXT, n_pairs INTEGER,
    pairs_dataset INTEGER NOT NULL, unmatched_dataset INTEGER NOT NULL, summary TEXT NOT NULL DEFAULT '{}',
    accepted_at TEXT, note TEXT NOT NULL DEFAULT '');
"""


class WorkspaceError(UserError, RuntimeError):
    """The workspace cannot do what was asked; the message says why and what to do."""


class WorkspaceBusy(WorkspaceError):
    """Another process holds the workspace's run lock."""


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def _who(who: str | None) -> str:
    if who:
        return who
    try:
        return getpass.getuser()
    except Exception:  # no user database entry (containers)
        return os.environ.get("USER", "unknown")


def _pid_alive(pid: int | None, host: str | None) -> bool:
    """Is the process that started a step still running? (Another host: assume yes.)

    psutil answers on Linux, macOS and Windows alike; a zombie (exited, not yet reaped, e.g. a
    killed run's kernel in a container without init) counts as stopped.
    """
    import psutil

    if not pid:
        return False
    if host != socket.gethostname():
        return True
    try:
        return psutil.Process(pid).status() != psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return False
    except psutil.AccessDenied:
        return True


@dataclass(frozen=True)
class ImportRecord:
    """What one import stored (or found already stored)."""

    id: int
    kind: str
    file_name: str
    sha256: str
    rows: int
    stored_path: Path
    already_current: bool
    warnings: int = 0  # rows imported with a warning (e.g. a meeting dated outside the programme's span)


@dataclass(frozen=True)
class MatchRun:
    """A stored match run: its pairs, unmatched people and figures."""

    id: str
    created_at: str
    who: str
    status: str
    objective: float | None
    data_hash: str | None
    pairs: pd.DataFrame
    unmatched: pd.DataFrame
    summary: dict[str, Any]
    accepted: bool


def check_new_folder(root: Path) -> None:
    """A WorkspaceError (one line, with the fix) when ``root`` cannot become a workspace folder."""
    if root.exists() and not root.is_dir():
        raise WorkspaceError(f"{root} is a file, not a folder; choose a folder name for the workspace "
                             f"(e.g. {root.with_name(root.name + '-programme')})")
    for parent in root.absolute().parents:
        if parent.exists():
            if not parent.is_dir():
                raise WorkspaceError(f"{parent} is a file, so {root} cannot be made inside it; choose a path "
                                     f"whose folders are folders")
            if not os.access(parent, os.W_OK | os.X_OK) and not root.exists():
                raise WorkspaceError(f"cannot make {root}: {parent} is not writable; choose a folder you may write to")
            break


def is_demo_workspace(root: Path) -> bool:
    """Whether ``revmentor demo`` made this folder (only then may the demo refresh it)."""
    return (root / DEMO_MARK).is_file()


DEMO_MARK = ".revmentor-demo"


class Workspace:
    """A programme's folder. Open an existing one with ``Workspace(path)``; make one with ``Workspace.create``."""

    def __init__(self, root: str | Path) -> None:
        self.root = Path(root).resolve()
        if self.root.exists() and not self.root.is_dir():
            raise WorkspaceError(f"{root} is a file, not a workspace folder; give the programme's folder "
                                 f"(or make one with `revmentor new NEW-FOLDER`)")
        yaml_path = self.root / "program.yaml"
        if not yaml_path.exists():
            raise WorkspaceError(
                f"{self.root} is not a programme workspace (no program.yaml); make one with `revmentor new {root}`"
            )
        if not yaml_path.is_file():
            raise WorkspaceError(f"{yaml_path} is not a regular file (a folder, pipe or device); move it away and "
                                 f"put the programme's design there as a YAML file (`revmentor new` writes one)")
        self.design: ProgramDesign = load_design(yaml_path)
        for sub in ("imports", "runs", "reports"):
            folder = self.root / sub
            if folder.exists() and not folder.is_dir():
                raise WorkspaceError(f"{folder} is a file, but the workspace keeps its {sub} in a folder of that "
                                     f"name; rename or move the file, then try again")
            try:
                folder.mkdir(exist_ok=True)
            except OSError as err:
                raise WorkspaceError(f"cannot make {folder} ({err.strerror or err}); check the workspace "
                                     f"folder's permissions") from None
        if self.db_path.exists() and not self.db_path.is_file():
            raise WorkspaceError(f"{self.db_path} is not a file; the workspace keeps its store there: "
                                 f"rename or move what is in the way")
        with contextlib.closing(self._connect()) as conn:  # closed here, not whenever it is collected
            conn.executescript(_SCHEMA)
            row = conn.execute("SELECT value FROM meta WHERE key='schema_version'").fetchone()
            if row is None:
                conn.execute("INSERT INTO meta VALUES ('schema_version', ?)", (str(SCHEMA_VERSION),))
            elif int(row[0]) > SCHEMA_VERSION:
                raise WorkspaceError(
                    f"{self.root} was written by a newer revmentor_nb (schema {row[0]}); upgrade the package"
                )
            self._close_interrupted(conn)

    # -- creation -----------------------------------------------------------------
    @classmethod
    def create(cls, root: str | Path, design: ProgramDesign | None = None, *, exist_ok: bool = False) -> "Workspace":
        """Make a new workspace folder with a program.yaml and an empty store."""
        root = Path(root)
        check_new_folder(root)
        if (root / "program.yaml").exists() and not exist_ok:
            raise WorkspaceError(f"{root} already holds a programme (program.yaml exists); open it instead")
        if (root / "program.sqlite").exists() and not (root / "program.yaml").exists():
            raise WorkspaceError(f"{root} holds a programme store (program.sqlite) but no program.yaml; it is left as "
                                 f"it is: restore its program.yaml, or choose a new folder")
        try:
            root.mkdir(parents=True, exist_ok=True)
            if design is not None or not (root / "program.yaml").exists():
                save_design(design or ProgramDesign(), root / "program.yaml")
        except OSError as err:
            raise WorkspaceError(f"cannot make a workspace in {root} ({err.strerror or err}); choose a folder you "
                                 f"may write to") from None
        return cls(root)

    # -- plumbing -----------------------------------------------------------------
    @property
    def db_path(self) -> Path:
        """The SQLite store."""
        return self.root / "program.sqlite"

    def _connect(self) -> sqlite3.Connection:
        if not self.db_path.exists():  # the store holds names and e-mails: owner-only (SQLite's -wal/-shm follow it)
            self.db_path.touch(mode=0o600)
            make_private(self.db_path)
        conn = sqlite3.connect(self.db_path, timeout=30, isolation_level=None)
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=FULL")
        conn.execute("PRAGMA foreign_keys=ON")
        return conn

    @contextlib.contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        conn = self._connect()
        try:
            conn.execute("BEGIN IMMEDIATE")
            yield conn
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        finally:
            conn.close()

    def _close_interrupted(self, conn: sqlite3.Connection) -> None:
        """Mark steps left 'started' by a process that no longer exists as failed."""
        for aid, pid, host in conn.execute("SELECT id, pid, host FROM audit WHERE status='started'").fetchall():
            if not _pid_alive(pid, host):
                conn.execute(
                    "UPDATE audit SET status='failed', finished_at=?, error=? WHERE id=?",
                    (_now(), "interrupted: the process stopped before the step finished", aid),
                )

    @property
    def pseudonym_salt(self) -> str:
        """This workspace's secret for report pseudonyms (made once, kept in the store).

        Unsalted pseudonyms of ids like E00123 are undone by hashing every possible id; with a
        salt only someone holding the workspace can link ``P-3F9A2C71`` back to a person.
        """
        conn = self._connect()
        try:
            row = conn.execute("SELECT value FROM meta WHERE key='pseudonym_salt'").fetchone()
        finally:
            conn.close()
        if row is not None:
            return row[0]
        with self._transaction() as conn:  # two processes asking at once keep the first one's salt
            conn.execute("INSERT OR IGNORE INTO meta VALUES ('pseudonym_salt', ?)", (secrets.token_hex(16),))
            return conn.execute("SELECT value FROM meta WHERE key='pseudonym_salt'").fetchone()[0]

    # -- audit ----------------------------------------------------------------------
    def record(self, action: str, target: str = "", detail: dict[str, Any] | None = None, who: str | None = None) -> int:
        """Add one finished event (e.g. an override) to the audit log; returns its id."""
        with self._transaction() as conn:
            return self._record(conn, action, target, detail, who, "ok")

    def _record(self, conn: sqlite3.Connection, action: str, target: str, detail: dict | None, who: str | None,
                status: str) -> int:
        cur = conn.execute(
            "INSERT INTO audit(at, who, action, target, detail, status, finished_at, pid, host) VALUES (?,?,?,?,?,?,?,?,?)",
            (_now(), _who(who), action, target, json.dumps(detail or {}, default=str), status,
             _now() if status != "started" else None, os.getpid(), socket.gethostname()),
        )
        return int(cur.lastrowid)

    @contextlib.contextmanager
    def step(self, action: str, target: str = "", detail: dict[str, Any] | None = None,
             who: str | None = None) -> Iterator[int]:
        """Log a step as started, then as ok or failed (with the error), whatever happens inside."""
        with self._transaction() as conn:
            aid = self._record(conn, action, target, detail, who, "started")
        try:
            yield aid
        except BaseException as err:
            with self._transaction() as conn:
                conn.execute("UPDATE audit SET status='failed', finished_at=?, error=? WHERE id=?",
                             (_now(), f"{type(err).__name__}: {err}"[:2000], aid))
            raise
        with self._transaction() as conn:
            conn.execute("UPDATE audit SET status='ok', finished_at=? WHERE id=?", (_now(), aid))

    def audit_log(self) -> pd.DataFrame:
        """Every recorded event, oldest first."""
        conn = self._connect()
        try:
            frame = pd.read_sql_query(
                "SELECT id, at, who, action, target, status, finished_at, error, detail FROM audit ORDER BY id", conn)
        finally:
            conn.close()
        frame["detail"] = frame["detail"].map(json.loads)
        return frame

    # -- design -----------------------------------------------------------------------
    def save_design(self, design: ProgramDesign, who: str | None = None) -> None:
        """Replace program.yaml with a validated design and log the change."""
        with self.step("design.save", "program.yaml", {"name": design.name}, who):
            save_design(design, self.root / "program.yaml")
            self.design = design
        if (self.root / "templates").is_dir():  # a new scheme: its default templates, ready to edit
            from revmentor_nb.design.agreement import install_templates

            install_templates(self.root, design)

    def requirements(self, *, roster: bool | None = None) -> dict[str, tuple[str, str]]:
        """The sign-up columns this programme requires, each with what needs it (``design.columns``)."""
        from revmentor_nb.design.columns import requirement_reasons

        return requirement_reasons(self.design, roster=self.has("roster") if roster is None else roster)

    # -- imports ------------------------------------------------------------------------
    def import_file(self, kind: str, path: str | Path, *, who: str | None = None,
                    mapping: dict[str, str] | None = None) -> ImportRecord:
        """Validate a file and store it as the current ``kind`` table; keep a copy under its hash.

        Raises InputError (nothing stored) when the file breaks the contract. Importing a file
        whose content is already the current one is a no-op that says so.
        """
        from revmentor_nb.errors import ProblemLog
        from revmentor_nb.fileio import unreadable_reason
        from revmentor_nb.io.load import load

        path = Path(path)
        if not path.exists():
            raise WorkspaceError(f"cannot import {kind}: {path} does not exist")
        refused = unreadable_reason(path)  # a pipe would hang the hash below; a huge file would fill the disk
        if refused is not None:
            log = ProblemLog(path.name)
            log.add(None, None, str(path), *refused)
            log.raise_if_any()
        digest = content_hash(path)
        current = self._current_import(kind)
        if current is not None and current.sha256 == digest and not mapping:
            return ImportRecord(current.id, kind, current.file_name, digest, current.rows, current.stored_path, True)
        with self.step("import", kind, {"file": path.name, "sha256": digest}, who):
            required = self.requirements() if kind == "participants" else None
            frame = load(kind, path, grade_order=self.design.grade_order, mapping=mapping, required=required,
                         span=(self.design.schedule.start_date, self.design.schedule.end_date),
                         **self._context_for(kind))
            self._check_instruments(kind, frame, path.name)
            stored = private_copy(path, self.root / "imports" / f"{digest}{path.suffix.lower()}")
            record = self._store_import(kind, path.name, digest, stored, frame, mapping, who)
            warned = frame.attrs.get("warnings")
            return dataclasses.replace(record, warnings=0 if warned is None else len(warned))

    def _check_instruments(self, kind: str, frame: pd.DataFrame, name: str) -> None:
        """Assessments: every item answer and score inside its instrument's range, or InputError (nothing stored)."""
        if kind != "assessments":
            return
        from revmentor_nb.errors import InputError
        from revmentor_nb.evaluation.instruments import load_instruments, range_problems

        problems = range_problems(frame, load_instruments((self.root / "instruments",)), name)
        if len(problems):
            raise InputError(problems)

    def import_mentor_match(self, mentors: str | Path, mentees: str | Path, who: str | None = None, *,
                            capacity: int = 3) -> ImportRecord:
        """Validate mentor-match's two sign-up files and store them as the current participants (audited).

        Grades are ranked by the design's ``grade_order`` when program.yaml declares one, else by
        the civil-service order. Both files are kept under ``imports/`` by content hash; importing
        the same two files with the same settings again is a no-op that says so (``already_current``).
        Raises InputError (nothing stored) listing every problem of both files.
        """
        from revmentor_nb.io.mentor_match import (
            CIVIL_SERVICE_GRADES,
            FORMAT,
            read_mentor_match,
        )

        paths = {"mentors": Path(mentors), "mentees": Path(mentees)}
        order = list(self.design.grade_order or CIVIL_SERVICE_GRADES)
        if not all(p.is_file() for p in paths.values()):  # the reader lists what is missing as problems
            read_mentor_match(paths["mentors"], paths["mentees"], grade_order=order, capacity=capacity)
        hashes = {side: content_hash(p) for side, p in paths.items()}
        digest = hashlib.sha256(json.dumps({"format": FORMAT, **hashes, "capacity": capacity, "grade_order": order},
                                           sort_keys=True).encode()).hexdigest()
        name = f"{paths['mentors'].name} + {paths['mentees'].name}"
        current = self._current_import("participants")
        if current is not None and current.sha256 == digest:
            return ImportRecord(current.id, "participants", current.file_name, digest, current.rows,
                                current.stored_path, True)
        files = {side: {"file": p.name, "sha256": hashes[side],
                        "stored": f"imports/{hashes[side]}{p.suffix.lower()}"} for side, p in paths.items()}
        detail = {"file": name, "sha256": digest, "format": FORMAT, "capacity": capacity, **files}
        with self.step("import", "participants", detail, who):
            frame = read_mentor_match(paths["mentors"], paths["mentees"], grade_order=order, capacity=capacity)
            for side, p in paths.items():
                self._keep_file(p, hashes[side])
            stored = self.root / files["mentors"]["stored"]
            how = {"format": FORMAT, "capacity": capacity, "grade_order": order, **files}
            return self._store_import("participants", name, digest, stored, frame, how, who)

    def _keep_file(self, path: Path, digest: str) -> Path:
        """A copy of an imported file under imports/<content hash><suffix> (written once, atomically)."""
        return private_copy(path, self.root / "imports" / f"{digest}{path.suffix.lower()}")

    def import_frame(self, kind: str, frame: pd.DataFrame, *, source_name: str, who: str | None = None) -> ImportRecord:
        """Store an already validated frame (e.g. from the import wizard) as the current ``kind`` table."""
        digest = pd.util.hash_pandas_object(frame.astype(str), index=True).sum().__format__("x")
        with self.step("import", kind, {"file": source_name, "sha256": digest, "in_memory": True}, who):
            return self._store_import(kind, source_name, digest, Path(""), frame, frame.attrs.get("mapping"), who)

    def _store_import(self, kind: str, file_name: str, digest: str, stored: Path, frame: pd.DataFrame,
                      mapping: dict | None, who: str | None) -> ImportRecord:
        with self._transaction() as conn:
            ds = store.write_frame(conn, kind, frame, _now())
            cur = conn.execute(
                "INSERT INTO imports(kind, file_name, sha256, stored_path, n_rows, dataset_id, at, who, mapping)"
                " VALUES (?,?,?,?,?,?,?,?,?)",
                (kind, file_name, digest, str(stored.relative_to(self.root)) if stored.parts else "",
                 len(frame), ds, _now(), _who(who), json.dumps(mapping or {})),
            )
            return ImportRecord(int(cur.lastrowid), kind, file_name, digest, len(frame), stored, False)

    def _context_for(self, kind: str) -> dict[str, Any]:
        """What a loader needs from earlier imports: the roster for sign-ups, sign-ups for pair files."""
        if kind == "participants":
            return {"roster": self.table("roster")}
        if kind == "roster":
            return {}
        return {"participants": self.table("participants")}

    def _current_import(self, kind: str) -> ImportRecord | None:
        conn = self._connect()
        try:
            row = conn.execute(
                "SELECT id, file_name, sha256, n_rows, stored_path FROM imports WHERE kind=? ORDER BY id DESC LIMIT 1",
                (kind,)).fetchone()
        finally:
            conn.close()
        if row is None:
            return None
        return ImportRecord(row[0], kind, row[1], row[2], row[3], self.root / row[4], True)

    def imports(self) -> pd.DataFrame:
        """Every import, oldest first."""
        conn = self._connect()
        try:
            return pd.read_sql_query("SELECT id, kind, file_name, sha256, n_rows, at, who FROM imports ORDER BY id", conn)
        finally:
            conn.close()

    def has(self, kind: str) -> bool:
        """Has ``kind`` been imported?"""
        return self._current_import(kind) is not None

    def table(self, kind: str) -> pd.DataFrame | None:
        """The current (latest imported) table of ``kind``, or None if never imported."""
        conn = self._connect()
        try:
            row = conn.execute("SELECT dataset_id FROM imports WHERE kind=? ORDER BY id DESC LIMIT 1", (kind,)).fetchone()
            return None if row is None else store.read_frame(conn, row[0])
        finally:
            conn.close()

    def require(self, kind: str) -> pd.DataFrame:
        """The current ``kind`` table, or a WorkspaceError that says how to import it."""
        frame = self.table(kind)
        if frame is None:
            raise WorkspaceError(
                f"no {kind} imported into {self.root} yet: name the file under `inputs: {{{kind}: FILE}}` in "
                f"program.yaml, or pass it as a notebook parameter (e.g. `revmentor run DIR -p {kind}_path FILE`)"
            )
        return frame

    def require_match(self) -> "MatchRun":
        """The accepted match run, or a WorkspaceError that says to run the match stage first."""
        run = self.match_run()
        if run is None:
            raise WorkspaceError(f"no accepted match in {self.root} yet: run the match stage first "
                                 f"(`revmentor run {self.root} --stage match`)")
        return run

    # -- match runs ---------------------------------------------------------------------
    def save_match(self, result: Any, *, who: str | None = None, accepted: bool = False, note: str = "") -> str:
        """Store a match result as a new run (never replacing an earlier one); returns the run id."""
        run_id = datetime.now(timezone.utc).strftime("m%Y%m%dT%H%M%S%f")
        summary = {
            "pairs": int(len(result.pairs)), "unmatched": int(len(result.unmatched)),
            "bound": getattr(result, "bound", None), "gap": getattr(result, "gap", None),
            "seconds": getattr(result, "seconds", None),
        }
        relaxed = getattr(result, "relaxed", None)
        if relaxed is not None and len(relaxed):  # a clearing round: which rules were relaxed, for how many pairs
            summary["relaxed"] = {str(k): int(v) for k, v in relaxed.groupby("rule").size().items()}
        with self.step("match.run", run_id, {**summary, "objective": result.objective, "accepted": accepted}, who):
            with self._transaction() as conn:
                pairs_ds = store.write_frame(conn, "match_pairs", result.pairs, _now())
                unmatched_ds = store.write_frame(conn, "match_unmatched", result.unmatched, _now())
                conn.execute(
                    "INSERT INTO match_runs(id, created_at, who, status, objective, bound, gap, seconds, data_hash,"
                    " n_pairs, pairs_dataset, unmatched_dataset, summary, accepted_at, note)"
                    " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                    (run_id, _now(), _who(who), str(result.status), result.objective, summary["bound"],
                     summary["gap"], summary["seconds"], getattr(result, "data_hash", None), summary["pairs"],
                     pairs_ds, unmatched_ds, json.dumps(summary, default=str), _now() if accepted else None, note),
                )
        return run_id

    def accept_match(self, run_id: str, who: str | None = None) -> None:
        """Mark a stored run as the accepted one (the latest acceptance wins)."""
        with self.step("match.accept", run_id, None, who):
            with self._transaction() as conn:
                if conn.execute("SELECT 1 FROM match_runs WHERE id=?", (run_id,)).fetchone() is None:
                    raise WorkspaceError(f"no match run {run_id!r} in this workspace")
                conn.execute("UPDATE match_runs SET accepted_at=? WHERE id=?", (_now(), run_id))

    def accept_pending_match(self, note: str, who: str | None = None) -> str | None:
        """Accept the latest unaccepted match run stored with ``note`` (a headless stage's); its id, or None.

        The write-ahead half of a headless match stage: the notebook stores its run unaccepted,
        and the runner calls this once the stage's report is written.
        """
        conn = self._connect()
        try:
            row = conn.execute("SELECT id FROM match_runs WHERE note=? AND accepted_at IS NULL"
                               " ORDER BY rowid DESC LIMIT 1", (note,)).fetchone()
        finally:
            conn.close()
        if row is None:
            return None
        self.accept_match(row[0], who=who)
        return str(row[0])

    def match_run(self, run_id: str | None = None, *, accepted: bool = True) -> MatchRun | None:
        """A stored run: by id, else the latest accepted one (or the latest of all when ``accepted=False``)."""
        conn = self._connect()
        try:
            if run_id is not None:
                row = conn.execute("SELECT * FROM match_runs WHERE id=?", (run_id,)).fetchone()
            elif accepted:
                row = conn.execute("SELECT * FROM match_runs WHERE accepted_at IS NOT NULL"
                                   " ORDER BY accepted_at DESC, rowid DESC LIMIT 1").fetchone()
            else:
                row = conn.execute("SELECT * FROM match_runs ORDER BY rowid DESC LIMIT 1").fetchone()
            if row is None:
                return None
            cols = [d[0] for d in conn.execute("SELECT * FROM match_runs LIMIT 0").description]
            rec = dict(zip(cols, row))
            return MatchRun(rec["id"], rec["created_at"], rec["who"], rec["status"], rec["objective"], rec["data_hash"],
                            store.read_frame(conn, rec["pairs_dataset"]), store.read_frame(conn, rec["unmatched_dataset"]),
                            json.loads(rec["summary"]), rec["accepted_at"] is not None)
        finally:
            conn.close()

    def match_runs(self) -> pd.DataFrame:
        """Every stored match run, oldest first."""
        conn = self._connect()
        try:
            return pd.read_sql_query("SELECT id, created_at, who, status, objective, n_pairs, data_hash, accepted_at, note"
                                     " FROM match_runs ORDER BY rowid", conn)
        finally:
            conn.close()

    # -- runs and reports -----------------------------------------------------------------
    def new_run_dir(self, run_id: str) -> Path:
        """Folder for one headless run's executed notebooks."""
        path = self.root / "runs" / run_id
        path.mkdir(parents=True, exist_ok=False)
        return path

    def resolve_input(self, kind: str) -> Path | None:
        """The file program.yaml's ``inputs`` names for ``kind``, relative to the workspace.

        None when nothing is named, or when ``kind`` is given in a two-file format such as
        mentor-match (see ``input_source`` and ``import_mentor_match``).
        """
        name = self.design.inputs.get(kind)
        if not name or not isinstance(name, str):
            return None
        return self.path_in(name)

    def input_source(self, kind: str) -> Any:
        """What program.yaml's ``inputs`` gives for ``kind``: a file path, a format with its files, or None."""
        return self.design.inputs.get(kind) or None

    def path_in(self, name: str | Path) -> Path:
        """A path as written in program.yaml: absolute as it is, else relative to the workspace."""
        p = Path(name)
        return p if p.is_absolute() else self.root / p

    @contextlib.contextmanager
    def run_lock(self, wait: bool | float = False) -> Iterator[None]:
        """Hold the workspace's run lock; refuse if another run holds it (another holder in this process too), or wait.

        ``wait``: False refuses at once, True waits as long as it takes, a number waits that many
        seconds and then refuses. The lock is an OS file lock (filelock: fcntl on POSIX, msvcrt on
        Windows), so it is released when its process dies, however it dies.
        """
        from filelock import FileLock, Timeout

        lock = FileLock(self.root / ".revmentor.lock")
        holder_file = self.root / ".revmentor.lock.holder"
        timeout = -1 if wait is True else 0 if wait is False else float(wait)
        try:
            lock.acquire(timeout=timeout)
        except Timeout:
            try:
                holder = holder_file.read_text(encoding="utf-8").strip() or "another process"
            except OSError:
                holder = "another process"
            waited = f" after waiting {timeout:g} s" if timeout > 0 else ""
            raise WorkspaceBusy(
                f"{self.root} is busy{waited}: a run is in progress ({holder}). Try again later, "
                "or pass --wait SECONDS to wait for it."
            ) from None
        try:
            with contextlib.suppress(OSError):
                holder_file.write_text(f"pid {os.getpid()} on {socket.gethostname()} since {_now()}", encoding="utf-8")
            yield
        finally:
            with contextlib.suppress(OSError):
                holder_file.unlink()
            lock.release()
