"""The `revmentor` commands against a corpus of careless and hostile inputs, generated here.

Every case is a command line a person might type (validate, new, demo on an existing folder,
run with -p parameters) on files and folders built to break it: unclosed quotes, binary and
empty files, pipes, folders and oversize files given as input, absurd numbers, path mistakes,
parameters that are unknown or under the privacy floor. For each: no traceback, an exit code
documented for the command (0 ok, 1 refused or problems, 2 usage), and when the command
refuses, not one file of the workspace changed (its tree is hashed before and after).

Most cases run inside one driver subprocess (one interpreter start for all; `main(argv)` as
the console script calls it, any escaping exception recorded as a traceback); a sample also
runs as real console commands, so the two paths are shown to agree. No notebook runs: every
`run` case is refused before a kernel would start.
"""
from __future__ import annotations

import hashlib
import inspect
import json
import os
import shutil
import subprocess
import sys
import zipfile
from dataclasses import asdict, dataclass, field
from pathlib import Path

import pytest
from conftest import revmentor_cmd

KINDS = ("participants", "roster", "exclusions", "locks", "meetings", "checkins", "assessments", "training",
         "agreements")
GOOD = {
    "participants": "person_id,name,role,department,grade,offers,wants,consent,manager_id\n"
                    "P1,Ann,mentor,IT,1,AI,,yes,\nP2,Bob,mentee,Finance,7,,AI,yes,\n",
    "roster": "person_id,department,grade,hire_date,manager_id\nR9,IT,8,2015-01-01,\nP1,IT,1,2020-02-01,R9\n"
              "P2,Finance,7,2012-03-04,\n",
    "exclusions": "person_a,person_b,reason\nP1,P2,siblings\n",
    "locks": "mentor_id,mentee_id\nP1,P2\n",
    "meetings": "mentor_id,mentee_id,date,duration_min\nP1,P2,2026-04-01,60\n",
    "checkins": "person_id,date,stage,satisfaction\nP1,2026-04-02,kickoff,4\n",
    "assessments": "person_id,stage,instrument,score\nP1,pre,wellbeing,3.5\n",
    "training": "person_id,module,completed_on\nP1,listening,2026-02-01\n",
    "agreements": "mentor_id,mentee_id,signed_on\nP1,P2,2026-03-10\n",
}
BROKEN_CONTENT = {
    "empty": b"",
    "bom_only": b"\xef\xbb\xbf",
    "blank_lines": b"\n\n \n;;\n",
    "binary": bytes(range(256)) * 8,
    "nul_bytes": b"person_id\x00,name\n\x00\x00,\x00\n",
    "utf16_no_bom": "person_id,name\nP1,Ann\n".encode("utf-16-le"),
    "latin1": "person_id,name,department\nP1,Zoë Ü,Café\n".encode("latin-1"),
    "unclosed_quote_eof": None,   # the kind's good file with a quote opened in row 2 and never closed
    "late_quote": None,           # ... and closed two lines later
    "long_cell": None,            # one cell of 2 MB
    "wide_header": ",".join(f"c{i}" for i in range(5000)).encode() + b"\n" + b"1," * 4999 + b"1\n",
    "xlsx_named_csv": None,       # a workbook saved with a .csv name
    "cr_only": None,              # old Mac line ends
    "formula_cells": None,        # =HYPERLINK(...) in every cell
    "duplicate_headers": None,    # every header twice
    "header_only": None,
    "ids_unsafe": None,           # ids with / ? .. and spaces
    "quote_soup": b'"""",""""\n"""""""""\n',
    "absurd_numbers": None,       # capacity 10**12, satisfaction 99, duration 10**9
    "far_dates": None,            # 1900 and 2099
}


@dataclass
class Case:
    """One command line and what it may answer."""

    name: str
    argv: list[str]
    codes: tuple[int, ...]
    watch: list[str] = field(default_factory=list)  # workspaces that must not change when the command refuses
    env: dict[str, str] = field(default_factory=dict)
    needs: str = ""  # text the message must carry


