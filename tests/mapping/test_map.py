"""`assess map` on the four shapes a health provider sent, and `assess check` on the result.

The shapes: an MI pack in Excel (a cover sheet, title rows, a wide sheet with "Jul-2025" months
and each measure's target beside it), a long KPI CSV, a caseload CSV with UK dates, blanks and
"n/a", and a time-and-motion study at one clinic.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import Workbook

from assessment.cli import main
from assessment.engagement import load_engagement
from assessment.mapping import propose

ENGAGEMENT = """\
# The consultant's own notes: they must survive assess map --write.
schema_version: 1
client:
  name: Brookside Community Health
contract:
  name: Community clinics
  reference: BCH-01
  desired_outcome: Patients are discharged well  # their words
  start: 2025-04-01
  end: 2027-03-31
  headline_kpi: discharged_well
sites:
  - key: riverside
    name: Riverside Clinic
    aliases: [RIV]
  - key: hilltop
    name: Hilltop Clinic
kpis:
  - key: referrals
    label: Referrals
    target_per_period: 120
  - key: seen
    label: Patients seen
    target_per_period: 100
  - key: discharged_well
    label: Discharged well
    target_per_period: 60
inputs:
  kpi:
    path: inputs/kpi_extract.csv
"""

MONTHS = ["Jul-2025", "Aug-2025", "Sep-2025", "Oct-2025"]


def mi_pack(path: Path) -> Path:
    book = Workbook()
    book.active.title = "Cover"
    book.active.append(["Brookside Community Health"])
    book.active.append(["Monthly MI pack, commercial in confidence"])
    sheet = book.create_sheet("MI")
    sheet.append(["Brookside Community Health: performance by clinic"])
    sheet.append(["Generated 05/11/2025"])
    sheet.append([])
    sheet.append(["Clinic", "Month", "Referrals", "Referral target", "Patients seen",
                  "Seen target", "Discharged well", "Discharge target"])  # fmt: skip
    for n, month in enumerate(MONTHS):
        sheet.append(["Riverside Clinic", month, 110 + n, 120, 95 + n, 100, 50 + n, 60])
        sheet.append(["Hilltop Clinic", month, 130 - n, 120, 101, 100, 61, 60])
    book.save(path)
    return path


def long_kpi(path: Path) -> Path:
    rows = ["Centre,Period,KPI,Actual,Target"]
    for month in ("2025-07", "2025-08", "2025-09"):
        for site in ("RIV", "Hilltop Clinic"):
            rows += [f"{site},{month},Referrals received,115,120",
                     f"{site},{month},Patients seen,96,",
                     f"{site},{month},Discharged well,52,60"]  # fmt: skip
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return path


def caseload(path: Path) -> Path:
    rows = [
        "Patient ID,Clinic,GP practice,Date referred,First appointment,Discharged well,"
        "Left service",
        "P001,Riverside Clinic,St Mary’s,03/07/2025,10/07/2025,25/08/2025,25/08/2025",
        "P002,Hilltop Clinic,Hill Surgery,15/07/2025,,,n/a",
        "P003,RIV,St Mary’s,21/07/2025,04/08/2025,,",
        "P004,Hilltop Clinic,Hill Surgery,01/08/2025,14/08/2025,,30/09/2025",
        "P005,Riverside Clinic,Park Lane,13/08/2025,n/a,,",
    ]
    path.write_bytes(("\n".join(rows) + "\n").encode("cp1252"))
    return path


def time_and_motion(path: Path) -> Path:
    rows = ["Observed at,Clinic,Staff role,Activity"]
    for n, activity in enumerate(["Patient consultation", "Clinical notes", "Waiting for room",
                                  "Patient consultation", "Phone triage"] * 3):  # fmt: skip
        rows.append(f"0{1 + n // 5}/10/2025 {9 + n % 5:02d}:00,Riverside Clinic,Nurse,{activity}")
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return path


@pytest.fixture
def health(tmp_path: Path) -> Path:
    folder = tmp_path / "brookside"
    (folder / "inputs").mkdir(parents=True)
    (folder / "engagement.yaml").write_text(ENGAGEMENT, encoding="utf-8")
    return folder


def test_the_mi_pack_is_mapped_from_its_data_sheet_under_its_titles(health: Path) -> None:
    path = mi_pack(health / "inputs" / "mi_pack.xlsx")

    proposal = propose(load_engagement(health), path)

    block = proposal.block()
    assert proposal.kind == "kpi"
    assert block["sheet"] == "MI"
    assert block["header_row"] == 4
    assert block["layout"] == "wide"
    assert block["columns"] == {"site": "Clinic", "period": "Month"}
    assert block["measures"] == {
        "referrals": "Referrals",
        "seen": "Patients seen",
        "discharged_well": "Discharged well",
    }
    assert block["targets"] == {
        "referrals": "Referral target",
        "seen": "Seen target",
        "discharged_well": "Discharge target",
    }
    assert "the workbook also has: Cover" in proposal.guesses["sheet"].why


def test_map_write_keeps_comments_and_check_passes_on_all_three_files(
    health: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    files = [
        mi_pack(health / "inputs" / "mi_pack.xlsx"),
        caseload(health / "inputs" / "caseload.csv"),
        time_and_motion(health / "inputs" / "time_and_motion.csv"),
    ]
    for path in files:
        assert main(["map", str(health), str(path), "--write"]) == 0
    out = capsys.readouterr().out

    text = (health / "engagement.yaml").read_text(encoding="utf-8")
    assert text.startswith("# The consultant's own notes: they must survive assess map --write.")
    assert "desired_outcome: Patients are discharged well  # their words" in text
    assert "header_row: 4 # the first row of column names" in text
    assert "encoding: cp1252" in text
    assert "- n/a" in text or "[n/a]" in text
    assert "Waiting for room: non_value" in text
    assert "Patient consultation: value_adding" in text
    assert "# check:" not in out  # nothing left to check by hand on these files
    assert main(["check", str(health)]) == 0
    checked = capsys.readouterr().out
    assert "caseload: 5 customers" in checked
    assert "work sampling: 15 observations" in checked


def test_a_long_kpi_csv_is_mapped_both_ways_round(
    health: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = long_kpi(health / "inputs" / "kpi_extract.csv")

    assert main(["map", str(health), str(path), "--kind", "kpi", "--write"]) == 0

    engagement = load_engagement(health)
    spec = engagement.inputs.kpi
    assert spec.layout == "long"
    assert spec.columns == {
        "site": "Centre",
        "period": "Period",
        "measure": "KPI",
        "actual": "Actual",
        "target": "Target",
    }
    assert spec.measures == {
        "referrals": "Referrals received",
        "seen": "Patients seen",
        "discharged_well": "Discharged well",
    }
    assert main(["check", str(health)]) == 0
    assert "KPI extract: 18 rows, Jul 2025 to Sep 2025" in capsys.readouterr().out


def test_mixed_date_orders_are_named_for_the_consultant(health: Path) -> None:
    path = health / "inputs" / "caseload.csv"
    path.write_text(
        "Patient ID,Clinic,Date referred\nP1,RIV,25/07/2025\nP2,RIV,28/07/2025\n"
        "P3,RIV,07/30/2025\nP4,RIV,12/08/2025\n",
        encoding="utf-8",
    )

    proposal = propose(load_engagement(health), path, "caseload")

    notes = "\n".join(proposal.notes)
    assert "'Date referred' is read day-first" in notes
    assert "07/30/2025 fit only the other order" in notes
    assert "could be either: 12/08/2025" in notes


def test_a_refused_proposal_leaves_engagement_yaml_alone(
    health: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before = (health / "engagement.yaml").read_bytes()
    path = health / "inputs" / "odd.csv"
    path.write_text("Colour,Shape\nred,round\nblue,square\n", encoding="utf-8")

    code = main(["map", str(health), str(path), "--kind", "work_sampling", "--write"])

    assert code == 2
    assert "engagement.yaml" in capsys.readouterr().err
    assert (health / "engagement.yaml").read_bytes() == before
    assert [p.name for p in health.iterdir() if p.name.startswith(".")] == []
