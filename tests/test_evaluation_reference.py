"""Every evaluation statistic against an independent computation on generated data (issue 15).

References: exact fractions for scores, changes and moments; scipy (ttest_rel, wilcoxon, nct, t,
spearmanr, linregress, fisher_exact, ecdf, logrank, f) on the exact values; statsmodels
(SurvfuncRight, proportion_confint); Newcombe's and Wilson's formulas written out here; mpmath
(40 digits) for the noncentral t where scipy's own CDF is unreliable. Data include ties, zero
changes, n = 2-4, constant changes, all-censored and uncensored survival and 0/n proportions.
"""
from __future__ import annotations

import math
import warnings
from fractions import Fraction as Fr

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, assume, example, given, settings
from hypothesis import strategies as st
from scipy import optimize, stats
from statsmodels.duration.survfunc import SurvfuncRight
from statsmodels.stats.proportion import proportion_confint

from revmentor_nb.evaluation.comparison import standardised_difference
from revmentor_nb.evaluation.dose import dose_response
from revmentor_nb.evaluation.effect_size import dz_confidence_interval
from revmentor_nb.evaluation.instruments import cronbach_alpha, load_instruments
from revmentor_nb.evaluation.kpis import compare_proportions, wilson
from revmentor_nb.evaluation.precision import on_grid
from revmentor_nb.evaluation.prepost import levels, paired_stats, person_scores, prepost
from revmentor_nb.evaluation.survival import kaplan_meier, logrank

TOL = 1e-9
CI_TOL = 1e-7
INSTRUMENTS = load_instruments()
SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def close(a: float, b: float, tol: float = TOL) -> bool:
    """Equal to ``tol``, absolutely for small values and relatively for large ones (NaN equals NaN)."""
    if not np.isfinite(a) or not np.isfinite(b):
        return (np.isnan(a) and np.isnan(b)) or a == b
    return abs(a - b) <= tol * max(1.0, abs(b))


# --------------------------------------------------------------------------- exact item scoring


def exact_score(answers: dict[str, int | None], inst, members) -> Fr | None:
    """The mean of the answered (reverse-keyed) items as a fraction; None below min_answered."""
    vals = [answers.get(i) for i in members]
    vals = [Fr(int(inst.scale_min + inst.scale_max - v)) if i in inst.reverse else Fr(v)
            for i, v in zip(members, vals) if v is not None]
    if len(vals) < math.ceil(inst.min_answered * len(members) - 1e-9):
        return None
    return sum(vals, Fr(0)) / len(vals)


def _scales(inst):
    return {"total": list(inst.items), **{s: list(m) for s, m in inst.subscales.items()}}


def _dz_reference(d_z: float, n: int, level: float = 0.95) -> tuple[float, float]:
    """Bounds from the definition: brentq on scipy's noncentral t CDF (used where |t| <= 1000).

    Negative d_z by symmetry (CI(-d) = -CI(d)): scipy's CDF returns NaN for t < 0 far in the tail.
    """
    if d_z < 0:
        low, high = _dz_reference(-d_z, n, level)
        return -high, -low
    t, df = d_z * math.sqrt(n), n - 1

    def root(target: float) -> float:
        f = lambda nc: stats.nct.cdf(t, df, nc) - target  # noqa: E731 - decreasing in nc
        lo, hi = 0.0, t + 1.0
        while f(lo) < 0:  # a negative bound only for small t, where scipy's CDF is fine at negative nc
            lo = 2 * lo - 1
        while f(hi) > 0:
            hi *= 2
        return optimize.brentq(f, lo, hi, xtol=1e-13, rtol=1e-15) / math.sqrt(n)

    return root(1 - (1 - level) / 2), root((1 - level) / 2)


