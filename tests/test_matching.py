"""Property tests of the matcher on random small programmes, against an independent exact solve.

The oracle below re-implements the default rules and score terms in plain Python (one pair
at a time, no shared code with the package) and solves the same b-matching with
scipy.optimize.milp, so a bug in the vectorised rules, the scoring, the LP/ILP machinery or
the certificate shows up as a mismatch.
"""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scipy.optimize import Bounds, LinearConstraint, milp

from revmentor_nb.matching import MatchInputError, MatchSettings, match
from revmentor_nb.matching.synth import instance

# ----------------------------------------------------------------------------- the oracle


def _low(x):
    return None if x is None or (isinstance(x, float) and np.isnan(x)) or str(x).strip() == "" else str(x).strip().casefold()


def _items(v):
    return [str(x).strip() for x in (v or []) if str(x).strip()]


def oracle_pairs(people: pd.DataFrame, roster: pd.DataFrame, exclusions: pd.DataFrame, levels: int = 3,
                 gap_min: int = 1, w_cov=1.0, w_first=2.0, w_int=0.3, w_site=0.2):
    """Every allowed (mentor, mentee) pair with its score, by the default rules, pair by pair."""
    rows = people.to_dict("records")
    managers = {}
    for frame in (roster, people):
        for r in frame.to_dict("records"):
            mid = r.get("manager_id")
            if mid is not None and not (isinstance(mid, float) and np.isnan(mid)) and str(mid) != str(r["person_id"]):
                managers[str(r["person_id"])] = str(mid)

    def ancestors(pid):
        out, node, seen = set(), managers.get(pid), {pid}
        for _ in range(levels):
            if node is None or node in seen:
                break
            out.add(node)
            seen.add(node)
            node = managers.get(node)
        return out

    anc = {str(r["person_id"]): ancestors(str(r["person_id"])) for r in rows}
    excl = {frozenset((str(a), str(b))) for a, b in zip(exclusions["person_a"], exclusions["person_b"])}
    out = {}
    for m in rows:
        for e in rows:
            a, b = str(m["person_id"]), str(e["person_id"])
            if a == b or m["role"] not in ("mentor", "either") or e["role"] not in ("mentee", "either"):
                continue
            if not (m["consent"] and e["consent"]):
                continue
            if frozenset((a, b)) in excl:
                continue
            if _low(m["department"]) == _low(e["department"]) and _low(m["department"]) is not None:
                continue
            if a in anc[b] or b in anc[a]:
                continue
            if e["grade_rank"] - m["grade_rank"] < gap_min:
                continue
            same_site = _low(m["location"]) is not None and _low(m["location"]) == _low(e["location"])
            if not (same_site or (m["remote_ok"] and e["remote_ok"])):
                continue
            offers = {x.casefold() for x in _items(m["offers"])}
            wants = []
            for x in _items(e["wants"]):
                if x.casefold() not in wants:
                    wants.append(x.casefold())
            if not offers & set(wants):
                continue
            weights = [w_first if i == 0 else 1.0 for i in range(len(wants))]
            cov = sum(w for t, w in zip(wants, weights) if t in offers) / sum(weights)
            im = {x.casefold() for x in _items(m["interests"])}
            ie = {x.casefold() for x in _items(e["interests"])}
            jac = len(im & ie) / len(im | ie) if (im | ie) else 0.0
            out[(a, b)] = w_cov * cov + w_int * jac + w_site * float(same_site)
    return out


def oracle_optimum(people: pd.DataFrame, pairs: dict, bonus: float, locks=()) -> tuple[float, int]:
    """max sum(score + bonus) over the b-matching with shared 'either' capacity (scipy.milp)."""
    if not pairs:
        return 0.0, 0
    keys = list(pairs)
    idx = {k: j for j, k in enumerate(keys)}
    ids = list(people["person_id"].astype(str))
    pos = {p: i for i, p in enumerate(ids)}
    role = dict(zip(ids, people["role"]))
    cap = dict(zip(ids, people["capacity"]))
    J, n = len(keys), len(ids)
    rows_e = [pos[b] for a, b in keys]
    rows_m = [pos[a] for a, b in keys]
    mentee = sp.csr_matrix((np.ones(J), (rows_e, range(J))), shape=(n, J))
    load = sp.csr_matrix((np.ones(J), (rows_m, range(J))), shape=(n, J))
    either = np.array([role[p] == "either" for p in ids], dtype=float)
    load = load + sp.diags(either) @ mentee
    cons = [LinearConstraint(mentee, ub=np.ones(n)), LinearConstraint(load, ub=np.array([cap[p] for p in ids], float))]
    twice = [(idx[k], idx[(k[1], k[0])]) for k in keys if (k[1], k[0]) in idx and k[0] < k[1]]
    if twice:
        a = sp.csr_matrix((np.ones(2 * len(twice)), (np.repeat(np.arange(len(twice)), 2), np.array(twice).ravel())),
                          shape=(len(twice), J))
        cons.append(LinearConstraint(a, ub=np.ones(len(twice))))
    lb = np.zeros(J)
    for k in locks:
        lb[idx[k]] = 1.0
    w = np.array([pairs[k] + bonus for k in keys])
    res = milp(-w, constraints=cons, integrality=np.ones(J), bounds=Bounds(lb, np.ones(J)))
    assert res.status == 0
    return -res.fun, int(round(res.x.sum()))


