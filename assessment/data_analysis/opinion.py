"""The initial opinion: hypotheses the hard data suggests, each with the figures behind it.

Step 1 of the method ends with an opinion formed from the data alone; step 2 overlays local
knowledge on it. Each hypothesis has a stable ``key`` built from the rule and its subjects (site,
KPI), never from figures, so a re-run with fresh data updates the statement and figures of the
same hypothesis and the consultant's annotations, keyed on it, survive.

Noise never becomes a hypothesis: each rule fires only when its test passes at 95% (site
comparisons corrected for the number of sites compared, see ``comparisons``), and each hypothesis
carries its p-value and its strength in words in ``figures``. The opinion lists them strongest
first (smallest p-value; data checks, which have none, last). Rules:

1. ``perf-gap:{site}:{kpi}``: the contract below a share of its contracted headline KPI (and
   surely below target: its interval's top under 100%), or a site below that share and behind
   the rest of the contract.
2. ``conversion-gap:{site}``: a site converting starts into outcomes behind the rest of the
   contract, at a fraction of the best site's rate (sites with enough starts only).
3. ``spread:{kpi}``: a wide gap between the best and the worst site with enough cases, and sites
   that differ more than chance allows (heterogeneity test).
4. ``time-with-customer:{site}``: a share of observed time with customers whose whole interval
   lies below the floor.
5. ``data-quality:littles-law:{site}``: caseload figures that break Little's law (the contract
   only when no single site does).
6. ``benchmark:{site}:{kpi}``: the best site ahead of the rest of the contract and above contract
   on the headline KPI.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from scipy import special, stats

from assessment.data_analysis.comparisons import (
    AHEAD,
    BEHIND,
    MIN_VOLUME,
    TOO_FEW_CASES,
    compare_to_rest,
    holm,
    strength,
)
from assessment.data_analysis.flow import DAYS_PER_MONTH
from assessment.data_analysis.performance import ALL_SITES
from assessment.terminology import Words
from assessment.terminology import words as default_words

Figure = float | int | str

_CONTRACT_NAME = "the contract as a whole"
# Fractions said in words when a ratio is this close to them (numbers are always given too).
_FRACTION_WORDS = {1 / 2: "half", 1 / 3: "a third of", 1 / 4: "a quarter of", 1 / 5: "a fifth of"}
_SIGNIFICANCE = 0.05


@dataclass(frozen=True)
class Hypothesis:
    """One hypothesis of the initial opinion.

    Attributes:
        key: Stable identity: the rule and its subjects, never a figure.
        kind: The rule family: performance, conversion, spread, time-with-customer,
            data-quality or benchmark.
        site: Site key, or None when it concerns the contract as a whole.
        kpi: KPI key, or None when the rule is not about one KPI.
        title: A short heading.
        statement: The hypothesis in plain English, with its numbers and their uncertainty.
        figures: The figures behind the statement (JSON-ready: floats, ints and strings),
            including ``p_value`` (where tested) and ``strength``.
    """

    key: str
    kind: str
    site: str | None
    kpi: str | None
    title: str
    statement: str
    figures: dict[str, Figure]

    @property
    def p_value(self) -> float | None:
        """The p-value behind the hypothesis, or None for a data check."""
        value = self.figures.get("p_value")
        return float(value) if isinstance(value, int | float) else None


@dataclass(frozen=True)
class _Names:
    """Display names of sites and KPIs, falling back to their keys."""

    sites: Mapping[str, str]
    kpis: Mapping[str, str]
    words: Words = field(default_factory=default_words)

    def site(self, key: str) -> str:
        return _CONTRACT_NAME if key == ALL_SITES else self.sites.get(key, key)

    def kpi(self, key: str) -> str:
        label = self.kpis.get(key, key)
        # Lower-case the first letter mid-sentence, but leave acronyms such as "KPI" alone.
        return label if label[1:2].isupper() else label[:1].lower() + label[1:]


def initial_opinion(
    comparison: pd.DataFrame,
    flow: pd.DataFrame | None,
    value_share: pd.DataFrame | None,
    headline_kpi: str,
    site_names: Mapping[str, str],
    kpi_labels: Mapping[str, str],
    littles: pd.DataFrame | None = None,
    *,
    underperformance_pct: float = 80.0,
    conversion_ratio: float = 0.6,
    spread_pp: float = 40.0,
    value_adding_floor: float = 0.15,
    benchmark_pct: float = 100.0,
    min_volume: float = MIN_VOLUME,
    words: Words | None = None,
    study: str | None = None,
) -> list[Hypothesis]:
    """Hypotheses the data suggests, strongest first (see the module docstring).

    Args:
        comparison: ``comparisons.site_comparison`` output (sites with intervals and verdicts).
        flow: ``flow_by_site`` output, or None without a caseload extract.
        value_share: ``value_adding_share`` output, or None without a work-sampling study.
        headline_kpi: The KPI key the contract is measured on.
        site_names: Site key to display name.
        kpi_labels: KPI key to display label.
        littles: ``littles_law_check`` output, or None.
        underperformance_pct: Rule 1 fires below this percentage of target.
        conversion_ratio: Rule 2 fires below this fraction of the best site's conversion rate.
        spread_pp: Rule 3 fires when best and worst sites are more than this many points apart.
        value_adding_floor: Rule 4 fires when the interval lies below this share.
        benchmark_pct: Rule 6 fires when the best site is above this percentage of target.
        min_volume: Fewest starts for a site's conversion to be compared (rule 2).
        words: The client's words (terminology:) for the statements.
        study: What the work-sampling study covers ("Study: Riverside Clinic, 01-03 Oct
            2025"): its overall figure is the study's, never the contract's.

    Returns:
        The hypotheses, ranked by strength (rule order breaks ties).
    """
    names = _Names(site_names, kpi_labels, words or default_words())
    headline = comparison[
        (comparison["measure"] == headline_kpi) & comparison["pct_of_target"].notna()
    ]
    hyps = [
        *_below_contract(headline, names, underperformance_pct),
        *_conversion_gaps(
            flow, headline, names.kpi(headline_kpi), names, conversion_ratio, min_volume
        ),
        *_spreads(comparison, headline_kpi, names, spread_pp),
        *_time_with_customer(value_share, names, value_adding_floor, study),
        *_littles_flags(littles, names),
        *_benchmark(headline, names, benchmark_pct),
    ]
    return rank_by_strength(hyps)


def rank_by_strength(hyps: Iterable[Hypothesis]) -> list[Hypothesis]:
    """Strongest first: by p-value; data checks (no p-value) last; stable within ties."""
    return sorted(hyps, key=lambda h: (h.p_value is None, h.p_value or 0.0))


def hypotheses_frame(hyps: Iterable[Hypothesis]) -> pd.DataFrame:
    """The hypotheses as a table, one row each, ready to show or to store.

    Args:
        hyps: Hypotheses, e.g. from ``initial_opinion`` (their order is kept: it is the rank).

    Returns:
        Columns ``key, kind, site, kpi, title, statement, figures``; ``figures`` holds each
        hypothesis's dict of figures, its ``p_value`` and ``strength`` among them (the store
        writes it as JSON).
    """
    columns = ["key", "kind", "site", "kpi", "title", "statement", "figures"]
    rows = [[h.key, h.kind, h.site, h.kpi, h.title, h.statement, dict(h.figures)] for h in hyps]
    return pd.DataFrame(rows, columns=columns)


def _evidence(p_value: float | None) -> dict[str, Figure]:
    """The p-value and strength figures of a hypothesis."""
    return _figures(p_value=p_value, strength=strength(p_value))


def _p_words(p_value: float) -> str:
    """A p-value as a reader sees it: "p < 0.001" or "p = 0.012"."""
    return "p < 0.001" if p_value < 0.001 else f"p = {p_value:.3f}"


def _below_contract(headline: pd.DataFrame, names: _Names, threshold: float) -> list[Hypothesis]:
    """Rule 1: the contract surely short of target, then sites surely below ``threshold``.

    A site fires when, with enough cases, it is behind the rest of the contract, or the whole 95%
    interval of its level (the one shown beside it) lies under the threshold: a site whose level
    could be above the threshold is not singled out. That is the site against its own contract,
    not against other sites, so no correction for the number of sites applies.
    """
    enough = headline["verdict"] != TOO_FEW_CASES
    low = headline.assign(below_p=_p_below(headline, threshold))
    low = low[low["pct_of_target"] < threshold]
    is_contract = low["site"] == ALL_SITES
    # "Surely below": the whole 95% interval shown beside the figure lies under the threshold.
    surely = (low["verdict"] == BEHIND) | (enough[low.index] & (low["pct_high"] < threshold))
    low = low[(is_contract & (low["pct_high"] < 100)) | (~is_contract & surely)]
    low = low.assign(_site=low["site"] != ALL_SITES).sort_values(["_site", "pct_of_target", "site"])
    return [_gap_hypothesis(row, names, threshold) for row in low.itertuples()]


def _p_below(sites: pd.DataFrame, threshold: float) -> np.ndarray:
    """One-sided p-values of "the level is at the threshold or above" (Wald, log scale)."""
    actual = np.maximum(sites["actual"].to_numpy(dtype=float), 0.5)
    pct = sites["pct_of_target"].to_numpy(dtype=float)
    se = np.sqrt(sites["dispersion"].to_numpy(dtype=float) / actual)
    return stats.norm.cdf(np.log(np.maximum(pct, 1e-9) / threshold) / se)


def _gap_hypothesis(row: tuple, names: _Names, threshold: float) -> Hypothesis:
    """The hypothesis of rule 1 for one row of the site comparison."""
    contract = row.site == ALL_SITES
    if contract:
        p = float(row.p_value)
        versus = f"; surely short of target ({_p_words(p)})"
    elif row.verdict == BEHIND:
        p = float(row.p_adjusted)
        versus = (
            f"; behind the rest of the contract at {row.rest_pct:.0f}% ({_p_words(p)}, "
            "corrected for the number of sites compared)"
        )
    else:
        p = float(row.below_p)
        versus = (
            f"; surely below {threshold:.0f}% ({_p_words(p)}), though no different from the rest "
            f"of the contract at {row.rest_pct:.0f}%"
        )
    name = _capital(names.site(row.site))
    return Hypothesis(
        key=f"perf-gap:{row.site}:{row.measure}",
        kind="performance",
        site=_site_or_none(row.site),
        kpi=row.measure,
        title=f"{name} at {row.pct_of_target:.0f}% of target on {names.kpi(row.measure)}",
        statement=f"{name} delivers {row.pct_of_target:.0f}% (95% interval {row.pct_low:.0f}–"
        f"{row.pct_high:.0f}%) of {'the' if contract else 'its'} contracted "
        f"{names.kpi(row.measure)} to date ({row.actual:,.0f} against a target of "
        f"{row.target:,.0f}, a gap of {row.target - row.actual:,.0f}){versus}.",
        figures=_figures_of(
            row,
            ("pct_of_target", "pct_low", "pct_high", "actual", "target", "rest_pct", "verdict"),
            gap=float(row.target - row.actual),
            threshold_pct=threshold,
        )
        | _evidence(p),
    )


def _conversion_gaps(
    flow: pd.DataFrame | None,
    headline: pd.DataFrame,
    label: str,
    names: _Names,
    ratio: float,
    min_volume: float,
) -> list[Hypothesis]:
    """Rule 2: sites converting starts into outcomes at under ``ratio`` × the benchmark's rate.

    The benchmark is the best site that converts better than the rest of the contract (Holm, with
    enough starts); each other site with enough starts is tested against it (Holm over those
    sites). Without such a site, a site is compared with the rest of the contract. Gatekeeping
    this way keeps the chance of any false claim near 5%: picking the best of many sites and
    testing the others against it would not.
    """
    if flow is None:
        return []
    sites = flow[(flow["site"] != ALL_SITES) & (flow["starts"] > 0)].reset_index(drop=True)
    if len(sites) < 2:
        return []
    starts = sites["starts"].to_numpy(dtype=float)
    outcomes = sites["outcomes"].to_numpy(dtype=float)
    versus = compare_to_rest(outcomes, starts, volume=starts, min_volume=min_volume)
    sites = pd.concat([sites, versus], axis=1)
    ahead = sites[sites["verdict"] == AHEAD].sort_values(["rate", "site"], ascending=[False, True])
    reliable = sites["verdict"] != TOO_FEW_CASES
    if len(ahead):
        best = ahead.iloc[0]
        others = sites[reliable & (sites["site"] != best["site"])].copy()
        y1, y2 = np.maximum(others["outcomes"].to_numpy(dtype=float), 0.5), float(best["outcomes"])
        log_ratio = np.log(others["rate"].to_numpy(dtype=float) / best["rate"])
        p = 2 * stats.norm.sf(np.abs(log_ratio) / np.sqrt(1 / y1 + 1 / y2))
        others["p_adjusted"] = holm(p) if len(p) else p
        weak = others[(others["p_adjusted"] < _SIGNIFICANCE) & (log_ratio < 0)]
    else:
        if not reliable.any():
            return []
        best = sites[reliable].sort_values(["rate", "site"], ascending=[False, True]).iloc[0]
        weak = sites[sites["verdict"] == BEHIND]
    best_rate = float(best["rate"])
    if best_rate <= 0:
        return []
    weak = weak[weak["rate"] < ratio * best_rate]
    # plain dicts: a pandas lookup per site costs more than the sentence it goes into
    pct_of = headline.set_index("site")["pct_of_target"].to_dict()
    best_row = best.to_dict()
    return [
        _conversion_hypothesis(row, best_row, pct_of, label, names, bool(len(ahead)))
        for row in weak.sort_values(["rate", "site"]).itertuples()
    ]


def _conversion_hypothesis(
    row: tuple,
    best: Mapping[str, Any],
    pct_by_site: Mapping[str, float],
    label: str,
    names: _Names,
    against_best: bool,
) -> Hypothesis:
    """The hypothesis of rule 2 for one site."""
    best_rate = float(best["rate"])
    relative = row.rate / best_rate
    pct = pct_by_site.get(row.site, math.nan)
    delivers = (
        f"delivers {pct:.0f}% of its contracted {label} while " if not math.isnan(pct) else ""
    )
    tested = (
        f"{names.site(best['site'])} converts more than the rest of the contract, and the gap "
        f"to it is more than chance ({_p_words(row.p_adjusted)}, corrected for the number of "
        "sites compared)"
        if against_best
        else f"the rest of the contract converts {row.rest_rate:.0%} "
        f"({_p_words(row.p_adjusted)}, corrected for the number of sites compared)"
    )
    return Hypothesis(
        key=f"conversion-gap:{row.site}",
        kind="conversion",
        site=row.site,
        kpi=None,
        title=f"{names.site(row.site)} converts fewer starts into outcomes than "
        f"{names.site(best['site'])}",
        statement=f"{names.site(row.site)} {delivers}"
        f"{'converting' if delivers else 'converts'} {row.rate:.0%} of its starts into "
        f"outcomes, {_times(relative)} the rate of {names.site(best['site'])} "
        f"({best_rate:.0%}); {tested}. Conversion here is the flow table's window ratio, "
        "outcomes ÷ starts over the same months.",
        figures=_figures(
            conversion_to_outcome=row.rate,
            starts=row.starts,
            outcomes=row.outcomes,
            best_site=best["site"],
            best_conversion_to_outcome=best_rate,
            ratio_to_best=relative,
            rest_conversion=row.rest_rate,
            pct_of_target=pct,
        )
        | _evidence(float(row.p_adjusted)),
    )


def _spreads(
    comparison: pd.DataFrame, headline_kpi: str, names: _Names, spread_pp: float
) -> list[Hypothesis]:
    """Rule 3: KPIs (headline first) whose best and worst sites with enough cases are far apart."""
    scored = comparison[
        (comparison["site"] != ALL_SITES)
        & comparison["pct_of_target"].notna()
        & comparison["verdict"].isin([AHEAD, BEHIND, "no clear difference"])
    ]
    hyps = []
    for measure in sorted(scored["measure"].unique(), key=lambda m: (m != headline_kpi, m)):
        sites = scored[scored["measure"] == measure]
        p = float(sites["heterogeneity_p"].iloc[0])
        if len(sites) < 2 or not p < _SIGNIFICANCE:
            continue
        ordered = sites.sort_values(["pct_of_target", "site"], ascending=[False, True])
        best, worst = ordered.iloc[0], ordered.sort_values(["pct_of_target", "site"]).iloc[0]
        spread = float(best["pct_of_target"] - worst["pct_of_target"])
        if spread <= spread_pp:
            continue
        hyps.append(
            Hypothesis(
                key=f"spread:{measure}",
                kind="spread",
                site=None,
                kpi=measure,
                title=f"Performance on {names.kpi(measure)} depends on the site",
                statement=f"Performance depends on the site, not the contract: on "
                f"{names.kpi(measure)}, {names.site(best['site'])} delivers "
                f"{best['pct_of_target']:.0f}% of target ({best['pct_low']:.0f}–"
                f"{best['pct_high']:.0f}%) and {names.site(worst['site'])} "
                f"{worst['pct_of_target']:.0f}% ({worst['pct_low']:.0f}–{worst['pct_high']:.0f}%),"
                f" a spread of {spread:.0f} percentage points across the {len(sites)} sites with "
                f"enough cases; more than chance allows ({_p_words(p)}).",
                figures=_figures(
                    best_site=best["site"],
                    best_pct=best["pct_of_target"],
                    worst_site=worst["site"],
                    worst_pct=worst["pct_of_target"],
                    spread_pp=spread,
                    n_sites=len(sites),
                    threshold_pp=spread_pp,
                )
                | _evidence(p),
            )
        )
    return hyps


def _time_with_customer(
    value_share: pd.DataFrame | None, names: _Names, below: float, study: str | None = None
) -> list[Hypothesis]:
    """Rule 4: the contract, then each site, whose interval of time with customers is below."""
    if value_share is None:
        return []
    low = value_share[(value_share["n"] > 0) & (value_share["ci_high"] < below)]
    low = low.assign(_site=low["site"] != ALL_SITES).sort_values(["_site", "share", "site"])
    hyps = []
    for row in low.itertuples():
        overall = f"across the study ({study.removeprefix('Study: ')})" if study else "overall"
        where = overall if row.site == ALL_SITES else f"at {names.site(row.site)}"
        needed = max(row.required_n, row.required_n_relative)
        caveat = (
            ""
            if row.sufficient
            else f" The sample is small: about {needed:,} observations would be needed for a "
            "firm figure."
        )
        # One-sided test of "the share is at the floor", on the sample's effective size.
        se = math.sqrt(below * (1 - below) / row.n_effective)
        p = float(special.ndtr((row.share - below) / se))  # stats.norm.cdf without its checks
        hyps.append(
            Hypothesis(
                key=f"time-with-customer:{row.site}",
                kind="time-with-customer",
                site=_site_or_none(row.site),
                kpi=None,
                title=f"Little time with {names.words.customers} {where}",
                statement=f"Staff {where} spend {row.share:.1%} of their observed time with "
                f"{names.words.customers} (95% interval {row.ci_low:.1%} to {row.ci_high:.1%}, "
                f"below {below:.0%}; {row.value_adding:,} of {row.n:,} observations).{caveat}",
                figures=_figures_of(
                    row,
                    ("share", "ci_low", "ci_high", "value_adding", "n", "required_n"),
                    threshold_share=below,
                )
                | _evidence(p),
            )
        )
    return hyps


def _littles_flags(littles: pd.DataFrame | None, names: _Names) -> list[Hypothesis]:
    """Rule 5: sites whose caseload figures break Little's law (the contract only if no site).

    A contract-level flag beside site flags repeats them, so it stands alone or not at all.
    """
    if littles is None:
        return []
    flagged = littles[littles["flag"]].sort_values("site")
    sites = flagged[flagged["site"] != ALL_SITES]
    flagged = sites if len(sites) else flagged
    hyps = []
    for row in flagged.itertuples():
        per_month = row.starts_per_day * DAYS_PER_MONTH
        implied = (
            f"{per_month:.1f} starts a month × {row.mean_days_in_service:.0f} days in service "
            f"imply {_amount(row.expected_caseload)} (ratio {row.ratio:.2f})"
            if row.expected_caseload > 0
            else f"no {names.words.customer} left service in that time"
        )
        hyps.append(
            Hypothesis(
                key=f"data-quality:littles-law:{row.site}",
                kind="data-quality",
                site=_site_or_none(row.site),
                kpi=None,
                title=f"Caseload data for {names.site(row.site)} do not add up",
                statement=f"The caseload data for {names.site(row.site)} do not add up: between "
                f"{_day(row.window_start)} and {_day(row.window_end)} on average "
                f"{_amount(row.caseload)} {names.words.customers} were in service, but {implied}. "
                f"{_capital(row.explanation)}.",
                figures=_figures_of(
                    row,
                    ("caseload", "expected_caseload", "ratio", "mean_days_in_service"),
                    starts_per_month=per_month,
                    open_at_start=row.open_at_start,
                    open_at_end=row.open_at_end,
                )
                | _evidence(None),
            )
        )
    return hyps


def _benchmark(headline: pd.DataFrame, names: _Names, above_pct: float) -> list[Hypothesis]:
    """Rule 6: the best site ahead of the rest and above contract is the others' benchmark."""
    ahead = headline[(headline["verdict"] == AHEAD) & (headline["pct_of_target"] > above_pct)]
    if ahead.empty:
        return []
    best = ahead.sort_values(["pct_of_target", "site"], ascending=[False, True]).iloc[0]
    contract = headline.loc[headline["site"] == ALL_SITES, "pct_of_target"]
    name, label = names.site(best["site"]), names.kpi(best["measure"])
    p = float(best["p_adjusted"])
    return [
        Hypothesis(
            key=f"benchmark:{best['site']}:{best['measure']}",
            kind="benchmark",
            site=best["site"],
            kpi=best["measure"],
            title=f"{name} is the benchmark on {label}",
            statement=f"{name} delivers {best['pct_of_target']:.0f}% (95% interval "
            f"{best['pct_low']:.0f}–{best['pct_high']:.0f}%) of its contracted {label}, ahead "
            f"of the rest of the contract at {best['rest_pct']:.0f}% ({_p_words(p)}, corrected "
            f"for the number of sites compared): what {name} does differently is the benchmark "
            "for the other sites.",
            figures=_figures(
                pct_of_target=best["pct_of_target"],
                pct_low=best["pct_low"],
                pct_high=best["pct_high"],
                actual=best["actual"],
                target=best["target"],
                rest_pct=best["rest_pct"],
                contract_pct=contract.iloc[0] if len(contract) else math.nan,
                threshold_pct=above_pct,
            )
            | _evidence(p),
        )
    ]


