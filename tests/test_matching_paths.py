"""Every solve path reaches the same certified optimum: the pooled assignment (min-cost flow or
sparse LAPJV inside), the min-cost flow, LP column generation, the independent reference
(``matching.reference``: numpy scoring + scipy MILP), and the warm-started re-solves
(trade-off points, rematch) against cold ones. Small civil-service instances drawn from the
sample (skipped without it) and synthetic programmes."""
from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from unittest import mock

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from revmentor_nb.matching import match, prepare
from revmentor_nb.matching.assignment import lapjv, prices
from revmentor_nb.matching.synth import instance

SAMPLE = Path(__file__).resolve().parents[2] / "shared" / "data" / "civil-service-sample"
FAST = settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
_PEOPLE: list[pd.DataFrame] = []


def sample_people() -> pd.DataFrame:
    if not SAMPLE.exists():
        pytest.skip(f"the civil-service sample is not at {SAMPLE}")
    if not _PEOPLE:
        from revmentor_nb import read_mentor_match

        _PEOPLE.append(read_mentor_match(SAMPLE / "mentors.csv", SAMPLE / "mentees.csv"))
    return _PEOPLE[0]


def draw(seed: int, n_mentors: int, n_mentees: int, max_cap: int) -> pd.DataFrame:
    """A random subset of the sample with random capacities (1..max_cap) on both sides."""
    p = sample_people()
    rng = np.random.default_rng(seed)
    mentors = p[p.role == "mentor"].sample(n_mentors, random_state=seed)
    mentees = p[p.role == "mentee"].sample(n_mentees, random_state=seed + 1)
    out = pd.concat([mentors, mentees], ignore_index=True)
    cap = rng.integers(1, max_cap + 1, len(out))
    out["capacity"] = cap
    out["mentor_capacity"] = np.where(out.role == "mentor", cap, 0)
    out["mentee_capacity"] = np.where(out.role == "mentee", cap, 0)
    return out


cs_instances = st.builds(draw, st.integers(0, 10_000), st.integers(1, 25), st.integers(1, 30), st.integers(1, 3))
BARE = {"preset": "civil-service", "mentee_cap": 1, "tiers": "off"}


def _with(settings_: dict, **solver) -> dict:
    return {**settings_, "solver": solver} if solver else settings_


@FAST
@given(cs_instances, st.sampled_from([0.0, 0.5, 0.9]))
def test_the_bare_assignment_reaches_the_reference_on_every_path(people, most_pairs):
    from revmentor_nb.matching.reference import solve_reference

    base = {**BARE, "most_pairs": most_pairs}
    auto = match(people, settings=base)
    flow = match(people, settings=_with(base, method="flow"))
    lp = match(people, settings=_with(base, method="lp"))
    with mock.patch("revmentor_nb.matching.assignment.network", return_value=None):  # LAPJV inside
        sparse = match(people, settings=base)
    ref = solve_reference(people, pair_bonus=auto.pair_bonus, tier_step=0.0, max_per_mentor=3, max_per_mentee=1)
    assert ref.exact_ilp
    if auto.n_pairs:  # the assignment path answers when its prices certify the optimum, else the flow does
        assert {auto.method, sparse.method} <= {"assignment", "flow"} and flow.method == "flow"
        assert sparse.method == "flow" or "LAPJV" in sparse.certificate
    for res in (auto, flow, lp, sparse):
        assert res.status == "optimal" and res.check_validity().empty
        assert res.objective == pytest.approx(ref.objective, rel=1e-7, abs=1e-7)
        assert res.bound >= res.objective - 1e-9 and res.gap <= 1e-5
    if most_pairs > 0:  # the count is in the objective only through the pair bonus: with none, two optima may
        assert auto.n_pairs == ref.pairs  # differ in count (seed 22: 17 pairs and 16 pairs, both scoring 315)


