"""Fuzz the loaders with malformed files of five kinds: 0 tracebacks, 0 dropped rows, every problem located.

Cases come from ``tests/fuzz_strategies.py`` (hypothesis strategies: planted breaks in valid
tables, and chaos tables of junk; CSV in several delimiters and encodings, .xlsx with Excel's
quirks). Each case is loaded and checked by the same oracle the CI sample uses. Prints cases
per kind, each failure category and the seconds taken; exits 1 on any failure.

    .venv/bin/python benchmarks/bench_fuzz.py [--cases 10000] [--jobs 2] [--seed 0] [--save DIR]
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from collections import Counter
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

CATEGORIES = ("harness", "traceback", "warning", "dropped", "lost_value", "mangled", "unlocated", "misplaced", "missed",
              "false_alarm", "refused", "sniffed", "validate", "differs")
CHUNK = 250


def run_chunk(kind: str, n: int, seed: int, save: str | None) -> dict:
    """Run ``n`` hypothesis cases of ``kind`` from ``seed``; return counts and the first failures."""
    from fuzz_strategies import check_case, fuzz_case
    from hypothesis import HealthCheck, Phase, given, settings
    from hypothesis import seed as hypothesis_seed

    out: dict = {"kind": kind, "cases": 0, "failed": 0, "planted": 0, "must_load": 0, "xlsx": 0, "chaos": 0, "bytes": 0,
                 "failures": Counter(), "examples": [], "signatures": Counter()}

    @hypothesis_seed(seed)
    @settings(max_examples=n, database=None, phases=[Phase.generate], deadline=None,
              suppress_health_check=list(HealthCheck))
    @given(case=fuzz_case(kind))
    def run(case) -> None:  # noqa: ANN001
        out["cases"] += 1
        out["planted"] += bool(case.expect)
        out["must_load"] += case.must_load
        out["xlsx"] += case.suffix == ".xlsx"
        out["chaos"] += case.label.startswith("chaos")
        out["bytes"] += case.label.startswith("bytes")
        failures = check_case(case)
        out["failed"] += bool(failures)
        for category in {f.category for f in failures}:  # cases, not problems: a case fails a property once
            out["failures"][category] += 1
        for failure in {f.category: f for f in failures}.values():
            out["signatures"][signature(kind, case, failure)] += 1
            if len(out["examples"]) < 20:
                saved = _save(save, kind, seed, out["cases"], case, failure) if save else ""
                out["examples"].append((failure.category, case.describe(), failure.detail[:1500], saved))

    try:
        run()
    except Exception as exc:  # noqa: BLE001 - a broken strategy: report it, keep the other chunks' figures
        out["failures"]["harness"] += 1
        out["examples"].append(("harness", f"{kind} chunk seed {seed}", f"{type(exc).__name__}: {exc}"[:1500], ""))
    return out


def signature(kind: str, case, failure) -> str:  # noqa: ANN001
    """What tells failures apart: category, kind, and the exception's place or the case's breaks."""
    if failure.category == "traceback":
        return f"traceback {kind}: {failure.detail.split(' <- ')[0][:160]}"
    return f"{failure.category} {kind}: {case.label.split(' ')[0][:120]}"


def _save(folder: str, kind: str, seed: int, number: int, case, failure) -> str:  # noqa: ANN001
    """Keep a failing file and what was expected of it, to reproduce by hand."""
    root = Path(folder)
    root.mkdir(parents=True, exist_ok=True)
    stem = root / f"{kind}-{seed}-{number}-{failure.category}"
    stem.with_suffix(case.suffix).write_bytes(case.content)
    kwargs = {k: v.to_dict(orient="list") if hasattr(v, "to_dict") else v for k, v in case.kwargs.items()}
    meta = {"label": case.label, "rows": case.rows, "expect": sorted(map(str, case.expect)),
            "must_load": case.must_load, "kwargs": kwargs, "detail": failure.detail}
    stem.with_suffix(".json").write_text(json.dumps(meta, indent=1, default=str))
    return str(stem.with_suffix(case.suffix))


def main() -> int:
    """Run the cases over ``--jobs`` processes and print the figures; 1 if any property broke."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--cases", type=int, default=10_000, help="total cases, shared evenly by the kinds")
    ap.add_argument("--kinds", default="participants,roster,meetings,checkins,assessments")
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--save", default=None, help="folder to keep failing files in")
    args = ap.parse_args()

    kinds = args.kinds.split(",")
    per_kind = -(-args.cases // len(kinds))
    tasks = []
    for k, kind in enumerate(kinds):
        left, chunk = per_kind, 0
        while left > 0:
            n = min(CHUNK, left)
            tasks.append((kind, n, args.seed * 1_000_003 + k * 10_007 + chunk, args.save))
            left -= n
            chunk += 1
    start = time.perf_counter()
    with ProcessPoolExecutor(max_workers=args.jobs) as pool:
        results = list(pool.map(run_chunk, *zip(*tasks)))
    seconds = time.perf_counter() - start

    cases, planted, must_load, failures, signatures = Counter(), Counter(), Counter(), Counter(), Counter()
    xlsx, chaos, broken, failed = Counter(), Counter(), Counter(), Counter()
    examples = []
    for r in results:
        cases[r["kind"]] += r["cases"]
        planted[r["kind"]] += r["planted"]
        must_load[r["kind"]] += r["must_load"]
        xlsx[r["kind"]] += r["xlsx"]
        failed[r["kind"]] += r["failed"]
        chaos[r["kind"]] += r["chaos"]
        broken[r["kind"]] += r["bytes"]
        failures.update(r["failures"])
        signatures.update(r["signatures"])
        examples += r["examples"]
    columns = {"cases": cases, "planted": planted, "valid": must_load, "chaos": chaos, "bytes": broken, "xlsx": xlsx,
               "failed": failed}
    print(f"{'kind':<14}" + "".join(f"{c:>9}" for c in columns))
    for kind in kinds:
        print(f"{kind:<14}" + "".join(f"{col[kind]:>9}" for col in columns.values()))
    print(f"{'total':<14}" + "".join(f"{sum(col.values()):>9}" for col in columns.values()))
    print("(planted: cases with problems planted at known cells; valid: nothing planted, must load; "
          "chaos: junk tables; bytes: broken bytes; xlsx: workbooks, the rest CSV)")
    print()
    print("failing cases by property:")
    for category in CATEGORIES:
        print(f"  {category:<12}{failures[category]:>8}")
    print(f"\n{sum(cases.values())} cases in {seconds:.1f} s ({sum(cases.values()) / seconds:.0f} cases/s, {args.jobs} jobs)")
    print("(tracebacks = traceback; dropped rows = dropped + lost_value; unlocated problems = unlocated + misplaced)")
    if signatures:
        print("\ndistinct failures (count, signature):")
        for text, count in signatures.most_common(40):
            print(f"{count:>6}  {text}")
    shown = Counter()
    for category, what, detail, saved in examples:
        if shown[category] < 3:
            shown[category] += 1
            print(f"\n--- {category}: {what}\n{detail}" + (f"\n(saved as {saved})" if saved else ""))
    return 1 if sum(failed.values()) or failures["harness"] else 0


if __name__ == "__main__":
    raise SystemExit(main())
