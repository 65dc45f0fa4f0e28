"""A flat trade-off curve (the best-fit optimum already has the most pairs possible) costs one solve,
and each of its points equals a cold solve at that setting, certificate included."""
from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from revmentor_nb.matching import prepare
from revmentor_nb.matching.synth import instance
from revmentor_nb.matching.tradeoff_curve import pairs_ceiling

# many mentors with room for few mentees: often flat; few mentors: often not (both are generated)
instances = st.builds(
    lambda seed, nm, ne, ei, cap: instance(seed, nm, ne, n_either=ei, max_capacity=cap, n_topics=6, n_others=12),
    st.integers(0, 10_000), st.integers(2, 16), st.integers(2, 10), st.integers(0, 3), st.integers(1, 3),
)


def _cold_points(run, points):
    return [run.solve(most_pairs=float(s)) for s in np.linspace(0.0, 1.0, points)]


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(instances, st.sampled_from([{}, {"tiers": "mentees"}, {"most_pairs": 0.5}]))
def test_every_point_of_the_curve_equals_a_cold_solve(inst, extra):
    run = prepare(inst.participants, roster=inst.roster, exclusions=inst.exclusions, locks=inst.locks,
                  settings=extra or None)
    first = run.solve()
    curve = first.tradeoff(points=5)
    cold = _cold_points(run, 5)
    flat = cold[0].n_pairs >= pairs_ceiling(run)
    event("flat curve" if flat else "curve below its ceiling")
    for (_, point), c in zip(curve.iterrows(), cold):
        assert point.status == c.status == "optimal"
        assert point.objective == pytest.approx(c.objective, rel=1e-7, abs=1e-7)
        if flat:  # the shortcut's points: the best-fit answer, which a cold solve matches in pairs too
            assert point.pairs == c.n_pairs and point.total_fit == pytest.approx(c.total_fit, rel=1e-7, abs=1e-7)
    assert (curve.seconds.iloc[1:] == 0).all() == flat  # the shortcut is taken exactly when the ceiling is reached


def test_a_flat_curve_is_one_solve_and_a_curve_below_its_ceiling_is_not():
    roomy = instance(3, 16, 6, max_capacity=3, n_topics=6, n_others=12)  # far more mentor places than mentees
    run = prepare(roomy.participants, roster=roomy.roster, exclusions=roomy.exclusions)
    curve = run.solve().tradeoff(points=6)
    assert curve.pairs.iloc[0] == pairs_ceiling(run)
    assert (curve.seconds.iloc[1:] == 0).all() and curve.seconds.iloc[0] > 0
    tight = instance(1, 4, 10, max_capacity=2, n_topics=6, n_others=12)  # the ceiling (5) is above what fits (4)
    run = prepare(tight.participants, roster=tight.roster, exclusions=tight.exclusions)
    curve = run.solve().tradeoff(points=6)
    assert curve.pairs.iloc[0] < pairs_ceiling(run)
    assert (curve.seconds > 0).all()  # no shortcut: every point solved