@FAST
@given(cs_instances)
def test_the_civil_service_preset_reaches_the_reference_by_flow_and_lp(people):
    from revmentor_nb.matching.reference import solve_reference

    flow = match(people, settings={"preset": "civil-service"})
    lp = match(people, settings=_with({"preset": "civil-service"}, method="lp"))
    ref = solve_reference(people, pair_bonus=flow.pair_bonus, tier_step=flow.tier_step)
    for res in (flow, lp):
        assert res.status == "optimal"
        assert res.objective == pytest.approx(ref.objective, rel=1e-7, abs=1e-7)


small = st.builds(
    lambda seed, nm, ne, ei, cap: instance(seed, nm, ne, n_either=ei, max_capacity=cap, n_topics=6, n_others=12),
    st.integers(0, 10_000), st.integers(2, 12), st.integers(2, 14), st.integers(0, 4), st.integers(1, 3),
)


@FAST
@given(small, st.sampled_from(["mentees", "off"]))
def test_most_pairs_first_in_one_solve_equals_the_two_stage_solve(inst, tiers):
    kw = dict(roster=inst.roster, exclusions=inst.exclusions)
    one = match(inst.participants, **kw, settings={"most_pairs": 1.0, "tiers": tiers})
    # a mix cap of 100% never binds but is a side constraint, so this takes the two-stage path
    two = match(inst.participants, **kw, settings={"most_pairs": 1.0, "tiers": tiers,
                                                   "mix": [{"column": "department", "max_share": 1.0}]})
    assert one.status == two.status == "optimal"
    assert "+" in two.method and ("+" not in one.method or not one.n_pairs)
    assert one.n_pairs == two.n_pairs
    assert one.objective == pytest.approx(two.objective, rel=1e-6, abs=1e-6)


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(small, st.sampled_from([{}, BARE]))
def test_a_warm_started_curve_equals_cold_solves(inst, extra):
    if extra:
        people = sample_people().sample(40, random_state=len(inst.participants))
        run = prepare(people, settings=extra)
    else:
        run = prepare(inst.participants, roster=inst.roster, exclusions=inst.exclusions, locks=inst.locks)
    first = run.solve()
    curve = first.tradeoff(points=4)
    for s, obj, status in zip(np.linspace(0.0, 1.0, 4), curve.objective, curve.status):
        cold = run.solve(most_pairs=float(s))
        assert status == cold.status == "optimal"
        assert obj == pytest.approx(cold.objective, rel=1e-7, abs=1e-7)


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(small, st.data())
def test_a_warm_started_rematch_equals_a_cold_match(inst, data):
    p = inst.participants
    kw = dict(roster=inst.roster, exclusions=inst.exclusions)
    res = match(p, **kw)
    cand = res.candidates[~res.candidates.chosen & ~res.candidates.locked]
    if cand.empty or res.pairs.empty:
        return
    lock = cand.iloc[data.draw(st.integers(0, len(cand) - 1))]
    lock = (str(lock.mentor_id), str(lock.mentee_id))
    gone = res.pairs[~res.pairs.locked]
    forbid = [] if gone.empty else [tuple(map(str, gone.iloc[0][["mentor_id", "mentee_id"]]))]
    forbid = [f for f in forbid if f != lock]
    warm = res.rematch(lock=[lock], forbid=forbid)
    ex = pd.concat([inst.exclusions, pd.DataFrame([{"person_a": a, "person_b": b} for a, b in forbid])],
                   ignore_index=True)
    locks = pd.DataFrame([lock], columns=["mentor_id", "mentee_id"])
    cold = match(p, roster=inst.roster, exclusions=ex, locks=locks)
    assert warm.status == cold.status == "optimal"
    assert warm.objective == pytest.approx(cold.objective, rel=1e-7, abs=1e-7)
    assert warm.check_validity().empty


def test_a_matching_that_is_not_optimal_gets_no_prices():
    # two mentees, two mentors: the diagonal is worth 2 + 2, the swap 1 + 1; the swap cannot be certified
    m = np.array([0, 1, 0, 1])
    e = np.array([2, 2, 3, 3])
    w = np.array([2.0, 1.0, 1.0, 2.0])
    best = lapjv(m, e, w, np.ones(4, dtype=np.int64))
    assert sorted(w[best]) == [2.0, 2.0]
    pr = prices(m, e, w, best, 4)
    assert pr is not None and pr.u.sum() + pr.v.sum() == pytest.approx(4.0)
    assert np.all(w <= pr.u[e] + pr.v[m] + 1e-12)
    assert prices(m, e, w, np.array([1, 2]), 4) is None