def _good(kind: str) -> str:
    return GOOD[kind]


def _variant(kind: str, name: str) -> bytes:
    text = _good(kind)
    header, *rows = text.splitlines()
    if name == "unclosed_quote_eof":
        first = rows[0].split(",")
        first[1] = '"' + first[1]
        return "\n".join([header, ",".join(first), *rows[1:], *rows]).encode() + b"\n"
    if name == "late_quote":
        first = rows[0].split(",")
        first[1] = '"' + first[1]
        closing = rows[-1].split(",")
        closing[-1] = closing[-1] + '"'
        return "\n".join([header, ",".join(first), *rows, ",".join(closing), *rows]).encode() + b"\n"
    if name == "long_cell":
        first = rows[0].split(",")
        first[1] = "x" * (2 << 20)
        return "\n".join([header, ",".join(first)]).encode() + b"\n"
    if name == "xlsx_named_csv":
        import io

        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w") as z:
            z.writestr("[Content_Types].xml", "<Types/>")
        return buf.getvalue()
    if name == "cr_only":
        return text.replace("\n", "\r").encode()
    if name == "formula_cells":
        return (header + "\n" + ",".join('=HYPERLINK("http://x","y")' for _ in header.split(","))).encode() + b"\n"
    if name == "duplicate_headers":
        return (header + "," + header + "\n" + "\n".join(r + "," + r for r in rows)).encode() + b"\n"
    if name == "header_only":
        return (header + "\n").encode()
    if name == "ids_unsafe":
        return text.replace("P1", "../a/b?").replace("P2", "a b\\c").encode()
    if name == "absurd_numbers":
        swapped = (text.replace(",yes,", ",yes,").replace("60\n", "1000000000\n").replace(",4\n", ",99\n")
                   .replace(",3.5\n", ",1e308\n"))
        if kind == "participants":
            swapped = swapped.replace("consent,manager_id", "consent,manager_id,capacity")
            swapped = "\n".join(line + (",1000000000000" if i else "") for i, line in enumerate(swapped.splitlines()))
        return swapped.encode() + b"\n"
    if name == "far_dates":
        return text.replace("2026-04-01", "2099-04-01").replace("2026-04-02", "1900-04-02") \
            .replace("2026-02-01", "1900-02-01").replace("2026-03-10", "2099-03-10").encode()
    raise KeyError(name)


def tree_hash(root: Path) -> str:
    """A hash of every path, type and content under ``root`` (the workspace as a user would find it)."""
    h = hashlib.sha256()
    for path in sorted(root.rglob("*")):
        rel = str(path.relative_to(root))
        if path.is_symlink():
            h.update(f"L {rel} -> {os.readlink(path)}\n".encode())
        elif path.is_dir():
            h.update(f"D {rel}\n".encode())
        elif path.is_file():
            h.update(f"F {rel} ".encode() + hashlib.sha256(path.read_bytes()).digest())
        else:
            h.update(f"O {rel}\n".encode())
    return h.hexdigest()


def _workspace(base: Path) -> Path:
    """A small programme made by `revmentor new` (a real console command), with inputs beside it."""
    ws = base / "ws"
    made = subprocess.run(revmentor_cmd("new", str(ws)), capture_output=True, text=True, timeout=120)
    assert made.returncode == 0, made.stderr
    (ws / "inputs").mkdir()
    for kind in ("participants", "roster"):
        (ws / "inputs" / f"{kind}.csv").write_text(_good(kind))
    text = (ws / "program.yaml").read_text().replace("inputs: {}", "inputs:\n  participants: inputs/participants.csv\n"
                                                                    "  roster: inputs/roster.csv")
    assert "inputs/participants.csv" in text
    (ws / "program.yaml").write_text(text)
    return ws


def _broken_copy(ws: Path, name: str, damage) -> Path:
    """A copy of the workspace with one path mistake made in it."""
    copy = ws.parent / f"ws-{name}"
    shutil.copytree(ws, copy, symlinks=True)
    damage(copy)
    return copy


