"""The one status rule: each state from hand-set numbers; the client's word shown if it differs."""

from __future__ import annotations

import datetime as dt

from readable_text import plain

from assessment.recommendations.status import action_status, shown_pair

DUE = dt.date(2026, 6, 30)
BEFORE, AFTER = dt.date(2026, 5, 31), dt.date(2026, 11, 29)


def test_target_met_is_done_and_says_what_the_client_said() -> None:
    status = action_status("not_started", 58.0, 55.0, False, DUE, BEFORE)
    assert status.state == "done"
    assert status.text() == "Done · target met (58% against 55%) · client says not started"


def test_just_below_target_is_never_shown_as_equal_to_it() -> None:
    # 99.9 % rounds to 100 %: the comparison is unrounded and the shown values get a decimal
    status = action_status("on_track", 99.9, 100.0, False, DUE, AFTER)
    assert status.state == "late"
    assert "99.9% against 100.0%" in status.text()
    assert status.text().endswith("client says on track")
    assert shown_pair(99.9, 100.0) == ("99.9%", "100.0%")
    assert shown_pair(54.0, 55.0) == ("54%", "55%")
    assert shown_pair(55.0, 55.0) == ("55%", "55%")


def test_past_due_with_target_unmet_is_late_whatever_the_trend() -> None:
    # due 30 Sep, report day 29 Nov, data to 30 Jun: never "On track"
    status = action_status(
        "", 45.0, 80.0, False, dt.date(2026, 9, 30), AFTER, 10.0, data_to=dt.date(2026, 6, 30)
    )
    assert status.state == "late"
    assert plain(status.reason) == "due 30 Sep 2026, 45% against 80% on the data to 30 Jun 2026"


def test_on_track_only_when_the_trajectory_reaches_the_target_by_the_due_date() -> None:
    data_to = dt.date(2026, 3, 31)  # three months (91 days / 30.44) to the due date
    # 45 % rising 4 points a month: 45 + 4 x 2.99 = 56.96 by 30 Jun >= 55: on track
    assert action_status("", 45.0, 55.0, False, DUE, data_to, 4.0, data_to=data_to).state == (
        "on_track"
    )
    # rising 2 points a month: 45 + 2 x 2.99 = 50.98 < 55: at risk
    risky = action_status("on_track", 45.0, 55.0, False, DUE, data_to, 2.0, data_to=data_to)
    assert risky.state == "at_risk" and risky.client_says == "on_track"
    # falling (the "52% -> 71% but trend down" contradiction cannot happen): at risk
    assert action_status("", 71.0, 80.0, False, DUE, data_to, -1.0, data_to=data_to).state == (
        "at_risk"
    )


def test_client_words_without_data() -> None:
    assert action_status("done", None, 20.0, True, DUE, BEFORE).text() == (
        "Done · reported done by the client"
    )
    assert action_status("not_started", None, 20.0, True, DUE, BEFORE).state == "not_started"
    # a named measure where lower is better: 18 against a target of 20 is met
    assert action_status("", 18.0, 20.0, True, DUE, BEFORE, unit="").state == "done"


def test_reported_done_with_the_target_unmet_shows_both() -> None:
    status = action_status("done", 50.0, 55.0, False, DUE, BEFORE)
    assert status.state == "done"
    assert status.reason == "client says done; the data shows 50% against 55%"