# --- a kept graph (each person's best pairs only; the rest priced block by block) --------------------------

def _kept(keep: int):  # noqa: ANN202
    """Every run keeps only each person's ``keep`` best pairs (as 20,000 + 20,000 sign-ups do)."""
    return mock.patch.multiple("revmentor_nb.matching.engine", KEEP_ABOVE=0, KEEP=keep)


@FAST
@given(cs_instances, st.sampled_from([0.0, 0.5, 1.0]), st.integers(1, 3))
def test_a_kept_graph_reaches_the_reference(people, most_pairs, keep):
    from revmentor_nb.matching.reference import solve_reference

    base = {"preset": "civil-service", "most_pairs": most_pairs}
    with _kept(keep):
        kept = match(people, settings=base)
    full = match(people, settings=base)
    # (most pairs first is one solve with its own bonus: compared with the full graph's answer only)
    ref = solve_reference(people, pair_bonus=full.pair_bonus, tier_step=full.tier_step) if most_pairs < 1.0 else None
    assert kept.status == "optimal" and kept.check_validity().empty
    assert kept.objective == pytest.approx(full.objective, rel=1e-7, abs=1e-7)
    if ref is not None:
        assert kept.objective == pytest.approx(ref.objective, rel=1e-7, abs=1e-7)
    g = kept._run.graph
    assert g.kept and g.allowed == full._run.graph.n and g.n <= g.allowed
    if kept.n_pairs:
        assert "price every pair left out" in kept.certificate


@FAST
@given(small, st.integers(1, 2))
def test_a_kept_graph_with_locks_and_either_people_equals_the_full_graph(inst, keep):
    kw = dict(roster=inst.roster, exclusions=inst.exclusions, locks=inst.locks)
    full = match(inst.participants, **kw)
    with _kept(keep):
        kept = match(inst.participants, **kw)
    assert kept.status == full.status == "optimal" and kept.check_validity().empty
    assert kept.objective == pytest.approx(full.objective, rel=1e-7, abs=1e-7)
    assert kept.n_pairs == full.n_pairs


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(cs_instances, st.data())
def test_a_rematch_on_a_kept_graph_equals_a_cold_match(people, data):
    by_class = data.draw(st.booleans())
    with _kept(1), mock.patch("revmentor_nb.matching.classes.MAX_CELL_SHARE", 1.0 if by_class else 0.0):
        res = match(people, settings={"preset": "civil-service"})
        full = prepare(people, settings={"preset": "civil-service"})
        g = full.graph
    assert (g.classes is not None) == by_class
    full = match(people, settings={"preset": "civil-service"})
    cand = full.candidates[~full.candidates.chosen]
    if cand.empty:
        return
    row = cand.iloc[data.draw(st.integers(0, len(cand) - 1))]  # perhaps a pair the kept graph left out
    lock = (str(row.mentor_id), str(row.mentee_id))
    with _kept(1), mock.patch("revmentor_nb.matching.classes.MAX_CELL_SHARE", 1.0 if by_class else 0.0):
        warm = res.rematch(lock=[lock])
    cold = match(people, settings={"preset": "civil-service"},
                 locks=pd.DataFrame([lock], columns=["mentor_id", "mentee_id"]))
    assert g.kept
    assert warm.status == cold.status == "optimal" and warm.check_validity().empty
    assert warm.objective == pytest.approx(cold.objective, rel=1e-7, abs=1e-7)