def build_corpus(base: Path) -> list[Case]:
    """Every case: hostile files for validate, then path mistakes and parameters for new, demo and run."""
    ws = _workspace(base)
    files = base / "files"
    files.mkdir()
    cases: list[Case] = []
    # validate: each kind, a good file and every broken variant
    for kind in KINDS:
        good = files / f"{kind}.csv"
        good.write_text(_good(kind))
        cases.append(Case(f"validate {kind} good", ["validate", kind, str(good)], (0,)))
        for variant, content in BROKEN_CONTENT.items():
            path = files / f"{kind}-{variant}.csv"
            path.write_bytes(content if content is not None else _variant(kind, variant))
            codes = (1,) if variant in ("empty", "bom_only", "blank_lines", "binary", "xlsx_named_csv",
                                        "unclosed_quote_eof", "late_quote", "formula_cells", "duplicate_headers",
                                        "wide_header", "nul_bytes") else (0, 1)
            if variant == "far_dates" and kind in ("meetings", "checkins", "training", "agreements"):
                codes = (1,)
            if variant == "absurd_numbers" and kind in ("participants", "meetings", "checkins"):
                codes = (1,)
            cases.append(Case(f"validate {kind} {variant}", ["validate", kind, str(path)], codes))
        cases.append(Case(f"validate {kind} --workspace", ["validate", kind, str(good), "--workspace", str(ws)],
                          (0, 1), watch=[str(ws)]))
    managed = files / "managed.csv"
    # with a location column: the workspace's default design has the location rule on, which needs one
    managed.write_text("\n".join(line + (",location" if i == 0 else ",London") for i, line in enumerate(
        _good("participants").replace("AI,,yes,", "AI,,yes,R9").splitlines())) + "\n")
    cases += [Case("validate a manager only the roster knows", ["validate", "participants", str(managed)], (1,),
                   needs="R9"),
              Case("validate a manager only the roster knows --workspace",
                   ["validate", "participants", str(managed), "--workspace", str(ws)], (0,), watch=[str(ws)])]
    # validate: paths that are not files
    fifo = files / "pipe.csv"
    os.mkfifo(fifo)
    folder = files / "folder.csv"
    folder.mkdir()
    (files / "loop.csv").symlink_to(files / "loop.csv")
    (files / "zero.csv").symlink_to("/dev/zero")
    (files / "plain").write_text("x")
    big = files / "big.csv"
    big.write_text(_good("participants") * 2000)
    for label, path, env, needs in [
        ("fifo", fifo, {}, "pipe"), ("folder", folder, {}, "folder"), ("symlink loop", files / "loop.csv", {}, ""),
        ("device", files / "zero.csv", {}, "device"), ("missing", files / "nope.csv", {}, "not found"),
        ("under a file", files / "plain" / "x.csv", {}, ""), ("oversize", big, {"REVMENTOR_MAX_INPUT_MB": "0.01"}, "limit"),
        ("json", files / "plain", {}, "unsupported"), ("xls", files / "old.xls", {}, ""),
    ]:
        if label == "xls":
            path.write_bytes(b"\xd0\xcf\x11\xe0" + bytes(100))
        cases.append(Case(f"validate participants {label}", ["validate", "participants", str(path)], (1,),
                          env=env, needs=needs))
    mentors = files / "mentors.csv"
    mentors.write_text("Name,Email\n")
    cases += [
        Case("validate unknown kind", ["validate", "people", str(files / "participants.csv")], (2,)),
        Case("validate two files for one kind", ["validate", "participants", str(mentors), str(mentors)], (2,)),
        Case("validate mentor-match three files", ["validate", "mentor-match", *[str(mentors)] * 3], (2,)),
        Case("validate mentor-match broken", ["validate", "mentor-match", str(mentors), str(fifo)], (1,)),
        Case("validate no file", ["validate", "participants"], (2,)),
        Case("validate --workspace missing", ["validate", "participants", str(files / "participants.csv"),
                                              "--workspace", str(base / "nowhere")], (1,)),
        Case("validate --workspace is a file", ["validate", "participants", str(files / "participants.csv"),
                                                "--workspace", str(files / "plain")], (1,)),
    ]
    # new: path mistakes and existing programmes
    cases += [
        Case("new on existing workspace", ["new", str(ws)], (1,), watch=[str(ws)], needs="already holds"),
        Case("new where the path is a file", ["new", str(files / "plain")], (1,), needs="is a file"),
        Case("new under a file", ["new", str(files / "plain" / "ws")], (1,), needs="is a file"),
        Case("new with a name too long", ["new", str(base / ("n" * 300))], (1,)),
        Case("new under /proc", ["new", "/proc/revmentor-ws"], (1,)),
        Case("new with no folder", ["new"], (2,)),
    ]
    store_only = base / "store-only"
    store_only.mkdir()
    (store_only / "program.sqlite").write_bytes(b"SQLite format 3\x00")
    cases.append(Case("new over a store without program.yaml", ["new", str(store_only)], (1,), watch=[str(store_only)]))
    # demo: never over a programme it did not make, never into a file
    stranger = base / "not-empty"
    stranger.mkdir()
    (stranger / "notes.txt").write_text("mine")
    cases += [
        Case("demo over a programme", ["demo", str(ws)], (1,), watch=[str(ws)], needs="did not make"),
        Case("demo into a file", ["demo", str(files / "plain")], (1,), needs="is a file"),
        Case("demo under a file", ["demo", str(files / "plain" / "d")], (1,)),
        Case("demo into a non-empty folder", ["demo", str(stranger)], (1,), watch=[str(stranger)]),
        Case("demo over a store without program.yaml", ["demo", str(store_only)], (1,), watch=[str(store_only)]),
        Case("demo with -5 employees", ["demo", str(base / "d1"), "--employees", "-5"], (2,)),
        Case("demo with a billion employees", ["demo", str(base / "d2"), "--employees", "1000000000"], (2,)),
        Case("demo with a text seed", ["demo", str(base / "d3"), "--seed", "abc"], (2,)),
    ]
    # run: parameters refused before any notebook starts
    w = [str(ws)]
    for label, params, needs in [
        ("k 1", [("k", "1")], "privacy floor"), ("k 0", [("k", "0")], "privacy floor"),
        ("k -5", [("k", "-5")], "privacy floor"), ("k 4", [("k", "4")], "privacy floor"),
        ("k 4.5", [("k", "4.5")], ""), ("k text", [("k", "many")], ""), ("k true", [("k", "true")], ""),
        ("k 1000", [("k", "1000")], ""), ("unknown workshp", [("workshp", "true")], "workshop"),
        ("unknown kk", [("kk", "5")], "take:"), ("workspace", [("workspace", "/tmp")], ""),
        ("interactive", [("interactive", "true")], ""), ("pipeline_run", [("pipeline_run", "x")], ""),
        ("names_in_report text", [("names_in_report", "maybe")], ""), ("accept 3", [("accept", "3")], ""),
        ("comparison bogus", [("comparison", "everyone")], ""), ("as_of impossible", [("as_of", "2026-02-30")], ""),
        ("as_of text", [("as_of", "soon")], ""), ("preset unknown", [("preset", "nhs")], ""),
        ("seed -1", [("seed", "-1")], ""), ("tradeoff_points huge", [("tradeoff_points", "1000000000")], ""),
        ("relax text", [("relax", "{grade_gap: [")], ""), ("k ok but unknown other", [("k", "6"), ("kk", "1")], ""),
        ("yaml bomb value", [("who", "&a [*a, *a]")], ""),
    ]:
        argv = ["run", *w]
        for name, value in params:
            argv += ["-p", name, value]
        cases.append(Case(f"run -p {label}", argv, (2,), watch=[str(ws)], needs=needs))
    cases.append(Case("run -p k 1 on the monitor stage only", ["run", *w, "--stage", "monitor", "-p", "k", "1"],
                      (2,), watch=[str(ws)]))
    cases.append(Case("run unknown stage", ["run", *w, "--stage", "matching"], (1, 2), watch=[str(ws)]))
    cases.append(Case("run -p with one value", ["run", *w, "-p", "k"], (2,), watch=[str(ws)]))
    # run: workspaces with a path mistake or a broken design inside
    for name, damage, needs in [
        ("program.yaml a folder", lambda c: ((c / "program.yaml").unlink(), (c / "program.yaml").mkdir()), "program.yaml"),
        ("program.yaml a pipe", lambda c: ((c / "program.yaml").unlink(), os.mkfifo(c / "program.yaml")), "program.yaml"),
        ("reports a file", lambda c: (shutil.rmtree(c / "reports"), (c / "reports").write_text("x")), "reports"),
        ("runs a file", lambda c: (shutil.rmtree(c / "runs"), (c / "runs").write_text("x")), "runs"),
        ("imports a file", lambda c: (shutil.rmtree(c / "imports"), (c / "imports").write_text("x")), "imports"),
        ("store a folder", lambda c: ((c / "program.sqlite").unlink(), (c / "program.sqlite").mkdir()), "program.sqlite"),
        ("store garbage", lambda c: (c / "program.sqlite").write_bytes(b"not a database" * 100), ""),
        ("program.yaml empty list", lambda c: (c / "program.yaml").write_text("- 1\n- 2\n"), ""),
        ("program.yaml binary", lambda c: (c / "program.yaml").write_bytes(bytes(range(256))), ""),
        ("program.yaml absurd levels", lambda c: (c / "program.yaml").write_text((c / "program.yaml").read_text()
                                                  .replace("reporting_line_levels: 3",
                                                           "reporting_line_levels: 1000000000")),
         "reporting_line_levels"),
        ("program.yaml absurd spaces", lambda c: (c / "program.yaml").write_text(
            (c / "program.yaml").read_text().replace("spaces: 50", "spaces: 1000000000000")), "spaces"),
        ("program.yaml absurd load cap", lambda c: (c / "program.yaml").write_text(
            (c / "program.yaml").read_text().replace("load_cap: null", "load_cap: 1000000000")), "load_cap"),
        ("program.yaml yaml bomb", lambda c: (c / "program.yaml").write_text(
            "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
                f"{chr(98 + i)}: &{chr(98 + i)} [*{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}]\n"
                for i in range(8))), ""),
        ("workspace a file", lambda c: (shutil.rmtree(c), c.write_text("x")), "is a file"),
    ]:
        copy = _broken_copy(ws, name.replace(" ", "-").replace(".", "-"), damage)
        cases.append(Case(f"run with {name}", ["run", str(copy), "-p", "k", "6"], (1, 2),
                          watch=[str(copy)] if copy.is_dir() else [], needs=needs))
        cases.append(Case(f"validate --workspace with {name}", ["validate", "participants",
                                                                 str(files / "participants.csv"), "--workspace",
                                                                 str(copy)], (1,),
                          watch=[str(copy)] if copy.is_dir() else []))
    cases += [
        Case("run on a folder that is not a workspace", ["run", str(stranger)], (1,), watch=[str(stranger)]),
        Case("run on nothing", ["run", str(base / "nowhere")], (1,)),
        Case("import-survey a binary file", ["import-survey", str(ws), str(files / "checkins-binary.csv")], (1,),
             watch=[str(ws)]),
        Case("import-survey an empty file", ["import-survey", str(ws), str(files / "checkins-empty.csv")], (1,),
             watch=[str(ws)]),
        Case("import-survey no file", ["import-survey", str(ws), str(base / "nowhere.csv")], (1,), watch=[str(ws)]),
        Case("import-survey into no workspace", ["import-survey", str(stranger), str(files / "checkins.csv")], (1,),
             watch=[str(stranger)]),
        Case("import-survey --map without =", ["import-survey", str(ws), str(files / "checkins.csv"), "--map", "id"],
             (2,), watch=[str(ws)], needs="HEADER=COLUMN"),
        Case("no command", [], (2,)),
        Case("unknown command", ["launch"], (2,)),
    ]
    return cases