def _check_paired(row_or_out, pre_exact: list[Fr], post_exact: list[Fr]) -> None:
    """One pre/post result against scipy on the exact values and formulas in fractions."""
    r = row_or_out
    diffs = [b - a for a, b in zip(pre_exact, post_exact)]
    n = len(diffs)
    pre_f, post_f = np.array([float(x) for x in pre_exact]), np.array([float(x) for x in post_exact])
    diff_f = np.array([float(d) for d in diffs])
    assert r["n_zero_change"] == sum(d == 0 for d in diffs)
    mean = sum(diffs, Fr(0)) / n
    assert close(r["mean_change"], float(mean)) and close(r["mean_pre"], float(sum(pre_exact, Fr(0)) / n))
    if n >= 2 and any(d != 0 for d in diffs):  # tests need two pairs
        ref = stats.wilcoxon(diff_f)
        assert close(r["wilcoxon_w"], float(ref.statistic)) and close(r["p_wilcoxon"], float(ref.pvalue))
    else:
        assert np.isnan(r["p_wilcoxon"])
    if n < 2:
        return
    var = sum(((d - mean) ** 2 for d in diffs), Fr(0)) / (n - 1)
    if var == 0:
        assert r["sd_change"] == 0 and np.isnan(r["t"]) and np.isnan(r["d_z"]) and np.isnan(r["d_z_low"])
        return
    sd = math.sqrt(var)
    assert close(r["sd_change"], sd)
    ref_t = stats.ttest_rel(post_f, pre_f)
    ci = ref_t.confidence_interval()
    assert close(r["t"], float(ref_t.statistic)) and close(r["p_t"], float(ref_t.pvalue)) and r["df"] == n - 1
    assert close(r["change_low"], float(ci.low)) and close(r["change_high"], float(ci.high))
    d_z = float(mean) / sd
    assert close(r["d_z"], d_z)
    if abs(d_z * math.sqrt(n)) <= 1000:
        low, high = _dz_reference(d_z, n)
        assert close(r["d_z_low"], low, CI_TOL) and close(r["d_z_high"], high, CI_TOL)


# --------------------------------------------------------------------------- pre/post through the pipeline

answer = st.one_of(st.integers(1, 5), st.integers(1, 5), st.integers(1, 5), st.none())
shift = st.sampled_from([-1, 0, 0, 0, 1, 2])


@st.composite
def cohorts(draw, low: int = 2, high: int = 14):
    """Item answers before and after for MFQ-9 or digital confidence: small moves, so many ties and zeros."""
    inst = INSTRUMENTS[draw(st.sampled_from(["mfq9", "digital_confidence"]))]
    n = draw(st.integers(low, high))
    people = []
    for _ in range(n):
        pre = {i: draw(answer) for i in inst.items}
        post = {i: (None if v is None else min(5, max(1, v + draw(shift)))) for i, v in pre.items()}
        people.append((pre, post))
    return inst, people


def _frame(inst, people) -> pd.DataFrame:
    rows = []
    for k, (pre, post) in enumerate(people):
        rows.append({"person_id": f"p{k}", "stage": "pre", "instrument": inst.id, **pre})
        rows.append({"person_id": f"p{k}", "stage": "post", "instrument": inst.id, **post})
    return pd.DataFrame(rows)


def _assert_prepost_exact(inst, people) -> None:
    table = prepost(_frame(inst, people), instruments=INSTRUMENTS)
    for scale, members in _scales(inst).items():
        pre_x, post_x = [], []
        for pre, post in people:
            a, b = exact_score(pre, inst, members), exact_score(post, inst, members)
            if a is not None and b is not None:
                pre_x.append(a)
                post_x.append(b)
        hit = table[table["scale"] == scale]
        if not pre_x:
            assert hit.empty or hit.iloc[0]["n_paired"] == 0
            continue
        row = hit.iloc[0]
        assert row["n_paired"] == len(pre_x)
        _check_paired(row, pre_x, post_x)


@SETTINGS
@given(cohorts())
def test_prepost_equals_scipy_on_exact_scores_small_samples(data):
    """n = 2-14: exact Wilcoxon, or scipy's exact permutation distribution when changes tie or are zero."""
    _assert_prepost_exact(*data)


@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(cohorts(15, 24))
def test_prepost_equals_scipy_on_exact_scores_larger_samples(data):
    """n = 15-24: the normal approximation with tie correction, on exactly tied ranks."""
    _assert_prepost_exact(*data)


