"""The initial opinion: hypotheses the hard data suggests, each with the figures behind it.

Step 1 of the method ends with an opinion formed from the data alone; step 2 overlays local
knowledge on it. Each hypothesis has a stable ``key`` built from the rule and its subjects (site,
KPI), never from figures, so a re-run with fresh data updates the statement and figures of the
same hypothesis and the consultant's annotations, keyed on it, survive.

Rules, in the order their hypotheses are listed (within a rule: contract first, then the
worst site first; Little's law flags by site key):

1. ``perf-gap:{site}:{kpi}``: a site, or the contract ("ALL"), below a share of its contracted
   headline KPI.
2. ``conversion-gap:{site}``: a site converting starts into outcomes at a fraction of the best
   site's rate.
3. ``spread:{kpi}``: a wide gap between the best and the worst site on a KPI.
4. ``time-with-customer:{site}``: a low share of observed time spent with customers.
5. ``data-quality:littles-law:{site}``: caseload figures that break Little's law (the contract
   only when no single site does).
6. ``benchmark:{site}:{kpi}``: the best site above contract on the headline KPI.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from assessment.data_analysis.flow import DAYS_PER_MONTH
from assessment.data_analysis.performance import ALL_SITES, site_spread
from assessment.terminology import Words
from assessment.terminology import words as default_words

Figure = float | int | str

_CONTRACT_NAME = "the contract as a whole"
# Fractions said in words when a ratio is this close to them (numbers are always given too).
_FRACTION_WORDS = {1 / 2: "half", 1 / 3: "a third of", 1 / 4: "a quarter of", 1 / 5: "a fifth of"}


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
        statement: The hypothesis in plain English, with its numbers.
        figures: The figures behind the statement (JSON-ready: floats, ints and strings).
    """

    key: str
    kind: str
    site: str | None
    kpi: str | None
    title: str
    statement: str
    figures: dict[str, Figure]


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
    to_date: pd.DataFrame,
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
    words: Words | None = None,
    study: str | None = None,
) -> list[Hypothesis]:
    """Hypotheses the data suggests, in a deterministic order (see the module docstring).

    Args:
        to_date: ``performance_to_date`` output.
        flow: ``flow_by_site`` output, or None without a caseload extract.
        value_share: ``value_adding_share`` output, or None without a work-sampling study.
        headline_kpi: The KPI key the contract is measured on.
        site_names: Site key to display name.
        kpi_labels: KPI key to display label.
        littles: ``littles_law_check`` output, or None.
        underperformance_pct: Rule 1 fires below this percentage of target.
        conversion_ratio: Rule 2 fires below this fraction of the best site's conversion rate.
        spread_pp: Rule 3 fires when best and worst sites are more than this many points apart.
        value_adding_floor: Rule 4 fires below this share of time with customers.
        benchmark_pct: Rule 6 fires when the best site is above this percentage of target.
        words: The client's words (terminology:) for the statements.
        study: What the work-sampling study covers ("Study: Riverside Clinic, 01-03 Oct
            2025"): its overall figure is the study's, never the contract's.

    Returns:
        The hypotheses, rule by rule.
    """
    names = _Names(site_names, kpi_labels, words or default_words())
    headline = to_date[(to_date["measure"] == headline_kpi) & to_date["pct_of_target"].notna()]
    return [
        *_below_contract(headline, names, underperformance_pct),
        *_conversion_gaps(flow, headline, names.kpi(headline_kpi), names, conversion_ratio),
        *_spreads(to_date, headline_kpi, names, spread_pp),
        *_time_with_customer(value_share, names, value_adding_floor, study),
        *_littles_flags(littles, names),
        *_benchmark(headline, names, benchmark_pct),
    ]


def hypotheses_frame(hyps: Iterable[Hypothesis]) -> pd.DataFrame:
    """The hypotheses as a table, one row each, ready to show or to store.

    Args:
        hyps: Hypotheses, e.g. from ``initial_opinion``.

    Returns:
        Columns ``key, kind, site, kpi, title, statement, figures``; ``figures`` holds each
        hypothesis's dict of figures (the store writes it as JSON).
    """
    columns = ["key", "kind", "site", "kpi", "title", "statement", "figures"]
    rows = [[h.key, h.kind, h.site, h.kpi, h.title, h.statement, dict(h.figures)] for h in hyps]
    return pd.DataFrame(rows, columns=columns)