DRIVER = r"""
import contextlib, hashlib, io, json, os, sys, traceback
from pathlib import Path
from revmentor_nb.run.cli import main
""" + "\n" + inspect.getsource(tree_hash) + r"""
results = []
for case in json.load(sys.stdin):
    before = {root: tree_hash(Path(root)) for root in case["watch"]}
    out, err = io.StringIO(), io.StringIO()
    saved = {k: os.environ.get(k) for k in case["env"]}
    os.environ.update(case["env"])
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:
                code = main(case["argv"])
            except SystemExit as exc:  # argparse's usage errors
                code = exc.code if isinstance(exc.code, int) else 1
            except BaseException:
                err.write(traceback.format_exc())
                code = "crash"
    finally:
        for k, v in saved.items():
            os.environ.pop(k, None) if v is None else os.environ.__setitem__(k, v)
    changed = [root for root, digest in before.items() if tree_hash(Path(root)) != digest]
    results.append({"name": case["name"], "code": code, "stdout": out.getvalue()[-3000:],
                    "stderr": err.getvalue()[-5000:], "changed": changed})
json.dump(results, sys.stdout)
"""


def _check(case: Case, code: object, stdout: str, stderr: str, changed: list[str]) -> list[str]:
    """What is wrong with one answer (empty when it is as documented); ``changed``: watched trees it changed."""
    wrong = []
    if "Traceback" in stderr or code == "crash":
        wrong.append(f"{case.name}: traceback\n{stderr[-1500:]}")
    elif code not in case.codes:
        wrong.append(f"{case.name}: exit {code}, expected {case.codes}: {(stderr or stdout)[-400:]}")
    if code != 0 and code != "crash":
        if not (stderr or stdout).strip():
            wrong.append(f"{case.name}: refused without a word")
        wrong += [f"{case.name}: refused but changed {root}" for root in changed]
    if case.needs and case.needs.lower() not in (stderr + stdout).lower():
        wrong.append(f"{case.name}: message lacks {case.needs!r}: {(stderr or stdout)[-300:]}")
    return wrong


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> list[Case]:
    return build_corpus(tmp_path_factory.mktemp("corpus"))