def test_mfq9_example_from_the_issue_ties_the_equal_changes():
    """Career support, three people: changes +1/3, +1/3, -1/3 tie in rank: W = 2, p = 1.0 (not W = 1, p = 0.5)."""
    pre = [(2, 5, 1), (1, 1, 1), (4, 3, 4)]
    post = [(3, 5, 1), (2, 1, 1), (5, 1, 4)]
    people = [({f"mfq{i + 1}": v for i, v in enumerate(a)}, {f"mfq{i + 1}": v for i, v in enumerate(b)})
              for a, b in zip(pre, post)]
    row = prepost(_frame(INSTRUMENTS["mfq9"], people), instruments=INSTRUMENTS).set_index("scale").loc[
        "career_support"]
    assert row["wilcoxon_w"] == 2.0 and row["p_wilcoxon"] == pytest.approx(1.0, abs=TOL)
    assert row["n_zero_change"] == 0 and row["mean_change"] == pytest.approx(1 / 9, abs=TOL)


def test_zero_changes_made_of_rounding_noise_count_as_zero():
    pre = np.array([0.1 + 0.2, (1 + 1 + 2) / 3, 2.0, 1.0])
    post = np.array([0.3, 4 / 3 + 1e-16 * 3, 2.0, 2.0])
    assert (post - pre)[0] != 0  # -5.6e-17: zero on paper, not in floats
    out = paired_stats(pre, post)
    assert out["n_zero_change"] == 3 and on_grid(post - pre).tolist() == [0.0, 0.0, 0.0, 1.0]
    assert out["p_wilcoxon"] == pytest.approx(stats.wilcoxon([0.0, 0.0, 0.0, 1.0]).pvalue, abs=TOL)


def test_wilcoxon_runs_when_every_change_is_the_same():
    """Six people all +1: t and d_z are undefined, but the exact Wilcoxon p is 2/64 = 0.031."""
    out = paired_stats(np.ones(6), np.full(6, 2.0))
    assert out["p_wilcoxon"] == pytest.approx(2 / 64, abs=TOL) and out["wilcoxon_w"] == 0
    assert out["sd_change"] == 0 and np.isnan(out["t"]) and np.isnan(out["d_z"])
    thirds = paired_stats(np.array([7 / 3, 4 / 3, 5 / 3]), np.array([8 / 3, 5 / 3, 2.0]))  # +1/3 each, in floats
    assert thirds["sd_change"] == 0 and np.isnan(thirds["d_z"]) and thirds["p_wilcoxon"] == pytest.approx(0.25)


def test_two_pairs_have_a_t_test_on_one_df():
    out = paired_stats(np.array([1.0, 2.0]), np.array([2.0, 4.0]))
    ref = stats.ttest_rel([2.0, 4.0], [1.0, 2.0])
    assert out["df"] == 1 and close(out["t"], ref.statistic) and close(out["p_t"], ref.pvalue)
    assert np.isfinite(out["d_z_low"]) and out["d_z_low"] < out["d_z"] < out["d_z_high"]


# --------------------------------------------------------------------------- the d_z interval


@settings(max_examples=60, deadline=None)
@given(st.floats(-25, 25).filter(lambda x: x == 0 or abs(x) > 1e-6), st.integers(2, 200))  # scipy: NaN near t = 1e-100
def test_dz_interval_equals_the_noncentral_t_inversion(d_z, n):
    assume(abs(d_z) * math.sqrt(n) <= 1000)
    low, high = dz_confidence_interval(d_z, n)
    ref_low, ref_high = _dz_reference(d_z, n)
    assert close(low, ref_low, CI_TOL) and close(high, ref_high, CI_TOL)
    assert low < d_z < high or (n == 2 and low <= d_z <= high)


def test_dz_interval_examples_from_the_issue():
    low, high = dz_confidence_interval(10.39, 3)
    assert (round(low, 3), round(high, 2)) == (1.554, 20.01)  # exact [1.554.., 20.01]; the old fallback gave [2.000, 18.78]
    changes = np.array([2.75, 2.75, 2.73828125])
    d_z = changes.mean() / changes.std(ddof=1)
    low, high = dz_confidence_interval(d_z, 3)
    assert (round(low, 1), round(high, 1)) == (64.6, 779.5)  # the old normal fallback gave [81.1, 730.6]


