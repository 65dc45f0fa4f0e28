"""The most-pairs vs best-fit curve on a demo organisation: every point solves, and the curve is monotone."""
from __future__ import annotations

from revmentor_nb import demo, match


def test_tradeoff_solves_every_setting_and_is_monotone():
    org = demo.build_demo(seed=0, n_employees=3000)  # the instance on which it once failed
    result = match(org.participants, roster=org.roster, exclusions=org.exclusions, locks=org.locks)
    curve = result.tradeoff(points=5)
    assert list(curve["status"]) == ["optimal"] * 5  # regression: the most-pairs stage once failed as infeasible
    assert curve["pairs"].is_monotonic_increasing
    assert curve["total_fit"].is_monotonic_decreasing or curve["total_fit"].round(6).nunique() == 1
    assert curve["pairs"].iloc[-1] >= len(result.pairs)
