"""Client extracts: mapped to canonical frames, and every bad input reported the client's way.

Messages name the file, the row as the spreadsheet shows it (header row 1, first data row 2),
the client's column name, and what was expected.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest

from assessment.engagement import Engagement, load_engagement
from assessment.errors import InputError
from assessment.inputs import (
    read_caseload,
    read_extracts,
    read_kpi,
    read_work_sampling,
)

Rewrite = Callable[[Path, str, str], Path]

KPI_HEADER = "Office,Month,Metric,Achieved,Goal\n"
CASELOAD_HEADER = "Client Ref,Office,Referred,Started,Job Date,Left\n"
SAMPLING_HEADER = "When,Office,Job title,Doing\n"


def error_of(reader: Callable[[Engagement], object], folder: Path) -> InputError:
    engagement = load_engagement(folder)
    with pytest.raises(InputError) as caught:
        reader(engagement)
    return caught.value


def edit_yaml(folder: Path, old: str, new: str) -> None:
    path = folder / "engagement.yaml"
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")


def shown(error: InputError) -> list[str]:
    """The problem lines a consultant reads."""
    return [line.removeprefix("  - ") for line in str(error).splitlines()[1:]]


# -- good paths ------------------------------------------------------------------------------


def test_long_kpi_is_mapped_and_targets_filled_from_engagement(engagement_dir: Path) -> None:
    kpi = read_kpi(load_engagement(engagement_dir))

    assert list(kpi.columns) == ["site", "period", "measure", "actual", "target"]
    assert kpi["period"].dtype == "datetime64[ns]"
    assert kpi["actual"].dtype == "float64"
    assert kpi["target"].dtype == "float64"
    by_row = kpi.set_index(["site", "measure"])
    assert (kpi["period"] == pd.Timestamp("2024-01-01")).all()
    assert by_row.loc[("north", "referrals"), "actual"] == 90
    # per-period target of the KPI
    assert by_row.loc[("north", "referrals"), "target"] == 100
    assert by_row.loc[("south", "job_outcomes"), "target"] == 20
    # site_targets override target_per_period for that site only
    assert by_row.loc[("south", "starts"), "target"] == 60
    assert by_row.loc[("north", "starts"), "target"] == 80
    # a target given in the extract wins over both
    assert by_row.loc[("north", "job_outcomes"), "target"] == 25


def test_period_as_year_month_is_the_first_of_the_month(
    engagement_dir: Path, rewrite: Rewrite
) -> None:
    rewrite(
        engagement_dir,
        "inputs/kpi.csv",
        KPI_HEADER + "North Hub,2024-03,Refs,90,\nNorth Hub,2024-04,Refs,95,\n",
    )
    engagement = load_engagement(engagement_dir)

    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no pandas date-format warnings for the consultant
        kpi = read_kpi(engagement)

    assert kpi["period"].tolist() == [pd.Timestamp("2024-03-01"), pd.Timestamp("2024-04-01")]


def test_period_as_a_date_is_the_first_of_its_month(engagement_dir: Path, rewrite: Rewrite) -> None:
    rewrite(engagement_dir, "inputs/kpi.csv", KPI_HEADER + "North Hub,31/03/2024,Refs,90,\n")

    kpi = read_kpi(load_engagement(engagement_dir))

    assert kpi["period"].tolist() == [pd.Timestamp("2024-03-01")]


def test_kpi_target_total_is_spread_over_months_and_sites(
    engagement_dir: Path, rewrite: Rewrite
) -> None:
    # 24 contract months x 2 sites: 4800 in total is 100 per site per month
    edit_yaml(engagement_dir, "target_per_period: 100", "target_total: 4800")
    rewrite(engagement_dir, "inputs/kpi.csv", KPI_HEADER + "South Hub,2024-01,Refs,90,\n")

    kpi = read_kpi(load_engagement(engagement_dir))

    assert kpi["target"].tolist() == [100.0]


def test_wide_kpi_from_a_named_excel_sheet(engagement_dir: Path) -> None:
    edit_yaml(
        engagement_dir,
        engagement_yaml_kpi_section(engagement_dir),
        "  kpi:\n"
        "    path: inputs/kpi.xlsx\n"
        "    sheet: Monthly\n"
        "    layout: wide\n"
        "    columns: {site: Office, period: Month}\n"
        "    measures: {referrals: Refs, starts: Starts, job_outcomes: Jobs}\n"
        "    targets: {job_outcomes: Jobs target}\n",
    )
    sheet = pd.DataFrame(
        {
            "Office": ["North Hub", "STH"],
            "Month": pd.to_datetime(["2024-03-15", "2024-03-01"]),
            "Refs": [90, 110],
            "Starts": [70, 50],
            "Jobs": [15, 18],
            "Jobs target": [25, None],
        }
    )
    with pd.ExcelWriter(engagement_dir / "inputs/kpi.xlsx", engine="openpyxl") as book:
        pd.DataFrame({"Read me": ["figures are on the Monthly sheet"]}).to_excel(
            book, sheet_name="Notes", index=False
        )
        sheet.to_excel(book, sheet_name="Monthly", index=False)

    kpi = read_kpi(load_engagement(engagement_dir))

    assert len(kpi) == 6
    assert set(kpi["measure"]) == {"referrals", "starts", "job_outcomes"}
    assert (kpi["period"] == pd.Timestamp("2024-03-01")).all()
    got = kpi.set_index(["site", "measure"])[["actual", "target"]]
    assert got.loc[("north", "referrals")].tolist() == [90.0, 100.0]
    assert got.loc[("south", "starts")].tolist() == [50.0, 60.0]
    assert got.loc[("north", "job_outcomes")].tolist() == [15.0, 25.0]
    assert got.loc[("south", "job_outcomes")].tolist() == [18.0, 20.0]


def test_wide_kpi_bad_value_names_the_sheet_row_and_column(engagement_dir: Path) -> None:
    edit_yaml(
        engagement_dir,
        engagement_yaml_kpi_section(engagement_dir),
        "  kpi:\n"
        "    path: inputs/kpi.xlsx\n"
        "    sheet: Monthly\n"
        "    layout: wide\n"
        "    columns: {site: Office, period: Month}\n"
        "    measures: {referrals: Refs, starts: Starts}\n",
    )
    sheet = pd.DataFrame(
        {"Office": ["North Hub", "South Hub"], "Month": ["2024-03", "2024-03"]}
        | {"Refs": ["lots", 110], "Starts": [70, -4]}
    )
    sheet.to_excel(engagement_dir / "inputs/kpi.xlsx", sheet_name="Monthly", index=False)

    error = error_of(read_kpi, engagement_dir)

    # each value is named by the sheet's row and the measure column it came from
    where = f"{engagement_dir / 'inputs/kpi.xlsx'} [sheet 'Monthly']"
    assert shown(error) == [
        f"{where}, row 2, 'Refs': expected a number (got 'lots')",
        f"{where}, row 3, 'Starts': expected a count of 0 or more (got -4)",
    ]


def engagement_yaml_kpi_section(folder: Path) -> str:
    text = (folder / "engagement.yaml").read_text(encoding="utf-8")
    return text[text.index("  kpi:\n") : text.index("  caseload:\n")]


def test_caseload_from_parquet(engagement_dir: Path) -> None:
    edit_yaml(engagement_dir, "path: inputs/caseload.csv", "path: inputs/caseload.parquet")
    pd.DataFrame(
        {
            "Client Ref": ["C001", "C002"],
            "Office": ["North Hub", "sth"],
            "Referred": pd.to_datetime(["2024-01-03", "2024-01-05"]),
            "Started": pd.to_datetime(["2024-01-10", None]),
            "Job Date": pd.to_datetime([None, None]),
            "Left": pd.to_datetime([None, "2024-02-20"]),
        }
    ).to_parquet(engagement_dir / "inputs/caseload.parquet")

    caseload = read_caseload(load_engagement(engagement_dir))

    assert caseload["customer_id"].tolist() == ["C001", "C002"]
    assert caseload["site"].tolist() == ["north", "south"]
    assert caseload["referral_date"].tolist() == [
        pd.Timestamp("2024-01-03"),
        pd.Timestamp("2024-01-05"),
    ]
    assert caseload["start_date"].isna().tolist() == [False, True]
    assert caseload["exit_date"].iloc[1] == pd.Timestamp("2024-02-20")
    for column in ("referral_date", "start_date", "outcome_date", "exit_date"):
        assert caseload[column].dtype == "datetime64[ns]"


def test_dates_are_read_day_first_by_default(engagement_dir: Path, rewrite: Rewrite) -> None:
    rewrite(
        engagement_dir, "inputs/caseload.csv", CASELOAD_HEADER + "C001,North Hub,03/04/2024,,,\n"
    )

    caseload = read_caseload(load_engagement(engagement_dir))

    assert caseload["referral_date"].tolist() == [pd.Timestamp("2024-04-03")]


def test_dayfirst_false_reads_month_first(engagement_dir: Path, rewrite: Rewrite) -> None:
    edit_yaml(
        engagement_dir,
        "    path: inputs/caseload.csv\n",
        "    path: inputs/caseload.csv\n    dayfirst: false\n",
    )
    rewrite(
        engagement_dir, "inputs/caseload.csv", CASELOAD_HEADER + "C001,North Hub,03/04/2024,,,\n"
    )

    caseload = read_caseload(load_engagement(engagement_dir))

    assert caseload["referral_date"].tolist() == [pd.Timestamp("2024-03-04")]


def test_site_names_keys_and_aliases_in_any_case_map_to_keys(
    engagement_dir: Path, rewrite: Rewrite
) -> None:
    spellings = ["North Hub", "north hub", "NORTHERN", "nth", "north", " South Hub ", "sth"]
    rows = "".join(f"02/01/2024 09:00,{site},Adviser,Waiting\n" for site in spellings)
    rewrite(engagement_dir, "inputs/work_sampling.csv", SAMPLING_HEADER + rows)

    sampling = read_work_sampling(load_engagement(engagement_dir))

    assert sampling["site"].tolist() == ["north"] * 5 + ["south"] * 2


def test_work_sampling_activities_get_their_category(engagement_dir: Path) -> None:
    sampling = read_work_sampling(load_engagement(engagement_dir))

    assert sampling["observed_at"].tolist()[0] == pd.Timestamp("2024-01-02 09:00")
    assert sampling["category"].tolist() == ["value_adding", "value_enabling", "non_value"]
    assert sampling["role"].tolist() == ["Adviser", "Adviser", "Team leader"]


def test_read_extracts_returns_all_three_frames(engagement_dir: Path) -> None:
    extracts = read_extracts(load_engagement(engagement_dir))

    assert len(extracts.kpi) == 6
    assert extracts.caseload is not None
    assert extracts.caseload["customer_id"].tolist() == ["C001", "C002", "C003"]
    assert extracts.caseload["site"].tolist() == ["north", "south", "north"]
    assert extracts.work_sampling is not None
    assert len(extracts.work_sampling) == 3


def test_optional_extracts_may_be_left_out(engagement_dir: Path) -> None:
    text = (engagement_dir / "engagement.yaml").read_text(encoding="utf-8")
    cut = text[text.index("  caseload:\n") : text.index("team:\n")]
    (engagement_dir / "engagement.yaml").write_text(text.replace(cut, ""), encoding="utf-8")

    extracts = read_extracts(load_engagement(engagement_dir))

    assert extracts.caseload is None
    assert extracts.work_sampling is None
    assert len(extracts.kpi) == 6


# -- bad inputs ------------------------------------------------------------------------------


def test_missing_column_names_the_clients_column_and_file(
    engagement_dir: Path, rewrite: Rewrite
) -> None:
    path = rewrite(
        engagement_dir,
        "inputs/kpi.csv",
        "Office,Month,Metric,Value,Goal\nNorth Hub,2024-01,Refs,90,\n",
    )

    error = error_of(read_kpi, engagement_dir)

    assert shown(error) == [
        f"{path}, 'Achieved': missing column 'Achieved' (mapped to 'actual' in engagement.yaml; "
        "the file has: Office, Month, Metric, Value, Goal)"
    ]


def test_unparseable_date_names_row_and_column(engagement_dir: Path, rewrite: Rewrite) -> None:
    path = rewrite(
        engagement_dir,
        "inputs/caseload.csv",
        CASELOAD_HEADER + "C001,North Hub,03/01/2024,,,\nC002,North Hub,not known,,,\n",
    )

    error = error_of(read_caseload, engagement_dir)

    assert shown(error) == [
        f"{path}, row 3, 'Referred': expected a date such as 2024-03-31 (got 'not known')"
    ]


def test_negative_count_names_row_and_column(engagement_dir: Path, rewrite: Rewrite) -> None:
    path = rewrite(
        engagement_dir,
        "inputs/kpi.csv",
        KPI_HEADER + "North Hub,2024-01,Refs,90,\nNorth Hub,2024-01,Jobs,-5,\n",
    )

    error = error_of(read_kpi, engagement_dir)

    assert shown(error) == [f"{path}, row 3, 'Achieved': expected a count of 0 or more (got '-5')"]


def test_text_in_a_number_column(engagement_dir: Path, rewrite: Rewrite) -> None:
    path = rewrite(
        engagement_dir, "inputs/kpi.csv", KPI_HEADER + "North Hub,2024-01,Refs,90,lots\n"
    )

    error = error_of(read_kpi, engagement_dir)

    assert shown(error) == [f"{path}, row 2, 'Goal': expected a number (got 'lots')"]


def test_blank_actual_is_required(engagement_dir: Path, rewrite: Rewrite) -> None:
    path = rewrite(engagement_dir, "inputs/kpi.csv", KPI_HEADER + "North Hub,2024-01,Refs,,\n")

    error = error_of(read_kpi, engagement_dir)

    assert shown(error) == [f"{path}, row 2, 'Achieved': an actual value is required (got 'blank')"]


def test_unknown_site_names_the_value_and_row(engagement_dir: Path, rewrite: Rewrite) -> None:
    path = rewrite(
        engagement_dir,
        "inputs/kpi.csv",
        KPI_HEADER + "North Hub,2024-01,Refs,90,\nWest Hub,2024-01,Refs,80,\n",
    )

    error = error_of(read_kpi, engagement_dir)

    assert shown(error) == [
        f"{path}, row 3, 'Office': a site named in engagement.yaml "
        "(one of: North Hub, South Hub) (got 'West Hub')"
    ]


def test_duplicate_site_month_rows_in_kpi_extract(engagement_dir: Path, rewrite: Rewrite) -> None:
    # the same site (by name and by alias), month and measure twice
    path = rewrite(
        engagement_dir,
        "inputs/kpi.csv",
        KPI_HEADER
        + "North Hub,2024-01,Refs,90,\nSouth Hub,2024-01,Refs,80,\nNTH,2024-01,Refs,95,\n",
    )

    error = error_of(read_kpi, engagement_dir)

    expected = "one row per site, month and measure (got 'north 2024-01 referrals')"
    assert shown(error) == [
        f"{path}, row 2, 'site/period/measure': {expected}",
        f"{path}, row 4, 'site/period/measure': {expected}",
    ]


def test_empty_file_of_zero_bytes(engagement_dir: Path, rewrite: Rewrite) -> None:
    path = rewrite(engagement_dir, "inputs/kpi.csv", "")

    error = error_of(read_kpi, engagement_dir)

    assert shown(error) == [f"{path}: the file is empty (expected a header row and data)"]


def test_file_with_a_header_and_no_rows(engagement_dir: Path, rewrite: Rewrite) -> None:
    path = rewrite(engagement_dir, "inputs/caseload.csv", CASELOAD_HEADER)

    error = error_of(read_caseload, engagement_dir)

    assert shown(error) == [
        f"{path}: no data rows (expected at least one row under the header, row 1; "
        "set header_row: if the column names are lower down)"
    ]


def test_missing_file_is_named(engagement_dir: Path) -> None:
    (engagement_dir / "inputs/work_sampling.csv").unlink()

    error = error_of(read_work_sampling, engagement_dir)

    assert shown(error) == [
        f"{engagement_dir / 'inputs/work_sampling.csv'}: "
        "file not found (check inputs in engagement.yaml)"
    ]


def test_wrong_excel_sheet_names_the_sheets_the_workbook_has(engagement_dir: Path) -> None:
    edit_yaml(
        engagement_dir,
        "    path: inputs/kpi.csv\n",
        "    path: inputs/kpi.xlsx\n    sheet: Monthly\n",
    )
    path = engagement_dir / "inputs/kpi.xlsx"
    with pd.ExcelWriter(path, engine="openpyxl") as book:
        pd.DataFrame({"a": [1]}).to_excel(book, sheet_name="Notes", index=False)
        pd.DataFrame({"a": [1]}).to_excel(book, sheet_name="KPI data", index=False)

    error = error_of(read_kpi, engagement_dir)

    assert shown(error) == [
        f"{path}, 'sheet': no sheet named 'Monthly' (the workbook has: Notes, KPI data)"
    ]


def test_unknown_measure_lists_the_known_ones(engagement_dir: Path, rewrite: Rewrite) -> None:
    path = rewrite(engagement_dir, "inputs/kpi.csv", KPI_HEADER + "North Hub,2024-01,Referals,9,\n")

    error = error_of(read_kpi, engagement_dir)

    assert shown(error) == [
        f"{path}, row 2, 'Metric': a known measure (Refs, Starts, Jobs) (got 'Referals')"
    ]


def test_unmapped_work_sampling_activity(engagement_dir: Path, rewrite: Rewrite) -> None:
    path = rewrite(
        engagement_dir,
        "inputs/work_sampling.csv",
        SAMPLING_HEADER
        + "02/01/2024 09:00,North Hub,Adviser,case notes\n"
        + "02/01/2024 09:30,North Hub,Adviser,Tea break\n",
    )

    error = error_of(read_work_sampling, engagement_dir)

    assert shown(error) == [
        f"{path}, row 3, 'Doing': an activity listed under inputs.work_sampling.activities "
        "in engagement.yaml (got 'Tea break')"
    ]


def test_start_before_referral_is_reported(engagement_dir: Path, rewrite: Rewrite) -> None:
    path = rewrite(
        engagement_dir,
        "inputs/caseload.csv",
        CASELOAD_HEADER
        + "C001,North Hub,03/01/2024,10/01/2024,,\nC002,North Hub,05/01/2024,01/01/2024,,\n",
    )

    error = error_of(read_caseload, engagement_dir)

    assert shown(error) == [
        f"{path}, row 3, 'Started': not before the referral date of the same customer "
        "(got '2024-01-01')"
    ]


def test_duplicate_customer_id_points_at_the_repeat(engagement_dir: Path, rewrite: Rewrite) -> None:
    path = rewrite(
        engagement_dir,
        "inputs/caseload.csv",
        CASELOAD_HEADER
        + "C001,North Hub,03/01/2024,,,\n"
        + "C002,North Hub,04/01/2024,,,\n"
        + "C001,South Hub,05/01/2024,,,\n",
    )

    error = error_of(read_caseload, engagement_dir)

    assert shown(error) == [
        f"{path}, row 4, 'Client Ref': one row per customer: this id appears on an earlier row "
        "(got 'C001')"
    ]


def test_a_repeated_id_in_an_extract_in_id_order_is_found(
    engagement_dir: Path, rewrite: Rewrite
) -> None:
    """Ids in order are checked by comparing neighbours: a repeat still stops the read."""
    path = rewrite(
        engagement_dir,
        "inputs/caseload.csv",
        CASELOAD_HEADER
        + "C001,North Hub,03/01/2024,,,\n"
        + "C002,North Hub,04/01/2024,,,\n"
        + "C002,South Hub,05/01/2024,,,\n"
        + "C003,South Hub,06/01/2024,,,\n",
    )

    error = error_of(read_caseload, engagement_dir)

    assert shown(error) == [
        f"{path}, row 4, 'Client Ref': one row per customer: this id appears on an earlier row "
        "(got 'C002')"
    ]


def test_ids_in_order_and_out_of_order_both_read(engagement_dir: Path, rewrite: Rewrite) -> None:
    for ids in (("C001", "C002", "C003"), ("C003", "C001", "C002")):
        rewrite(
            engagement_dir,
            "inputs/caseload.csv",
            CASELOAD_HEADER + "".join(f"{i},North Hub,03/01/2024,,,\n" for i in ids),
        )
        assert read_caseload(load_engagement(engagement_dir))["customer_id"].tolist() == list(ids)


def test_all_problems_of_one_file_are_reported_together(
    engagement_dir: Path, rewrite: Rewrite
) -> None:
    rewrite(
        engagement_dir,
        "inputs/kpi.csv",
        KPI_HEADER + "West Hub,2024-01,Refs,90,\nNorth Hub,2024-01,Refs,-1,\n",
    )

    error = error_of(read_kpi, engagement_dir)

    assert [(p.location, p.field) for p in error.problems] == [
        ("row 2", "Office"),
        ("row 3", "Achieved"),
    ]


def test_read_extracts_reports_problems_of_several_files_together(
    engagement_dir: Path, rewrite: Rewrite
) -> None:
    kpi = rewrite(engagement_dir, "inputs/kpi.csv", KPI_HEADER + "West Hub,2024-01,Refs,90,\n")
    sampling = rewrite(
        engagement_dir,
        "inputs/work_sampling.csv",
        SAMPLING_HEADER + "02/01/2024 09:00,North Hub,Adviser,Tea break\n",
    )

    error = error_of(read_extracts, engagement_dir)

    assert [(p.where, p.location, p.field) for p in error.problems] == [
        (str(kpi), "row 2", "Office"),
        (str(sampling), "row 2", "Doing"),
    ]
    assert str(error).startswith("2 problems found:")


def test_many_bad_rows_are_capped_readably(engagement_dir: Path, rewrite: Rewrite) -> None:
    rows = "".join(f"02/01/2024 09:00,North Hub,Adviser,Tea break {n}\n" for n in range(500))
    rewrite(engagement_dir, "inputs/work_sampling.csv", SAMPLING_HEADER + rows)

    error = error_of(read_work_sampling, engagement_dir)

    lines = str(error).splitlines()
    assert lines[0] == "500 problems found:"
    listed = lines[1:-1]
    assert len(listed) == 20
    assert ", row 2, 'Doing':" in listed[0]
    assert ", row 21, 'Doing':" in listed[-1]
    assert "(got 'Tea break 19')" in listed[-1]
    assert lines[-1] == "  ... and 480 more problem(s) of the same kind"


# -- newer extracts (inputs.kpi.updates) --------------------------------------------------------


def test_a_newer_extract_adds_months_and_restates_a_month(
    engagement_dir: Path, rewrite: Rewrite
) -> None:
    rewrite(
        engagement_dir,
        "inputs/kpi.csv",
        KPI_HEADER + "North Hub,2024-01,Refs,90,\nNorth Hub,2024-02,Refs,95,\n",
    )
    # the client's next extract restates February (late data) and adds March
    rewrite(
        engagement_dir,
        "inputs/kpi_update.csv",
        KPI_HEADER + "North Hub,2024-02,Refs,97,\nNorth Hub,2024-03,Refs,101,\n",
    )
    edit_yaml(
        engagement_dir,
        "path: inputs/kpi.csv",
        "path: inputs/kpi.csv\n    updates: [inputs/kpi_update.csv]",
    )

    kpi = read_kpi(load_engagement(engagement_dir))

    assert kpi["period"].dt.strftime("%Y-%m").tolist() == ["2024-01", "2024-02", "2024-03"]
    assert kpi["actual"].tolist() == [90.0, 97.0, 101.0]
    assert kpi["target"].tolist() == [100.0, 100.0, 100.0]


def test_a_bad_row_in_an_update_names_the_update_file(
    engagement_dir: Path, rewrite: Rewrite
) -> None:
    rewrite(engagement_dir, "inputs/kpi_update.csv", KPI_HEADER + "Nowhere,2024-03,Refs,101,\n")
    edit_yaml(
        engagement_dir,
        "path: inputs/kpi.csv",
        "path: inputs/kpi.csv\n    updates: [inputs/kpi_update.csv]",
    )

    error = error_of(read_kpi, engagement_dir)

    assert "kpi_update.csv" in str(error)
    assert any("row 2" in line and "Nowhere" in line for line in shown(error))