def _mp_cdf(t: float, df: int, nc: float):
    """40-digit noncentral t CDF: P(Z + nc <= t S) integrated over Z (mpmath), for t > 0."""
    mp = pytest.importorskip("mpmath")
    mp.mp.dps = 30
    t, nc = mp.mpf(t), mp.mpf(nc)
    half = mp.mpf(df) / 2

    def h(z):
        x = df * ((z + nc) / t) ** 2
        return mp.npdf(z) * mp.gammainc(half, x / 2, mp.inf, regularized=True)

    lo = max(-nc, mp.mpf(-40))
    marks = sorted({lo, mp.mpf(40), *[p for p in (-nc + t * c for c in (0.3, 1, 3)) if lo < p < 40]})
    return mp.ncdf(-nc) + mp.quad(h, marks)


@pytest.mark.parametrize("d_z, n", [(10.39, 3), (405.877, 3), (43.5, 4), (900.0, 5), (3000.0, 3)])
def test_dz_interval_is_exact_where_scipy_struggles(d_z, n):
    """Each bound is within 1e-7 (relative) of the root of a 30-digit CDF: the CDF crosses the target between
    bound * (1 - 1e-7) and bound * (1 + 1e-7)."""
    low, high = dz_confidence_interval(d_z, n)
    t = d_z * math.sqrt(n)
    for bound, target in ((low, 0.975), (high, 0.025)):
        nc = bound * math.sqrt(n)
        below, above = _mp_cdf(t, n - 1, nc * (1 - 1e-7)), _mp_cdf(t, n - 1, nc * (1 + 1e-7))
        assert below > target > above


# --------------------------------------------------------------------------- dose-response


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(st.integers(0, 6), st.integers(-6, 6), st.integers(1, 3)), min_size=3, max_size=20))
@example(rows=[(0, 1, 1), (0, 1, 1), (1, 1, 1)])  # CI found it: everyone +1 gave a float slope of 2.2e-16, not 0
def test_dose_response_equals_ols_in_fractions_and_scipy_spearman(rows):
    """Changes are differences of item means (k/3 and the like) computed in floats, as the pipeline does; the
    reference fits the exact fractions: slope = Sxy / Sxx, SE = sqrt(SSR / (n - 2) / Sxx), p from t on n - 2 df."""
    held = pd.Series([m for m, _, _ in rows], index=[f"p{i}" for i in range(len(rows))])
    exact = [Fr(k, d) for _, k, d in rows]
    noisy = pd.Series([(2 + k / d) - 2 for _, k, d in rows], index=held.index)  # rounding noise as in real scores
    assume(held.nunique() >= 2)
    out = dose_response(noisy, held)
    n, xs = len(rows), [Fr(m) for m, _, _ in rows]
    mx, my = sum(xs, Fr(0)) / n, sum(exact, Fr(0)) / n
    sxx = sum(((x - mx) ** 2 for x in xs), Fr(0))
    sxy = sum(((x - mx) * (y - my) for x, y in zip(xs, exact)), Fr(0))
    slope = sxy / sxx
    ssr = sum(((y - my - slope * (x - mx)) ** 2 for x, y in zip(xs, exact)), Fr(0))
    se = math.sqrt(ssr / (n - 2) / sxx)
    assert close(out.slope, float(slope)) and close(out.intercept, float(my - slope * mx))
    assert close(out.slope_se, se)
    half = stats.t.ppf(0.975, n - 2) * se
    assert close(out.slope_low, float(slope) - half) and close(out.slope_high, float(slope) + half)
    if len(set(exact)) > 1:
        x, y = held.to_numpy(float), np.array([float(v) for v in exact])
        rho = stats.spearmanr(x, y)
        assert close(out.spearman_rho, float(rho.statistic)) and close(out.p_spearman, float(rho.pvalue))
        syy = sum(((y - my) ** 2 for y in exact), Fr(0))
        assert close(out.r2, float(1 - ssr / syy))
        p = 2 * stats.t.sf(abs(float(slope)) / se, n - 2) if se > 0 else 0.0
        assert close(out.p_slope, p) or (se < 1e-12 and out.p_slope < 1e-9)
    else:  # everyone changed alike: a flat line, nothing to test
        assert np.isnan(out.spearman_rho) and out.slope == 0 and np.isnan(out.p_slope) and np.isnan(out.r2)


# --------------------------------------------------------------------------- levels and reliability