def test_flow_potentials_exist_only_for_an_optimal_flow():
    from revmentor_nb.matching.flow import potentials

    # nodes: 0 source, 1 a, 2 b, 3 sink; one unit from 0 to 3 through a (worth 2) or b (worth 1)
    tails, heads = np.array([0, 0, 1, 2]), np.array([1, 2, 3, 3])
    caps, costs = np.ones(4, dtype=np.int64), np.array([0, 0, -2, -1])
    via_a = np.array([1, 0, 1, 0])
    best = potentials(tails, heads, caps, costs, via_a, 4)
    assert best is not None
    fwd, back = via_a < caps, via_a > 0
    for t, h, c in [*zip(tails[fwd], heads[fwd], costs[fwd]), *zip(heads[back], tails[back], -costs[back])]:
        assert c + best[t] - best[h] >= 0  # reduced costs of every residual arc
    assert potentials(tails, heads, caps, costs, np.array([0, 1, 0, 1]), 4) is None  # through b: a gainful cycle


def test_a_bare_assignment_is_answered_by_the_assignment_path():
    """On a bare instance with distinct scores the pooled assignment certifies its own answer (no hand-over to the
    flow): the fast path is really used, not only correct when it is."""
    rng = np.random.default_rng(3)
    n_mentors, n_mentees = 60, 80
    topics = [f"t{i}" for i in range(12)]
    rows = [{"person_id": f"M{i}", "name": f"M{i}", "role": "mentor", "consent": "yes", "capacity": 1,
             "offers": ";".join(rng.choice(topics, 4, replace=False)), "wants": ""} for i in range(n_mentors)]
    rows += [{"person_id": f"E{i}", "name": f"E{i}", "role": "mentee", "consent": "yes", "capacity": 1,
              "offers": "", "wants": ";".join(rng.choice(topics, 3, replace=False))} for i in range(n_mentees)]
    people = pd.DataFrame(rows)
    settings_ = {"rules": {"different_department": False, "grade_gap": {"enabled": False},
                           "location": False}, "tiers": "off", "mentee_cap": 1}
    result = match(people, settings=settings_)
    assert result.method == "assignment" and result.status == "optimal" and result.n_pairs > 0


either_small = st.builds(
    lambda seed, nm, ne, ei, cap: instance(seed, nm, ne, n_either=ei, max_capacity=cap, n_topics=6, n_others=12),
    st.integers(0, 10_000), st.integers(2, 10), st.integers(2, 12), st.integers(1, 5), st.integers(1, 3),
)
DIVES: list[str] = []


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(either_small, st.sampled_from([(0.0, 0.0), (0.02, 0.05), (None, 0.0), (0.0, None)]))
def test_the_ilp_dive_by_highs_reaches_the_same_optimum_as_by_cbc(inst, gaps):
    """Fairness floors that bind (and 'either' people sharing one total): the LP is often fractional,
    and the dive that settles its fractional pairs by HiGHS' MIP (in memory) ends at the same
    certified objective as the same dive by CBC."""
    import revmentor_nb.matching.solve as solve_mod

    rate, fit = gaps
    kw = dict(roster=inst.roster, exclusions=inst.exclusions, locks=inst.locks,
              settings={"fairness": {"max_rate_gap": rate, "max_fit_gap": fit, "min_group": 2}})
    with mock.patch.object(solve_mod, "DIVE_BACKEND", "highs"):
        by_highs = match(inst.participants, **kw)
    with mock.patch.object(solve_mod, "DIVE_BACKEND", "cbc"):
        by_cbc = match(inst.participants, **kw)
    DIVES.append(by_highs.method)
    assert by_highs.status == by_cbc.status == "optimal"
    assert by_highs.objective == pytest.approx(by_cbc.objective, rel=1e-5, abs=1e-6)
    assert by_highs.bound >= by_highs.objective - 1e-9
    assert by_highs.check_validity().empty


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(either_small, st.sampled_from([(0.0, 0.0), (0.02, 0.05)]))
def test_highs_mip_and_cbc_solve_the_same_fairness_ilp_to_the_same_optimum(inst, gaps):
    """The two ILP back ends on the whole fairness ILP (every usable pair, gap 0): same optimum,
    and HiGHS' bound is a bound."""
    import revmentor_nb.matching.engine as engine_mod
    import revmentor_nb.matching.solve as solve_mod

    models = []
    real = engine_mod.solve

    def spy(model, pool, **kw):  # noqa: ANN001, ANN003, ANN202
        models.append(model)
        return real(model, pool, **kw)

    rate, fit = gaps
    with mock.patch.object(engine_mod, "solve", spy):
        match(inst.participants, roster=inst.roster, exclusions=inst.exclusions, locks=inst.locks,
              settings={"fairness": {"max_rate_gap": rate, "max_fit_gap": fit, "min_group": 2}})
    model = models[-1]
    idx = np.flatnonzero(model.usable)

    def objective(x: np.ndarray, aux: np.ndarray) -> float:
        return float(model.value[idx] @ np.rint(x) + np.dot(model.aux_obj, aux))

    x_h, aux_h, status_h, bound_h = solve_mod._highs_mip(model, idx, None, 1, None, 0.0)
    x_c, aux_c, status_c, _ = solve_mod._cbc(model, idx, None, 1, None, 0.0)
    assert status_h == status_c == "optimal"
    assert objective(x_h, aux_h) == pytest.approx(objective(x_c, aux_c), rel=1e-6, abs=1e-6)
    assert bound_h is None or bound_h >= objective(x_h, aux_h) - 1e-6 * max(1.0, abs(bound_h))


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(either_small, st.sampled_from([(0.0, 0.0), (0.02, 0.05), (0.0, None)]))
def test_pruning_the_lp_before_side_rows_join_changes_nothing(inst, gaps):
    """The fairness re-solve drops the unconstrained LP's columns priced far below zero before
    adding the side rows; pruning every nonbasic column (threshold 0) reaches the same optimum
    as pruning none (column generation brings back what is needed)."""
    import revmentor_nb.matching.lp as lp_mod

    rate, fit = gaps
    kw = dict(roster=inst.roster, exclusions=inst.exclusions, locks=inst.locks,
              settings={"fairness": {"max_rate_gap": rate, "max_fit_gap": fit, "min_group": 2}})
    with mock.patch.object(lp_mod, "PRUNE_ABOVE", 0), mock.patch.object(lp_mod, "PRUNE_BELOW", 0.0):
        pruned = match(inst.participants, **kw)
    with mock.patch.object(lp_mod, "PRUNE_BELOW", None):
        whole = match(inst.participants, **kw)
    assert pruned.status == whole.status == "optimal"
    assert pruned.objective == pytest.approx(whole.objective, rel=1e-5, abs=1e-6)
    assert pruned.check_validity().empty