def _times(relative: float) -> str:
    """A ratio in words where it is close to a simple fraction ("half"), else as a percentage."""
    for fraction, word in _FRACTION_WORDS.items():
        if abs(relative - fraction) < 0.005:
            return word
        if abs(relative - fraction) < 0.03:
            return f"about {word}"
    return f"{relative:.0%} of"


def _amount(value: float) -> str:
    """A count of customers: whole numbers from 10 up, one decimal below."""
    return f"{value:,.0f}" if abs(value) >= 10 else f"{value:.1f}"


def _capital(text: str) -> str:
    """``text`` with its first letter upper-case (for names that start a sentence)."""
    return text[:1].upper() + text[1:]


def _site_or_none(site: str) -> str | None:
    """The site key, or None for the contract as a whole."""
    return None if site == ALL_SITES else site


def _day(day: pd.Timestamp) -> str:
    """A date as people write it: 1 Jul 2023."""
    return f"{day.day} {day:%b %Y}"


def _figures_of(row: tuple, columns: Iterable[str], **more: object) -> dict[str, Figure]:
    """Figures taken from the named fields of an ``itertuples`` row, plus ``more``."""
    return _figures(**{column: getattr(row, column) for column in columns}, **more)


def _figures(**values: object) -> dict[str, Figure]:
    """Strict-JSON figures: Python numbers rounded to 4 decimals; missing or infinite dropped."""
    figures: dict[str, Figure] = {}
    for name, value in values.items():
        if isinstance(value, str):
            figures[name] = value
        elif isinstance(value, int | np.integer):
            figures[name] = int(value)
        elif isinstance(value, float) and math.isfinite(value):
            figures[name] = round(float(value), 4)
    return figures