def test_the_corpus_is_large_and_varied(corpus):
    assert len(corpus) >= 100
    assert {c.argv[0] for c in corpus if c.argv} >= {"validate", "new", "demo", "run"}


def test_every_command_in_the_corpus_answers_as_documented(corpus):
    done = subprocess.run([sys.executable, "-c", DRIVER], input=json.dumps([asdict(c) for c in corpus]),
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    results = {r["name"]: r for r in json.loads(done.stdout)}
    wrong = []
    for case in corpus:
        r = results[case.name]
        wrong += _check(case, r["code"], r["stdout"], r["stderr"], r["changed"])
    assert not wrong, f"{len(wrong)} of {len(corpus)} cases:\n" + "\n".join(wrong)


SAMPLE = ("validate participants unclosed_quote_eof", "validate participants fifo", "demo over a programme",
          "run -p k 1", "run with reports a file", "no command")


def test_a_sample_as_real_console_commands(corpus):
    """The same answers from the console script itself (a fresh process per command, two at a time)."""
    from concurrent.futures import ThreadPoolExecutor

    by_name = {c.name: c for c in corpus}

    def one(case: Case) -> list[str]:
        before = {root: tree_hash(Path(root)) for root in case.watch}
        done = subprocess.run(revmentor_cmd(*case.argv), capture_output=True, text=True, timeout=120,
                              env={**os.environ, **case.env})
        changed = [root for root, digest in before.items() if tree_hash(Path(root)) != digest]
        return _check(case, done.returncode, done.stdout, done.stderr, changed)

    with ThreadPoolExecutor(max_workers=2) as pool:  # all refuse: a change by one would show up in every watcher
        wrong = [w for found in pool.map(one, [by_name[n] for n in SAMPLE]) for w in found]
    assert not wrong, "\n".join(wrong)