# --- a kept graph through people classes (rule verdicts and scores per class x class cell) --------------------

def _by_class():  # noqa: ANN202
    """Classes are used whatever their number (the matcher uses them only when far fewer than people)."""
    return mock.patch("revmentor_nb.matching.classes.MAX_CELL_SHARE", 1.0)


def copies(people: pd.DataFrame, n: int) -> pd.DataFrame:
    """Each sign-up ``n`` times under new ids and e-mails: big classes, ties broken only by the tie-break."""
    parts = []
    for c in range(n):
        part = people.copy()
        if c:
            part["person_id"] = part["person_id"].astype(str) + f"~{c}"
            if "email" in part:
                part["email"] = part["email"].astype(str).str.replace("@", f"+{c}@", regex=False)
        parts.append(part)
    return pd.concat(parts, ignore_index=True)


tied_instances = st.builds(lambda seed, nm, ne, cap, n: copies(draw(seed, nm, ne, cap), n),
                           st.integers(0, 10_000), st.integers(1, 10), st.integers(1, 12), st.integers(1, 3),
                           st.integers(1, 4))


@FAST
@given(tied_instances, st.sampled_from([0.0, 0.5, 1.0]), st.integers(1, 3))
def test_a_kept_graph_by_class_equals_the_full_graph_and_the_reference(people, most_pairs, keep):
    from revmentor_nb.matching.reference import solve_reference

    base = {"preset": "civil-service", "most_pairs": most_pairs}
    with _kept(keep), _by_class():
        kept = match(people, settings=base)
    full = match(people, settings=base)
    g, fg = kept._run.graph, full._run.graph
    assert g.classes is not None and fg.classes is None
    assert kept.status == "optimal" and kept.check_validity().empty
    assert kept.objective == pytest.approx(full.objective, rel=1e-7, abs=1e-7)
    if most_pairs < 1.0:
        ref = solve_reference(people, pair_bonus=full.pair_bonus, tier_step=full.tier_step)
        assert kept.objective == pytest.approx(ref.objective, rel=1e-7, abs=1e-7)
    # the counts per rule come from the class tables: the same as pair by pair
    assert g.allowed == fg.n
    pd.testing.assert_frame_equal(g.rejected, fg.rejected)