@SETTINGS
@given(st.lists(st.integers(1, 5), min_size=1, max_size=30))
def test_levels_equal_scipy_t_interval(values):
    scores = pd.DataFrame({"instrument": "x", "scale": "total", "person_id": [f"p{i}" for i in range(len(values))],
                           "stage": "post", "value": [v / 3 for v in values]})
    row = levels(scores, {"all": scores["person_id"]}).iloc[0]
    exact = [Fr(v, 3) for v in values]
    assert close(row["mean"], float(sum(exact, Fr(0)) / len(exact)))
    if len(set(values)) > 1:
        x = np.array([float(v) for v in exact])
        low, high = stats.t.interval(0.95, len(x) - 1, loc=x.mean(), scale=stats.sem(x))
        assert close(row["mean_low"], low) and close(row["mean_high"], high)
    else:
        assert np.isnan(row["mean_low"])


@SETTINGS
@given(st.integers(3, 25), st.integers(2, 5), st.data())
def test_cronbach_alpha_equals_the_formula_in_fractions(n, k, data):
    x = [[data.draw(st.integers(1, 5)) for _ in range(k)] for _ in range(n)]
    res = cronbach_alpha(pd.DataFrame(x, columns=[f"i{j}" for j in range(k)]))

    def var(v):
        m = Fr(sum(v), len(v))
        return sum((Fr(a) - m) ** 2 for a in v) / (len(v) - 1)

    total = var([sum(r) for r in x])
    if total == 0:
        assert np.isnan(res.alpha)
        return
    alpha = Fr(k, k - 1) * (1 - sum(var([r[j] for r in x]) for j in range(k)) / total)
    assert close(res.alpha, float(alpha))
    df1, df2 = n - 1, (n - 1) * (k - 1)
    assert close(res.low, 1 - (1 - float(alpha)) * stats.f.ppf(0.975, df1, df2))
    assert close(res.high, 1 - (1 - float(alpha)) * stats.f.ppf(0.025, df1, df2))


@SETTINGS
@given(st.sampled_from(["mfq9", "digital_confidence"]), st.data())
def test_item_scores_equal_exact_means_with_reverse_keying_and_ranges(inst_id, data):
    inst = INSTRUMENTS[inst_id]
    people = [{i: data.draw(st.one_of(st.integers(0, 6), st.none())) for i in inst.items} for _ in range(5)]
    frame = pd.DataFrame([{"person_id": f"p{k}", "stage": "pre", "instrument": inst.id, **p}
                          for k, p in enumerate(people)])
    scores = person_scores(frame, INSTRUMENTS).set_index(["person_id", "scale"])["value"]
    for k, p in enumerate(people):
        in_range = {i: (v if v is not None and inst.scale_min <= v <= inst.scale_max else None) for i, v in p.items()}
        for scale, members in _scales(inst).items():
            want = exact_score(in_range, inst, members)
            got = scores.get((f"p{k}", scale))
            assert (want is None and got is None) or close(got, float(want))


# --------------------------------------------------------------------------- survival


survival_data = st.lists(st.tuples(st.integers(1, 30), st.booleans()), min_size=1, max_size=40)


@SETTINGS
@given(survival_data, st.sampled_from(["mixed", "all censored", "no censoring"]))
def test_kaplan_meier_equals_statsmodels_and_scipy(rows, censoring):
    time = np.array([t for t, _ in rows], dtype=float)
    event = np.array([e for _, e in rows])
    event = {"mixed": event, "all censored": np.zeros_like(event), "no censoring": np.ones_like(event)}[censoring]
    km = kaplan_meier(time, event)
    if not event.any():
        assert km.empty
        return
    sm = SurvfuncRight(time, event.astype(int))
    assert np.array_equal(km["time"].to_numpy(), sm.surv_times)
    assert np.max(np.abs(km["survival"].to_numpy() - sm.surv_prob)) <= TOL
    se_ok = np.isfinite(sm.surv_prob_se)
    assert np.max(np.abs(km["se"].to_numpy()[se_ok] - sm.surv_prob_se[se_ok]), initial=0) <= TOL
    ref = stats.ecdf(stats.CensoredData.right_censored(time, ~event))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # scipy: "the interval is undefined at some observations"
        ci = ref.sf.confidence_interval(method="log-log")
    for t, s, lo, hi in zip(km["time"], km["survival"], km["low"], km["high"]):
        assert close(s, float(ref.sf.evaluate(t)))
        ref_lo, ref_hi = float(ci.low.evaluate(t)), float(ci.high.evaluate(t))
        if 0 < s < 1:
            assert close(lo, ref_lo) and close(hi, ref_hi)
        else:
            assert np.isnan(lo) and np.isnan(hi)