def _below_contract(headline: pd.DataFrame, names: _Names, threshold: float) -> list[Hypothesis]:
    """Rule 1: the contract, then each site, below ``threshold`` % of the headline target."""
    low = headline[headline["pct_of_target"] < threshold]
    low = low.assign(_site=low["site"] != ALL_SITES).sort_values(["_site", "pct_of_target", "site"])
    return [
        Hypothesis(
            key=f"perf-gap:{row.site}:{row.measure}",
            kind="performance",
            site=_site_or_none(row.site),
            kpi=row.measure,
            title=f"{_capital(names.site(row.site))} at {row.pct_of_target:.0f}% of target on "
            f"{names.kpi(row.measure)}",
            statement=f"{_capital(names.site(row.site))} delivers {row.pct_of_target:.0f}% of "
            f"{'the' if row.site == ALL_SITES else 'its'} contracted {names.kpi(row.measure)} "
            f"to date ({row.actual:,.0f} against a target of {row.target:,.0f}, a gap of "
            f"{row.gap:,.0f}).",
            figures=_figures_of(
                row, ("pct_of_target", "actual", "target", "gap", "rank"), threshold_pct=threshold
            ),
        )
        for row in low.itertuples()
    ]


def _conversion_gaps(
    flow: pd.DataFrame | None, headline: pd.DataFrame, label: str, names: _Names, ratio: float
) -> list[Hypothesis]:
    """Rule 2: sites converting starts into outcomes at under ``ratio`` × the best site's rate."""
    if flow is None:
        return []
    sites = flow[(flow["site"] != ALL_SITES) & flow["conversion_to_outcome"].notna()]
    if len(sites) < 2:
        return []
    ordered = sites.sort_values(["conversion_to_outcome", "site"], ascending=[False, True])
    best = ordered.iloc[0]
    best_rate = float(best["conversion_to_outcome"])
    if best_rate <= 0:
        return []
    pct_by_site = headline.set_index("site")["pct_of_target"]
    weak = ordered[ordered["conversion_to_outcome"] < ratio * best_rate]
    weak = weak.sort_values(["conversion_to_outcome", "site"])
    hyps = []
    for row in weak.itertuples():
        relative = row.conversion_to_outcome / best_rate
        pct = pct_by_site.get(row.site, math.nan)
        delivers = (
            f"delivers {pct:.0f}% of its contracted {label} while " if not math.isnan(pct) else ""
        )
        hyps.append(
            Hypothesis(
                key=f"conversion-gap:{row.site}",
                kind="conversion",
                site=row.site,
                kpi=None,
                title=f"{names.site(row.site)} converts fewer starts into outcomes than "
                f"{names.site(best['site'])}",
                statement=f"{names.site(row.site)} {delivers}"
                f"{'converting' if delivers else 'converts'} {row.conversion_to_outcome:.0%} of "
                f"its starts into outcomes, {_times(relative)} the rate of "
                f"{names.site(best['site'])} ({best_rate:.0%}).",
                figures=_figures(
                    conversion_to_outcome=row.conversion_to_outcome,
                    starts=row.starts,
                    outcomes=row.outcomes,
                    best_site=best["site"],
                    best_conversion_to_outcome=best_rate,
                    ratio_to_best=relative,
                    pct_of_target=pct,
                ),
            )
        )
    return hyps