@FAST
@given(tied_instances, st.integers(1, 3))
def test_the_pairs_a_class_graph_keeps_and_its_bounds_match_every_pair(people, keep):
    """The held pairs carry their own scores and tie-breaks; each person holds ``keep`` pairs (or every allowed
    one); no pair left out has a key above the person's bound; pricing by class finds
    exactly the pairs a block scan finds and every left-out pair with a positive gain."""
    with _kept(keep), _by_class():
        g = prepare(people, settings={"preset": "civil-service"}).graph
    f = prepare(people, settings={"preset": "civil-service"}).graph
    assert g.classes is not None
    ts = g.tie_scale
    fkey = f.score + ts * f.tiebreak
    held = g.find(f.m, f.e)
    assert np.all(held < g.n)
    inside = held >= 0
    assert np.array_equal(g.score[held[inside]], f.score[inside])
    assert np.array_equal(g.tiebreak[held[inside]], f.tiebreak[inside])
    assert inside.sum() == g.n  # every held pair is allowed
    for who, omit in ((f.e, g.omit_e), (f.m, g.omit_m)):
        out = ~inside
        assert np.all(fkey[out] <= omit[who[out]])
        for p in np.unique(who):
            mine = np.flatnonzero(who == p)
            assert inside[mine].sum() >= min(keep, len(mine))
    rng = np.random.default_rng(len(people))
    for _ in range(3):
        be = rng.normal(-20.0, 8.0, g.people.n)
        bm = rng.normal(-5.0, 8.0, g.people.n)
        by_class = g.outside(be, bm)
        blocks = replace(g, classes=None).outside(be, bm)
        got = sorted(zip(*(a.tolist() for a in by_class)))
        assert got == sorted(zip(*(a.tolist() for a in blocks)))
        gain = fkey + be[f.e] + bm[f.m]
        want = sorted(zip(f.m[~inside & (gain > 0)].tolist(), f.e[~inside & (gain > 0)].tolist()))
        assert [(m, e) for m, e, *_ in got] == want


@FAST
@given(small, st.integers(1, 2))
def test_a_class_graph_with_locks_and_either_people_equals_the_full_graph(inst, keep):
    # without exclusions (a rule that reads the people's rows): the reporting-line rule makes every class one person
    kw = dict(roster=inst.roster, locks=inst.locks)
    full = match(inst.participants, **kw)
    with _kept(keep), _by_class():
        kept = match(inst.participants, **kw)
        assert prepare(inst.participants, **kw).graph.classes is not None
    # (a model that is not a pure network, 'either' people with one shared total, is solved on the full graph)
    assert kept._run.graph.classes is not None or not kept._run.graph.kept
    assert kept.status == full.status == "optimal" and kept.check_validity().empty
    assert kept.objective == pytest.approx(full.objective, rel=1e-7, abs=1e-7)
    pd.testing.assert_frame_equal(kept._run.graph.rejected, full._run.graph.rejected)


def test_classes_are_refused_when_a_rule_reads_the_people_themselves():
    from revmentor_nb.matching.classes import pair_classes

    inst = instance(3, 6, 6, n_either=2, max_capacity=2, n_topics=4, n_others=6)
    run = prepare(inst.participants, roster=inst.roster, exclusions=inst.exclusions)
    g = run.graph
    with _by_class():
        assert any(r.spec.kind in ("exclusion", "line") for r in g.rules)
        assert pair_classes(g.people, g.rules, g.terms, g.mentor_side, g.mentee_side) is None
        plain = [r for r in g.rules if r.spec.kind not in ("exclusion", "line", "identity")]
        assert pair_classes(g.people, plain, g.terms, g.mentor_side, g.mentee_side) is not None
