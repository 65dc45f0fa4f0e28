"""The `revmentor` command: demo, new, validate, run, send, lab,
workshop. User mistakes get a message, never a traceback.

Exit codes (for schedulers; docs/scheduling.md): 0 everything ran, 1 a stage failed or an input
has problems, 2 the command line is wrong (usage), 75 the workspace is busy with another run
(EX_TEMPFAIL: try again later).
"""
from __future__ import annotations

import argparse
import logging
import sys
import warnings
from datetime import date, datetime
from pathlib import Path
from typing import Any

EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_BUSY = 0, 1, 2, 75


class UsageError(ValueError):
    """The command line asks for something that does not exist (exit code 2)."""


def _version() -> str:
    from revmentor_nb import __version__

    return __version__


def _seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of seconds") from None
    if value < 0:
        raise argparse.ArgumentTypeError("seconds cannot be negative")
    return value


MAX_DEMO_EMPLOYEES = 100_000


def _whole(low: int, high: int):
    """An argparse type: a whole number from ``low`` to ``high`` (else a usage error naming the range)."""
    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not a whole number; give {low} to {high}") from None
        if not low <= value <= high:
            raise argparse.ArgumentTypeError(f"{value} is out of range; give {low} to {high}")
        return value
    return parse


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="revmentor", description="Run a reverse-mentoring programme from notebooks.",
        epilog="exit codes: 0 ok, 1 a stage failed or an input has problems, 2 usage, 75 workspace busy (try later)")
    p.add_argument("--version", action="version", version=f"revmentor_nb {_version()}")
    sub = p.add_subparsers(dest="command", required=True)

    d = sub.add_parser("demo", help="make a demo workspace (seeded synthetic organisation) and run all stages")
    d.add_argument("dir", nargs="?", default="revmentor-demo", help="workspace folder (default: revmentor-demo)")
    d.add_argument("--seed", type=_whole(0, 2**31 - 1), default=0, help="seed of the synthetic organisation (default 0)")
    d.add_argument("--employees", type=_whole(100, MAX_DEMO_EMPLOYEES), default=3000,
                   help=f"size of the demo organisation, 100 to {MAX_DEMO_EMPLOYEES} (default 3000)")

    n = sub.add_parser("new", help="make an empty workspace with a program.yaml and editable templates")
    n.add_argument("dir")
    n.add_argument("--direction", choices=["reverse", "traditional", "two-way"], default="reverse",
                   help="who mentors whom: reverse (juniors mentor leaders, the default), traditional "
                        "(experienced colleagues mentor less experienced ones) or two-way (both learn)")
    n.add_argument("--name", help="the programme's name")

    v = sub.add_parser("validate", help="check an input file against the data contract",
                       epilog="mentor-match sign-ups: revmentor validate mentor-match MENTORS.csv MENTEES.csv "
                              "(or one of the two files alone)")
    v.add_argument("kind", help="participants, roster, exclusions, locks, meetings, checkins, assessments, training, "
                                "agreements, or mentor-match")
    v.add_argument("files", nargs="+", metavar="FILE", help="the file (mentor-match: the mentors file, then the mentees file)")
    v.add_argument("--workspace", help="take the grade order and the columns the programme requires from this "
                                       "workspace")

    r = sub.add_parser("run", help="run the stage notebooks headless; reports go to DIR/reports/")
    r.add_argument("dir")
    r.add_argument("--stage", action="append", help="design, match, monitor or evaluate (repeatable; default all)")
    r.add_argument("-p", "--parameter", nargs=2, action="append", metavar=("NAME", "VALUE"), default=[],
                   help="notebook parameter (repeatable); VALUE is parsed as YAML (numbers, true/false)")
    r.add_argument("--wait", nargs="?", type=_seconds, const=True, default=False, metavar="SECONDS",
                   help="if another run holds the workspace, wait for it (up to SECONDS; no number: as long as it "
                        "takes) instead of refusing with exit code 75")
    r.add_argument("--timeout", type=_seconds, metavar="SECONDS",
                   help="stop a stage that runs longer than SECONDS (it fails with exit code 1)")
    r.add_argument("--kernel", metavar="NAME", default="python3",
                   help="Jupyter kernel to run the notebooks with (default python3; see `jupyter kernelspec list`)")
    _send_parser(sub)
    _survey_parser(sub)
    _add_lab_commands(sub)
    return p