@SETTINGS
@given(survival_data, survival_data)
def test_logrank_equals_scipy(a, b):
    t1, e1 = np.array([t for t, _ in a], float), np.array([e for _, e in a])
    t2, e2 = np.array([t for t, _ in b], float), np.array([e for _, e in b])
    chi2, p = logrank(np.r_[t1, t2], np.r_[e1, e2], np.r_[np.zeros(len(a)), np.ones(len(b))])
    if not (e1.any() or e2.any()):
        assert np.isnan(chi2) and np.isnan(p)
        return
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # no variance: scipy says NaN with a warning
        ref = stats.logrank(stats.CensoredData.right_censored(t1, ~e1), stats.CensoredData.right_censored(t2, ~e2))
    assert close(chi2, float(ref.statistic) ** 2) and close(p, float(ref.pvalue))


# --------------------------------------------------------------------------- proportions


def _wilson(c: int, n: int, z: float) -> tuple[float, float]:
    p = c / n
    centre, half = p + z * z / (2 * n), z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    return (centre - half) / (1 + z * z / n), (centre + half) / (1 + z * z / n)


@SETTINGS
@given(st.integers(1, 60), st.integers(1, 60), st.data())
def test_proportions_equal_wilson_newcombe_and_fisher(n1, n2, data):
    c1 = data.draw(st.sampled_from([0, n1, *range(n1 + 1)]))
    c2 = data.draw(st.sampled_from([0, n2, *range(n2 + 1)]))
    z = stats.norm.isf(0.025)
    l1, u1 = _wilson(c1, n1, z)
    l2, u2 = _wilson(c2, n2, z)
    low, high = wilson(c1, n1)
    ref = proportion_confint(c1, n1, method="wilson")
    assert close(low, 100 * l1) and close(high, 100 * u1) and close(low, 100 * ref[0]) and close(high, 100 * ref[1])
    out = compare_proportions(c1, n1, c2, n2)
    d = c1 / n1 - c2 / n2
    p1, p2 = c1 / n1, c2 / n2
    newcombe_low = d - math.sqrt((p1 - l1) ** 2 + (u2 - p2) ** 2)  # Newcombe (1998), method 10
    newcombe_high = d + math.sqrt((u1 - p1) ** 2 + (p2 - l2) ** 2)
    assert close(out["difference_points"], 100 * d)
    assert close(out["difference_low"], 100 * newcombe_low) and close(out["difference_high"], 100 * newcombe_high)
    fisher = stats.fisher_exact([[c1, n1 - c1], [c2, n2 - c2]]).pvalue
    assert close(out["p_fisher"], float(fisher))


def test_proportions_of_nobody_are_blank():
    assert np.isnan(wilson(0, 0)[0]) and np.isnan(compare_proportions(0, 0, 3, 5)["p_fisher"])


# --------------------------------------------------------------------------- balance


@SETTINGS
@given(st.lists(st.integers(1, 8), min_size=1, max_size=12), st.lists(st.integers(1, 8), min_size=1, max_size=12))
def test_standardised_difference_equals_the_formula(a, b):
    got = standardised_difference(np.array(a, float), np.array(b, float))
    if len(a) < 2 or len(b) < 2:
        assert np.isnan(got)  # undefined for a one-person group, never 0 ("balanced")
        return

    def var(v):
        m = Fr(sum(v), len(v))
        return sum((Fr(x) - m) ** 2 for x in v) / (len(v) - 1)

    gap = Fr(sum(a), len(a)) - Fr(sum(b), len(b))
    pooled = (var(a) + var(b)) / 2
    if pooled == 0:
        assert (got == 0) if gap == 0 else np.isnan(got)
    else:
        assert close(got, float(gap) / math.sqrt(pooled))
