"""Step 1 at scale: a generated 1,000,000-customer caseload with 200 sites.

Prints the time and peak memory of step 1 (reading and checking every extract, then every
analysis) next to a plain ``pandas.read_parquet`` of the same caseload, each measured in a fresh
process of its own in the same run, and their ratio, with the number of hypotheses step 1 makes
(by kind). Targets: under 2 s (issue 13; 3 s in issue 2) and under 1.5 GB peak on the 2-core
machine; the hypotheses should be what a client can read, none of them noise.

    .venv/bin/python bench/bench_step1_scale.py [--customers 1000000] [--sites 200]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

_STEP1 = """
import json, resource, sys, time
t0 = time.perf_counter()
from assessment import data_analysis as step1
from assessment.engagement import load_engagement
t_import = time.perf_counter()
engagement = load_engagement(sys.argv[1])
extracts = step1.read_inputs(engagement)
t_read = time.perf_counter()
result = step1.analyse(engagement, extracts)
t_done = time.perf_counter()
# The flow plan runs inside analyse (and counts in its time); timed again alone to show its share.
from assessment.data_analysis import step
step.flow_plan(engagement, extracts.kpi, extracts.caseload, result.flow, result.flow_by_month,
               result.value_adding)
t_plan = time.perf_counter() - t_done
plan_sites = 0 if result.flow_plan is None else len(result.flow_plan) - 1
kinds = result.hypotheses["kind"].value_counts().to_dict()
print(json.dumps({"read": t_read - t_import, "analyse": t_done - t_read,
                  "flow_plan": t_plan, "plan_sites": plan_sites,
                  "total": t_done - t_import, "hypotheses": len(result.hypotheses),
                  "kinds": kinds,
                  "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""

_BASELINE = """
import json, resource, sys, time
import pandas as pd
t0 = time.perf_counter()
frame = pd.read_parquet(sys.argv[1])
t1 = time.perf_counter()
print(json.dumps({"total": t1 - t0, "rows": len(frame),
                  "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def _measure(script: str, argument: str) -> dict:
    out = subprocess.run(
        [sys.executable, "-c", script, argument], check=True, capture_output=True, text=True
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--customers", type=int, default=1_000_000)
    parser.add_argument("--sites", type=int, default=200)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run(
            [
                sys.executable,
                str(ROOT / "data" / "demo" / "generate.py"),
                "--out",
                tmp,
                "--customers",
                str(args.customers),
                "--sites",
                str(args.sites),
            ],
            check=True,
            capture_output=True,
        )
        engagement = Path(tmp) / "northshore"
        caseload = next((engagement / "inputs").glob("caseload*.parquet"))
        baseline = _measure(_BASELINE, str(caseload))
        step1 = _measure(_STEP1, str(engagement))
    print(f"step 1 on {args.customers:,} customers, {args.sites} sites")
    print(
        f"  plain pandas read of the caseload: {baseline['total']:.2f} s, "
        f"peak {baseline['peak_mb']:.0f} MB"
    )
    print(f"  step 1 (read + check all extracts): {step1['read']:.2f} s")
    print(f"  step 1 (analyse):                   {step1['analyse']:.2f} s")
    print(
        f"    of which the flow plan:           {step1['flow_plan']:.2f} s "
        f"({step1['plan_sites']} sites planned)"
    )
    print(
        f"  step 1 total: {step1['total']:.2f} s (target < 2 s) -> {step1['hypotheses']} "
        f"hypotheses; peak {step1['peak_mb']:.0f} MB (target < 1500 MB)"
    )
    kinds = ", ".join(f"{kind} {n}" for kind, n in sorted(step1["kinds"].items()))
    print(f"  hypotheses by kind: {kinds}")
    print(
        f"  ratio step 1 / plain read: {step1['total'] / baseline['total']:.1f}x time, "
        f"{step1['peak_mb'] / baseline['peak_mb']:.1f}x peak memory"
    )


if __name__ == "__main__":
    main()