# ----------------------------------------------------------------------------- instances

small = st.builds(
    lambda seed, nm, ne, ei, cap: instance(seed, nm, ne, n_either=ei, max_capacity=cap, n_topics=8, n_others=12),
    st.integers(0, 10_000), st.integers(2, 14), st.integers(2, 16), st.integers(0, 4), st.integers(1, 3),
)
PROPS = settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _run(inst, **kw):
    return match(inst.participants, roster=inst.roster, exclusions=inst.exclusions, **kw)


# ----------------------------------------------------------------------------- properties


@PROPS
@given(small)
def test_objective_equals_independent_exact_solve(inst):
    res = _run(inst)
    pairs = oracle_pairs(inst.participants, inst.roster, inst.exclusions)
    cand = res.candidates
    got = {(str(a), str(b)): s for a, b, s in zip(cand.mentor_id, cand.mentee_id, cand.score)}
    assert set(got) == set(pairs)  # the same allowed pairs ...
    for k, v in pairs.items():  # ... with the same scores
        assert got[k] == pytest.approx(v, abs=1e-12)
    best, _ = oracle_optimum(inst.participants, pairs, res.pair_bonus)
    assert res.status == "optimal"
    assert res.objective == pytest.approx(best, rel=1e-6, abs=1e-6)
    assert res.bound >= res.objective - 1e-9
    assert res.gap <= 1e-5


@PROPS
@given(small)
def test_no_rule_capacity_or_identity_is_ever_broken(inst):
    res = _run(inst)
    assert res.check_validity().empty
    p = res.pairs
    assert not p.duplicated("mentee_id").any()
    assert (p.mentor_id != p.mentee_id).all()
    people = inst.participants.set_index("person_id")
    load = pd.concat([p.mentor_id, p.mentee_id[p.mentee_id.map(people.role) == "either"]]).value_counts()
    assert (load <= people.capacity.reindex(load.index)).all()
    pairs = {frozenset(x) for x in zip(p.mentor_id, p.mentee_id)}
    assert len(pairs) == len(p)  # two 'either' people are paired at most once


@PROPS
@given(small)
def test_every_unmatched_person_has_a_reason(inst):
    res = _run(inst)
    matched = set(res.pairs.mentor_id) | set(res.pairs.mentee_id)
    everyone = set(inst.participants.person_id)
    assert set(res.unmatched.person_id) == everyone - matched
    assert res.unmatched.reason.str.len().gt(10).all()
    assert res.unmatched.cause.isin(["no consent", "no candidate", "lost to capacity", "not chosen"]).all()


@settings(max_examples=12, deadline=None)
@given(small, st.integers(0, 3))
def test_same_input_same_output(inst, seed):
    a = _run(inst, seed=seed)
    b = _run(inst, seed=seed)
    pd.testing.assert_frame_equal(a.pairs, b.pairs)
    pd.testing.assert_frame_equal(a.unmatched, b.unmatched)
    assert a.data_hash == b.data_hash
    shuffled = inst.participants.sample(frac=1.0, random_state=seed)
    c = match(shuffled, roster=inst.roster, exclusions=inst.exclusions, seed=seed)
    pd.testing.assert_frame_equal(a.pairs, c.pairs)
    assert a.data_hash == c.data_hash