def _send_parser(sub: Any) -> None:
    """`revmentor send DIR --what intros|nudges|checkins [--send] [--resume]` (docs/messages.md)."""
    s = sub.add_parser("send", help="write introductions, nudges or check-in invitations as .eml drafts to "
                                    "DIR/outbox/RUN-ID/ (a dry run); send them through SMTP with --send",
                       epilog="SMTP settings, sender and survey link: program.yaml `messages:` (docs/messages.md)")
    s.add_argument("dir")
    s.add_argument("--what", required=True, choices=["intros", "nudges", "checkins"])
    mode = s.add_mutually_exclusive_group()
    mode.add_argument("--dry-run", action="store_true", help="only write the drafts (the default)")
    mode.add_argument("--send", action="store_true", help="write the drafts, then send them")
    s.add_argument("--resume", action="store_true", help="with --send: finish the last run of this kind that "
                                                         "stopped part-way (its drafts as they were)")
    s.add_argument("--as-of", help="date to judge what is due at (YYYY-MM-DD; default today, capped at the end)")


def _survey_parser(sub: Any) -> None:
    """`revmentor import-survey DIR FILE [--stage S] [--map HEADER=COLUMN ...]` (docs/messages.md)."""
    s = sub.add_parser("import-survey", help="import a survey export (CSV or .xlsx) as check-ins, people found by "
                                              "the survey id in their link; nothing is stored while any row has a "
                                              "problem", epilog="docs/messages.md: Check-ins back from the survey")
    s.add_argument("dir", help="the workspace")
    s.add_argument("file", help="the survey tool's export")
    s.add_argument("--stage", help="the check-in stage when the export has no stage column (e.g. midpoint)")
    s.add_argument("--map", action="append", default=[], metavar="HEADER=COLUMN",
                   help="map an export header onto a check-in column, e.g. --map 'Respondent id=person_id' "
                        "(repeat it; headers not given are matched by name)")
    s.add_argument("--who", help="who imports, for the audit log (default: the user name)")


def _add_lab_commands(sub: Any) -> None:
    """`revmentor lab` and `revmentor workshop`: the notebooks where people work."""
    lab = sub.add_parser("lab", help="put the four notebooks into a workspace and start JupyterLab there")
    lab.add_argument("dir", help="the workspace (or a workshop folder of seats)")
    lab.add_argument("--port", type=int, help="port for JupyterLab (default: JupyterLab's, 8888 or the next free)")
    lab.add_argument("--ip", help="address to listen on (default: JupyterLab's, localhost only)")
    lab.add_argument("--no-browser", action="store_true", help="do not open a browser; JupyterLab prints the URL")
    lab.add_argument("--refresh-notebooks", action="store_true",
                     help="replace the workspace's notebooks with the installed version (your edits are lost)")
    lab.add_argument("--dry-run", action="store_true", help=argparse.SUPPRESS)
    ws = sub.add_parser("workshop", help="make N independent copies of the demo programme, one per participant")
    ws.add_argument("dir", help="a new folder for the seats")
    ws.add_argument("--seats", type=int, required=True, help="how many participants")
    ws.add_argument("--seed", type=int, default=0, help="seed of the demo organisation (default 0)")
    ws.add_argument("--employees", type=int, default=1500, help="size of the demo organisation (default 1500)")


def _quiet_kernel_logs() -> None:
    """Hide the kernel plumbing's warnings (e.g. 'running over TCP without encryption')."""
    for name in ("papermill", "traitlets", "jupyter_client", "nbconvert"):
        logging.getLogger(name).setLevel(logging.ERROR)
    warnings.filterwarnings("ignore")


