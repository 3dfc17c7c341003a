"""``assess scenario save|list|delete``: the consultant names and saves what-if scenarios.

The client's page never writes; a saved scenario appears in the next report's "What if" table
beside the agreed plan. Parsing and wording are in
:mod:`assessment.recommendations.scenario_text`, the store in
:mod:`assessment.recommendations.scenario_store`.
"""

from __future__ import annotations

import argparse
import datetime as dt
from collections.abc import Callable
from pathlib import Path


def _save(args: argparse.Namespace) -> int:
    from assessment.engagement import load_engagement
    from assessment.presentation import money
    from assessment.recommendations.scenario_store import load_basis, save_scenario
    from assessment.recommendations.scenario_text import levers_text, parse_levers, scenario_lines
    from assessment.recommendations.scenarios import Scenario

    engagement = load_engagement(args.path)
    levers = parse_levers(args.action, args.leave_out)
    scenario = Scenario(args.name.strip(), levers, frozenset(args.site_benchmark))
    save_scenario(engagement, scenario, args.by, args.on or dt.date.today())
    print(f"Saved scenario '{scenario.name}': {levers_text(scenario, engagement.site_names())}")
    basis = load_basis(engagement)
    if basis is not None:  # saved against a published plan: always, save_scenario checks
        print("\n".join(scenario_lines(basis, scenario, money(engagement))))
    print(f"It appears in the report's What if section from the next run: assess run {args.path}")
    return 0


def _list(args: argparse.Namespace) -> int:
    from assessment.engagement import load_engagement
    from assessment.presentation import date_text
    from assessment.recommendations.scenario_store import saved_scenarios
    from assessment.recommendations.scenario_text import levers_text

    engagement = load_engagement(args.path)
    found = saved_scenarios(engagement)
    for scenario, by, on in found:
        when = date_text(on).replace("\xa0", " ")
        print(f"{scenario.name} (saved by {by}, {when}):")
        print(f"  {levers_text(scenario, engagement.site_names())}")
    if not found:
        print(f"No scenario saved for {engagement.client.name} yet: assess scenario save --help")
    return 0


def _delete(args: argparse.Namespace) -> int:
    from assessment.engagement import load_engagement
    from assessment.recommendations.scenario_store import delete_scenario

    delete_scenario(load_engagement(args.path), args.name)
    print(f"Deleted scenario '{args.name}'; the next run's report no longer shows it.")
    return 0


def add_scenario_commands(
    commands: argparse._SubParsersAction, date: Callable[[str], dt.date]
) -> None:
    """Register ``assess scenario save|list|delete`` (``date`` parses YYYY-MM-DD)."""
    scenario = commands.add_parser(
        "scenario", help="name and save a what-if scenario of the published plan (or list, delete)"
    )
    actions = scenario.add_subparsers(dest="action", required=True, metavar="ACTION")

    save = actions.add_parser("save", help="save (or replace) a named scenario")
    save.add_argument("path", type=Path, help="the engagement folder")
    save.add_argument("name", help="the scenario's name, as the client reads it")
    save.add_argument(
        "--by", required=True, metavar="WHO", help="who saves it (shown in the report)"
    )
    save.add_argument(
        "--action",
        action="append",
        default=[],
        metavar="ID=PCT[,delay=M]",
        help="an action reaching PCT %% of its target's gain, M months late (repeat per action)",
    )
    save.add_argument(
        "--leave-out", action="append", default=[], metavar="ID", help="leave an action out"
    )
    save.add_argument(
        "--site-benchmark",
        action="append",
        default=[],
        metavar="SITE",
        help="the site (its key) reaches the best site's rate of the headline KPI",
    )
    save.add_argument(
        "--on", type=date, metavar="DATE", help="the date it is saved on (default: today)"
    )
    save.set_defaults(handler=_save)

    list_ = actions.add_parser("list", help="list the saved scenarios")
    list_.add_argument("path", type=Path, help="the engagement folder")
    list_.set_defaults(handler=_list)

    delete = actions.add_parser("delete", help="delete a saved scenario")
    delete.add_argument("path", type=Path, help="the engagement folder")
    delete.add_argument("name", help="the scenario's name")
    delete.set_defaults(handler=_delete)
