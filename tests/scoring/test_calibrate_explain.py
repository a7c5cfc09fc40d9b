"""Calibration recovers a known coefficient; explain's numbers recompute to the stored ones."""

from __future__ import annotations

import json
import math
import random
import re
from pathlib import Path
from typing import Any

import pytest
from scanning import EXAMPLE, scan_dict
from typer.testing import CliRunner

from legacy_lens.calibrate import ActualsError, calibrate, read_actuals
from legacy_lens.cli import app
from legacy_lens.explain import explain

runner = CliRunner()


@pytest.fixture(scope="module")
def scan() -> dict[str, Any]:
    return scan_dict(EXAMPLE)


def _synthetic_actuals(scan: dict[str, Any], hours_per_fp: float, exponent: float, noise: float,
                       seed: int = 7) -> str:
    """Actuals generated from the model itself with a known coefficient and lognormal noise."""
    rng = random.Random(seed)
    rows = ["component_id,actual_person_days"]
    for c in scan["components"]:
        e = c.get("effort")
        if not e:
            continue
        multiplier = e["p50"] / e["base_days"]
        days = hours_per_fp * e["function_points"] ** exponent * multiplier / 7.5 * math.exp(rng.gauss(0, noise))
        rows.append(f"{c['id']},{days:.4f}")
    return "\n".join(rows) + "\n"


def test_calibration_recovers_a_known_coefficient(scan: dict[str, Any]) -> None:
    actuals = read_actuals(_synthetic_actuals(scan, hours_per_fp=21.0, exponent=1.0, noise=0.05))
    result = calibrate(actuals, scan, fit_exponent=False)
    assert result.fit.hours_per_fp == pytest.approx(21.0, rel=0.05)
    assert result.hours_per_fp_p10 < result.fit.hours_per_fp < result.hours_per_fp_p90
    assert result.after is not None and result.after.mmre < result.before.mmre
    assert result.after.pred25 == 1.0


def test_calibration_recovers_the_size_exponent(scan: dict[str, Any]) -> None:
    actuals = read_actuals(_synthetic_actuals(scan, hours_per_fp=10.0, exponent=1.12, noise=0.02))
    result = calibrate(actuals, scan)
    assert result.fit.fitted_exponent
    assert result.fit.size_exponent == pytest.approx(1.12, abs=0.05)
    assert result.fit.hours_per_fp == pytest.approx(10.0, rel=0.15)


def test_unknown_components_are_listed(scan: dict[str, Any]) -> None:
    text = "component_id,actual_person_days\nprogram:BNB100,20\nprogram:GONE,5\ntable:CLAIM,3\n"
    result = calibrate(read_actuals(text), scan)
    assert result.missing == ("program:GONE",)
    assert result.not_estimated == ("table:CLAIM",)
    assert result.used == ("program:BNB100",)


@pytest.mark.parametrize("text, message", [
    ("", "line 1: the file is empty"),
    ("id,days\nprogram:A,3\n", "line 1: missing column 'component_id'"),
    ("component_id,actual_person_days\nprogram:A,three\n", "line 2, column actual_person_days: 'three' is not"),
    ("component_id,actual_person_days\nprogram:A,3\nprogram:B,-2\n", "line 3, column actual_person_days"),
    ("component_id,actual_person_days\nprogram:A,3\nprogram:A,4\n", "line 3, column component_id: program:A"),
    ("component_id,actual_person_days\n,4\n", "line 2, column component_id: empty"),
])
def test_malformed_actuals_name_line_and_column(text: str, message: str) -> None:
    with pytest.raises(ActualsError, match=re.escape(message)):
        read_actuals(text)


def test_explain_numbers_recompute(scan: dict[str, Any]) -> None:
    lines = explain(scan, "BNB100")
    text = "\n".join(lines)
    c = next(c for c in scan["components"] if c["id"] == "program:BNB100")
    chain = next(line for line in lines if line.strip().startswith("P50 ="))
    numbers = [float(x) for x in re.findall(r"\d+\.\d+", chain.split("=")[1])]
    product = math.prod(numbers)
    assert product == pytest.approx(c["effort"]["p50"], rel=1e-3)
    contributions = [float(line.split()[0]) for line in lines
                     if re.match(r"^\s+\d+\.\d\d\s", line) and "weight" in line]
    assert sum(contributions) == pytest.approx(c["risk"]["score"], abs=0.1)
    assert "job:BNNIGHT1  (runs)" in text
    assert "dynamic:BNB100.WS-EXIT-PGM  (calls, unresolved)" in text


def test_explain_and_calibrate_commands(tmp_path: Path, scan: dict[str, Any]) -> None:
    scan_file = tmp_path / "scan.json"
    scan_file.write_text(json.dumps(scan), encoding="utf-8")
    result = runner.invoke(app, ["explain", "program:BNMENU", str(scan_file)])
    assert result.exit_code == 0 and "Effort: P10" in result.output
    result = runner.invoke(app, ["explain", "NOPE", str(scan_file)])
    assert result.exit_code == 2 and "no component 'NOPE'" in result.output
    actuals = tmp_path / "actuals.csv"
    actuals.write_text(_synthetic_actuals(scan, 18.0, 1.0, 0.05), encoding="utf-8")
    out = tmp_path / "calibrated.toml"
    result = runner.invoke(app, ["calibrate", str(actuals), str(scan_file), "-o", str(out), "--no-fit-exponent"])
    assert result.exit_code == 0, result.output
    assert "accuracy after (leave-one-out)" in result.output
    text = out.read_text()
    assert "[estimate]" in text and "hours_per_fp_p10" in text
    actuals.write_text("component_id,actual_person_days\nprogram:BNB100,x\n", encoding="utf-8")
    result = runner.invoke(app, ["calibrate", str(actuals), str(scan_file)])
    assert result.exit_code == 2 and "line 2, column actual_person_days" in result.output


def test_calibrated_settings_feed_the_next_scan(tmp_path: Path, scan: dict[str, Any]) -> None:
    """The calibrated file is a valid config: rescanning with it moves the estimate toward the actuals."""
    scan_file = tmp_path / "scan.json"
    scan_file.write_text(json.dumps(scan), encoding="utf-8")
    actuals = tmp_path / "a.csv"
    actuals.write_text(_synthetic_actuals(scan, 30.0, 1.0, 0.01), encoding="utf-8")
    config = tmp_path / "legacy-lens.toml"
    assert runner.invoke(app, ["calibrate", str(actuals), str(scan_file), "-o", str(config),
                               "--no-fit-exponent"]).exit_code == 0
    out = tmp_path / "out"
    result = runner.invoke(app, ["scan", str(EXAMPLE), "-o", str(out), "-f", "json", "--config", str(config),
                                 "--jobs", "1"])
    assert result.exit_code == 0, result.output
    again = json.loads((out / "scan.json").read_text())
    assert again["summary"]["estimate"]["model"]["hours_per_fp_median"] == pytest.approx(30.0, rel=0.02)
    assert again["summary"]["estimate"]["p50"] > scan["summary"]["estimate"]["p50"] * 1.9