def _spreads(
    to_date: pd.DataFrame, headline_kpi: str, names: _Names, spread_pp: float
) -> list[Hypothesis]:
    """Rule 3: KPIs (headline first) whose best and worst sites are far apart."""
    scored = to_date[(to_date["site"] != ALL_SITES) & to_date["pct_of_target"].notna()]
    counts = scored.groupby("measure")["site"].nunique()
    measures = sorted(counts[counts >= 2].index, key=lambda m: (m != headline_kpi, m))
    hyps = []
    for measure in measures:
        spread = site_spread(to_date, measure)
        if spread.spread_pp <= spread_pp:
            continue
        best, worst = names.site(spread.best_site), names.site(spread.worst_site)
        hyps.append(
            Hypothesis(
                key=f"spread:{measure}",
                kind="spread",
                site=None,
                kpi=measure,
                title=f"Performance on {names.kpi(measure)} depends on the site",
                statement=f"Performance depends on the site, not the contract: on "
                f"{names.kpi(measure)}, {best} delivers {spread.best_pct:.0f}% of target and "
                f"{worst} {spread.worst_pct:.0f}%, a spread of {spread.spread_pp:.0f} percentage "
                f"points across {spread.n_sites} sites.",
                figures=_figures(
                    best_site=spread.best_site,
                    best_pct=spread.best_pct,
                    worst_site=spread.worst_site,
                    worst_pct=spread.worst_pct,
                    spread_pp=spread.spread_pp,
                    cv=spread.cv,
                    n_sites=spread.n_sites,
                    threshold_pp=spread_pp,
                ),
            )
        )
    return hyps


def _time_with_customer(
    value_share: pd.DataFrame | None, names: _Names, below: float, study: str | None = None
) -> list[Hypothesis]:
    """Rule 4: the contract, then each site, spending little observed time with customers."""
    if value_share is None:
        return []
    low = value_share[(value_share["n"] > 0) & (value_share["share"] < below)]
    low = low.assign(_site=low["site"] != ALL_SITES).sort_values(["_site", "share", "site"])
    hyps = []
    for row in low.itertuples():
        overall = f"across the study ({study.removeprefix('Study: ')})" if study else "overall"
        where = overall if row.site == ALL_SITES else f"at {names.site(row.site)}"
        caveat = (
            ""
            if row.sufficient
            else f" The sample is small: about {row.required_n:,} observations would be needed "
            "for a firm figure."
        )
        hyps.append(
            Hypothesis(
                key=f"time-with-customer:{row.site}",
                kind="time-with-customer",
                site=_site_or_none(row.site),
                kpi=None,
                title=f"Little time with {names.words.customers} {where}",
                statement=f"Staff {where} spend {row.share:.1%} of their observed time with "
                f"{names.words.customers} (likely between {row.ci_low:.1%} and {row.ci_high:.1%}; "
                f"{row.value_adding:,} of {row.n:,} observations).{caveat}",
                figures=_figures_of(
                    row,
                    ("share", "ci_low", "ci_high", "value_adding", "n", "required_n"),
                    threshold_share=below,
                ),
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
                ),
            )
        )
    return hyps


def _benchmark(headline: pd.DataFrame, names: _Names, above_pct: float) -> list[Hypothesis]:
    """Rule 6: the best site above contract is the benchmark for the others."""
    sites = headline[headline["site"] != ALL_SITES]
    if len(sites) < 2:
        return []
    best = sites.sort_values(["pct_of_target", "site"], ascending=[False, True]).iloc[0]
    if best["pct_of_target"] <= above_pct:
        return []
    contract = headline.loc[headline["site"] == ALL_SITES, "pct_of_target"]
    versus = f" (the contract as a whole: {contract.iloc[0]:.0f}%)" if len(contract) else ""
    name, label = names.site(best["site"]), names.kpi(best["measure"])
    return [
        Hypothesis(
            key=f"benchmark:{best['site']}:{best['measure']}",
            kind="benchmark",
            site=best["site"],
            kpi=best["measure"],
            title=f"{name} is the benchmark on {label}",
            statement=f"{name} delivers {best['pct_of_target']:.0f}% of its contracted {label}"
            f"{versus}: what {name} does differently is the benchmark for the other sites.",
            figures=_figures(
                pct_of_target=best["pct_of_target"],
                actual=best["actual"],
                target=best["target"],
                contract_pct=contract.iloc[0] if len(contract) else math.nan,
                threshold_pct=above_pct,
            ),
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