@settings(max_examples=15, deadline=None)
@given(small, st.data())
def test_locks_and_exclusions_are_honoured(inst, data):
    base = _run(inst)
    cand = base.candidates
    if cand.empty:
        return
    k = data.draw(st.integers(0, len(cand) - 1))
    lock = (str(cand.mentor_id.iloc[k]), str(cand.mentee_id.iloc[k]))
    locks = pd.DataFrame([lock], columns=["mentor_id", "mentee_id"])
    res = _run(inst, locks=locks)
    assert ((res.pairs.mentor_id == lock[0]) & (res.pairs.mentee_id == lock[1]) & res.pairs.locked).sum() == 1
    assert res.check_validity().empty
    pairs = oracle_pairs(inst.participants, inst.roster, inst.exclusions)
    best, _ = oracle_optimum(inst.participants, pairs, res.pair_bonus, locks=[lock])
    assert res.objective == pytest.approx(best, rel=1e-6, abs=1e-6)
    # forbidding a chosen pair removes it, both ways round
    if len(base.pairs):
        a, b = base.pairs.mentor_id.iloc[0], base.pairs.mentee_id.iloc[0]
        ex = pd.concat([inst.exclusions, pd.DataFrame([{"person_a": b, "person_b": a, "reason": "test"}])])
        again = match(inst.participants, roster=inst.roster, exclusions=ex)
        assert not ((again.pairs.mentor_id == a) & (again.pairs.mentee_id == b)).any()
        redo = base.rematch(forbid=[(a, b)])
        assert not ((redo.pairs.mentor_id == a) & (redo.pairs.mentee_id == b)).any()
        assert redo.objective == pytest.approx(again.objective, rel=1e-9)


@settings(max_examples=10, deadline=None)
@given(small)
def test_infeasible_locks_are_explained_not_crashed(inst):
    p = inst.participants
    mentee = p.loc[p.role == "mentee", "person_id"]
    mentor = p.loc[p.role == "mentor", "person_id"]
    if mentee.empty or mentor.empty:
        return
    locks = pd.DataFrame({"mentor_id": ["NOBODY", mentee.iloc[0], mentor.iloc[0]],
                          "mentee_id": [mentee.iloc[0], mentor.iloc[0], mentor.iloc[0]]})
    with pytest.raises(MatchInputError) as err:
        _run(inst, locks=locks)
    probs = err.value.problems
    assert list(probs.columns) == ["file", "row", "column", "value", "problem", "fix"]
    assert len(probs) >= 3
    assert probs.problem.str.contains("not a participant").any()
    assert probs.problem.str.contains("themselves").any()


@settings(max_examples=10, deadline=None)
@given(small)
def test_most_pairs_first_reaches_the_maximum_number_of_pairs(inst):
    res = _run(inst, settings=MatchSettings(most_pairs=1.0))
    pairs = oracle_pairs(inst.participants, inst.roster, inst.exclusions)
    _, most = oracle_optimum(inst.participants, {k: 0.0 for k in pairs}, 1.0)
    assert res.n_pairs == most
    assert res.check_validity().empty
    # among maximum matchings it has the best fit
    big = 1.0 + sum(pairs.values())
    best, cnt = oracle_optimum(inst.participants, pairs, big)
    assert cnt == most
    assert res.total_fit == pytest.approx(best - big * cnt, rel=1e-6, abs=1e-6)


@settings(max_examples=8, deadline=None)
@given(small)
def test_fairness_side_constraints_are_valid_and_cost_no_more_than_needed(inst):
    bare = _run(inst)
    fair = _run(inst, settings={"fairness": {"max_rate_gap": 0.0, "max_fit_gap": 0.0, "min_group": 2}})
    assert fair.check_validity().empty
    assert fair.status in ("optimal", "feasible")
    assert fair.objective <= bare.objective + 1e-6
    assert fair.bound >= fair.objective - 1e-9


@settings(max_examples=15, deadline=None)
@given(small, st.sampled_from(["one-way", "two-way"]), st.sampled_from([0.0, 0.3, 0.5, 0.9, 1.0]),
       st.sampled_from([None, 1]), st.booleans())
def test_any_setting_gives_a_valid_explained_match(inst, mode, most_pairs, load_cap, mix):
    cfg = {"mode": mode, "most_pairs": most_pairs, "load_cap": load_cap,
           "mix": [{"column": "department", "side": "mentor", "max_share": 0.5}] if mix else []}
    res = _run(inst, settings=cfg)
    assert res.check_validity().empty
    assert res.status in ("optimal", "feasible")
    assert res.bound >= res.objective - 1e-9
    if load_cap:
        assert res.pairs.empty or res.pairs.mentor_id.value_counts().max() <= 1 or (
            inst.participants.set_index("person_id").role.reindex(res.pairs.mentor_id) == "either").any()
    if mix and res.n_pairs:
        dept = inst.participants.set_index("person_id").department
        assert res.pairs.mentor_id.map(dept).value_counts(normalize=True).max() <= 0.5 + 1e-9
    matched = set(res.pairs.mentor_id) | set(res.pairs.mentee_id)
    assert set(res.unmatched.person_id) == set(inst.participants.person_id) - matched