def _parse_value(text: str) -> Any:
    """A -p value as YAML (numbers, true/false, lists, mappings); text when it is not YAML.

    Anchors and aliases are refused (a few bytes could expand to gigabytes), as is anything
    that is not plain data.
    """
    import yaml

    from revmentor_nb.run.parameters import ParameterError

    try:
        if any(isinstance(e, (yaml.AliasEvent,)) or getattr(e, "anchor", None) for e in yaml.parse(text)):
            raise ParameterError(f"-p value {text[:40]!r} uses YAML anchors or aliases (& and *); write the value out")
        value = yaml.safe_load(text)
    except (yaml.YAMLError, ValueError, OverflowError) as err:
        if isinstance(err, ParameterError):
            raise
        return text
    # papermill writes parameters as JSON: dates stay text (the notebooks parse them)
    return text if isinstance(value, (date, datetime)) else value


def _progress(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


def cmd_validate(args: argparse.Namespace) -> int:
    from revmentor_nb.run.validate import (
        MENTOR_MATCH,
        validate_file,
        validate_mentor_match,
    )

    grade_order, capacity, context, required = None, None, {}, None
    if args.workspace:
        from revmentor_nb.workspace.workspace import Workspace

        ws = Workspace(args.workspace)
        grade_order = ws.design.grade_order
        capacity = getattr(ws.input_source("participants"), "capacity", None)
        context = workspace_context(ws)
        required = ws.requirements()
    if args.kind == MENTOR_MATCH:
        code, text = validate_mentor_match(args.files, grade_order=grade_order,
                                           **({"capacity": capacity} if capacity else {}))
    elif len(args.files) != 1:
        code, text = EXIT_USAGE, (f"revmentor validate {args.kind} takes one file, not {len(args.files)} "
                                  "(only mentor-match takes two: the mentors file, then the mentees file)")
    else:
        code, text = validate_file(args.kind, args.files[0], grade_order=grade_order, required=required, **context)
    print(text, file=sys.stdout if code == 0 else sys.stderr)
    return code


def workspace_context(ws: Any) -> dict[str, Any]:
    """What `validate --workspace` takes from a workspace: its roster (imported, else declared) and its span."""
    roster = ws.table("roster")
    if roster is None:
        declared = ws.resolve_input("roster")
        roster = declared if declared is not None and declared.is_file() else None
    return {"roster": roster, "span": (ws.design.schedule.start_date, ws.design.schedule.end_date)}


def cmd_new(args: argparse.Namespace) -> int:
    from revmentor_nb.design.agreement import install_templates
    from revmentor_nb.design.program import new_design
    from revmentor_nb.workspace.workspace import Workspace

    from revmentor_nb.run.lab import install_notebooks

    ws = Workspace.create(args.dir, new_design(args.direction, args.name))
    install_templates(ws.root, ws.design)
    install_notebooks(ws.root)
    print(f"made workspace {ws.root} ({args.direction} mentoring): edit program.yaml (or the design form in "
          f"01_design), the agreement and introduction templates in templates/, put input files beside it, then "
          f"`revmentor run {args.dir}`; the notebooks are in {ws.root / 'notebooks'} (open them with "
          f"`revmentor lab {args.dir}`)")
    return EXIT_OK


def cmd_lab(args: argparse.Namespace) -> int:
    import os

    from revmentor_nb.run.lab import SEAT_PREFIX, install_notebooks, lab_command

    root = Path(args.dir)
    extra: list[str] = []
    if (root / "program.yaml").exists():
        written, kept = install_notebooks(root, overwrite=args.refresh_notebooks)
        if written:
            print(f"put {len(written)} notebook(s) into {root.resolve() / 'notebooks'}")
        if kept:
            print(f"kept your {len(kept)} notebook(s) in {root.resolve() / 'notebooks'} "
                  "(--refresh-notebooks replaces them)")
        extra.append("--ServerApp.default_url=/lab/tree/notebooks")
    elif not (root.is_dir() and any(p.name.startswith(SEAT_PREFIX) for p in root.iterdir())):
        print(f"revmentor: {root} is neither a workspace (no program.yaml) nor a workshop folder; "
              f"make one with `revmentor new {args.dir}` or `revmentor workshop {args.dir} --seats N`", file=sys.stderr)
        return EXIT_FAILED
    cmd = lab_command(root, port=args.port, no_browser=args.no_browser, ip=args.ip) + extra
    if args.dry_run:
        print(" ".join(cmd))
        return EXIT_OK
    sys.stdout.flush()
    os.execv(cmd[0], cmd)  # JupyterLab takes over this process: Ctrl-C and its token work as usual
    return EXIT_OK  # pragma: no cover - execv does not return


def cmd_workshop(args: argparse.Namespace) -> int:
    from revmentor_nb.run.lab import make_seats, workshop_instructions

    seats = make_seats(args.dir, args.seats, seed=args.seed, n_employees=args.employees, progress=_progress)
    print(workshop_instructions(args.dir, seats))
    return EXIT_OK


def cmd_run(args: argparse.Namespace) -> int:
    from revmentor_nb.run.pipeline import run_stages

    params = {name: _parse_value(value) for name, value in args.parameter}
    summary = run_stages(args.dir, args.stage, params, wait=args.wait, progress=_progress,
                         timeout=args.timeout, kernel=args.kernel)
    print(f"run {summary.run_id}: {len(summary.outcomes)} report(s) in {Path(args.dir) / 'reports'}")
    return EXIT_OK


def cmd_demo(args: argparse.Namespace) -> int:
    from revmentor_nb.run.demo import run_demo

    from revmentor_nb.run.lab import install_notebooks

    summary = run_demo(args.dir, seed=args.seed, n_employees=args.employees, progress=_progress)
    install_notebooks(args.dir)
    print(f"demo workspace {Path(args.dir).resolve()}: open reports/ ({len(summary.outcomes)} reports) "
          f"or the notebooks in JupyterLab")
    return EXIT_OK


def cmd_send(args: argparse.Namespace) -> int:
    from revmentor_nb.messages.compose import plan
    from revmentor_nb.messages.outbox import unfinished_outbox, write_outbox
    from revmentor_nb.messages.send import SendError, send_outbox
    from revmentor_nb.workspace.workspace import Workspace

    if args.resume and not args.send:
        print("revmentor: --resume sends: use it with --send", file=sys.stderr)
        return EXIT_USAGE
    ws = Workspace(args.dir)
    as_of = date.fromisoformat(args.as_of) if args.as_of else None
    if args.resume:
        box = unfinished_outbox(ws, args.what)
        if box is None:
            print(f"nothing to resume: no {args.what} run stopped part-way in {ws.root / 'outbox'}")
            return EXIT_OK
    else:
        drafts = plan(ws, args.what, as_of)
        box = write_outbox(ws, drafts)
        people = len({i for d in drafts.drafts for i in d.person_ids})
        print(f"wrote {len(box.messages)} {args.what} draft(s) for {people} people to {box.folder} "
              f"({drafts.already_sent} already sent, {len(drafts.skipped)} skipped)")
        for row in drafts.skipped.itertuples(index=False):
            print(f"  skipped {row.key}: {row.reason}", file=sys.stderr)
    if not args.send:
        print("dry run: nothing sent; check the .eml files, then add --send")
        return EXIT_OK
    try:
        report = send_outbox(ws, box, progress=_progress)
    except SendError as err:
        print(f"revmentor: {err}", file=sys.stderr)
        if err.report is not None:
            print(err.report.text(), file=sys.stderr)
            if not err.report.complete:
                print(f"finish with: revmentor send {args.dir} --what {args.what} --send --resume", file=sys.stderr)
        return EXIT_FAILED
    print(report.text())
    return EXIT_OK


def cmd_import_survey(args: argparse.Namespace) -> int:
    from revmentor_nb.messages.survey import import_survey, survey_checkins
    from revmentor_nb.workspace.workspace import Workspace

    mapping: dict[str, str] = {}
    for item in args.map:
        header, sep, column = item.rpartition("=")
        if not sep or not header.strip() or not column.strip():
            raise UsageError(f"--map {item!r}: write HEADER=COLUMN, e.g. --map 'Respondent id=person_id'")
        mapping[header.strip()] = column.strip()
    ws = Workspace(args.dir)
    survey_checkins(ws, args.file, mapping=mapping or None, stage=args.stage)  # every problem, nothing touched
    with ws.run_lock(wait=False):  # not while a run reads the check-ins
        record = import_survey(ws, args.file, mapping=mapping or None, stage=args.stage, who=args.who)
    print(f"imported {Path(args.file).name} as check-ins into {ws.root}: {record.rows} survey answer(s) in all "
          "(earlier survey imports included)")
    return EXIT_OK


COMMANDS = {"validate": cmd_validate, "new": cmd_new, "run": cmd_run, "demo": cmd_demo, "send": cmd_send,
            "import-survey": cmd_import_survey, "lab": cmd_lab, "workshop": cmd_workshop}


def main(argv: list[str] | None = None) -> int:
    """Entry point of the `revmentor` console script; returns the exit code."""
    import sqlite3

    from revmentor_nb.design.program import DesignError
    from revmentor_nb.errors import InputError, format_problems
    from revmentor_nb.lean_imports import skip_slow_optional_imports
    from revmentor_nb.run.parameters import ParameterError
    from revmentor_nb.run.pipeline import StageFailed, UnknownKernel, UnknownStage
    from revmentor_nb.workspace.workspace import WorkspaceBusy, WorkspaceError

    args = _parser().parse_args(argv)
    if args.command == "run":  # before papermill loads jsonschema: see lean_imports
        skip_slow_optional_imports()
    _quiet_kernel_logs()
    try:
        return COMMANDS[args.command](args)
    except WorkspaceBusy as err:
        print(f"revmentor: {err}", file=sys.stderr)
        return EXIT_BUSY
    except (UsageError, UnknownStage, UnknownKernel) as err:
        print(f"revmentor: {err}", file=sys.stderr)
        return EXIT_USAGE
    except StageFailed as err:
        print(f"revmentor: stage {err.stage} failed: {err}", file=sys.stderr)
    except ParameterError as err:
        print(f"revmentor: {err}", file=sys.stderr)
        return EXIT_USAGE
    except (InputError, DesignError) as err:
        p = err.problems
        if isinstance(err, DesignError) and len(p) == 1 and p["column"].iloc[0] == "":  # the whole file: one line
            print(f"revmentor: {p['file'].iloc[0]}: {p['problem'].iloc[0]}; {p['fix'].iloc[0]}", file=sys.stderr)
        else:
            print(f"revmentor: {err.summary}\n{format_problems(p)}", file=sys.stderr)
    except (WorkspaceError, ValueError, FileNotFoundError) as err:
        print(f"revmentor: {err}", file=sys.stderr)
    except OSError as err:  # a path mistake the checks above did not foresee: one line, never a traceback
        where = f" {err.filename}" if err.filename else ""
        print(f"revmentor: cannot use{where}: {err.strerror or err}; check that the path exists, is the kind of "
              f"thing expected (file or folder) and that you may read and write it", file=sys.stderr)
    except sqlite3.Error as err:
        print(f"revmentor: the workspace store (program.sqlite) cannot be used ({err}); check that it is a file you "
              f"may write, and that the disk is not full", file=sys.stderr)
    except KeyboardInterrupt:
        print("revmentor: interrupted", file=sys.stderr)
    return EXIT_FAILED


if __name__ == "__main__":
    sys.exit(main())
