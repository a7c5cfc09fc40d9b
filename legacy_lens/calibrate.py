"""Calibrate the effort model against an organisation's own actuals.

The model says ``effort = H * FP**b * M / hours_per_day`` where ``H`` is hours
per function point, ``b`` the size exponent and ``M`` the product of a
component's multipliers. Taking logs,

    ln(actual) - ln(M / hours_per_day) = ln(H) + b * ln(FP)

so ``H`` (and, with enough rows, ``b``) is a least-squares fit on log effort.
The spread of the residuals becomes the calibrated P10-P90 range of ``H``.
Accuracy is reported as MMRE and PRED(25), before (the scan's own P50) and
after (leave-one-out: each row predicted by a fit on the others).
"""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from legacy_lens.estimate import Z90

REQUIRED_COLUMNS = ("component_id", "actual_person_days")
MIN_ROWS_FOR_EXPONENT = 8


class ActualsError(ValueError):
    """The actuals file is malformed; the message names the line and column."""


@dataclass(frozen=True, slots=True)
class Actual:
    component_id: str
    person_days: float
    line: int


@dataclass(frozen=True, slots=True)
class Observation:
    component_id: str
    actual: float
    function_points: float
    multiplier: float  # product of the component's multipliers (P50 / base days)
    predicted_before: float  # the scan's own P50


@dataclass(frozen=True, slots=True)
class Fit:
    hours_per_fp: float
    size_exponent: float
    residual_sigma: float | None
    fitted_exponent: bool


@dataclass(frozen=True, slots=True)
class Accuracy:
    mmre: float
    pred25: float


@dataclass(frozen=True, slots=True)
class Calibration:
    fit: Fit
    hours_per_fp_p10: float
    hours_per_fp_p90: float
    before: Accuracy
    after: Accuracy | None  # None with fewer than 3 rows: leave-one-out needs at least 2 to fit on
    used: tuple[str, ...]
    missing: tuple[str, ...]  # in the actuals, not in the scan
    not_estimated: tuple[str, ...]  # in the scan, but without an effort estimate


def read_actuals(text: str) -> list[Actual]:
    """Parse ACTUALS.csv; raises ActualsError naming the line and column of the first problem."""
    reader = csv.reader(io.StringIO(text))
    try:
        header = next(reader)
    except StopIteration:
        raise ActualsError("line 1: the file is empty; expected a header: component_id,actual_person_days") from None
    names = [h.strip().lower() for h in header]
    for column in REQUIRED_COLUMNS:
        if column not in names:
            raise ActualsError(f"line 1: missing column {column!r}; the header must include "
                               f"{', '.join(REQUIRED_COLUMNS)} (found: {', '.join(names) or 'nothing'})")
    id_col = names.index("component_id")
    days_col = names.index("actual_person_days")
    out: list[Actual] = []
    seen: dict[str, int] = {}
    for row in reader:
        line = reader.line_num
        if not any(cell.strip() for cell in row):
            continue
        if len(row) <= max(id_col, days_col):
            raise ActualsError(f"line {line}: expected {len(names)} columns, found {len(row)}")
        cid = row[id_col].strip()
        raw = row[days_col].strip()
        if not cid:
            raise ActualsError(f"line {line}, column component_id: empty component id")
        try:
            days = float(raw)
        except ValueError:
            raise ActualsError(f"line {line}, column actual_person_days: {raw!r} is not a number") from None
        if not math.isfinite(days) or days <= 0:
            raise ActualsError(f"line {line}, column actual_person_days: {raw!r} must be a positive number of days")
        if cid in seen:
            raise ActualsError(f"line {line}, column component_id: {cid} already appears on line {seen[cid]}")
        seen[cid] = line
        out.append(Actual(cid, days, line))
    if not out:
        raise ActualsError("the file has a header but no rows of actuals")
    return out


def observations(actuals: Sequence[Actual], scan: Mapping[str, Any]) -> tuple[list[Observation], list[str], list[str]]:
    """Match actuals to the scan's components: (observations, missing ids, ids without an estimate)."""
    by_id = {c["id"]: c for c in scan.get("components", [])}
    found: list[Observation] = []
    missing: list[str] = []
    not_estimated: list[str] = []
    for a in actuals:
        c = by_id.get(a.component_id)
        if c is None:
            missing.append(a.component_id)
            continue
        effort = c.get("effort")
        if not effort or not effort.get("base_days") or not effort.get("function_points"):
            not_estimated.append(a.component_id)
            continue
        found.append(Observation(a.component_id, a.person_days, float(effort["function_points"]),
                                 float(effort["p50"]) / float(effort["base_days"]), float(effort["p50"])))
    return found, missing, not_estimated


def fit(obs: Sequence[Observation], hours_per_day: float, size_exponent: float,
        fit_exponent: bool | None = None) -> Fit:
    """Least-squares fit of hours per FP (and the size exponent when asked, or with enough rows)."""
    if not obs:
        raise ValueError("no observations to fit")
    ys = [math.log(o.actual) - math.log(o.multiplier / hours_per_day) for o in obs]
    xs = [math.log(o.function_points) for o in obs]
    use_exponent = fit_exponent if fit_exponent is not None else len(obs) >= MIN_ROWS_FOR_EXPONENT
    b = size_exponent
    if use_exponent and len(obs) >= 3:
        mx = sum(xs) / len(xs)
        sxx = sum((x - mx) ** 2 for x in xs)
        if sxx > 1e-12:
            my = sum(ys) / len(ys)
            b = sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True)) / sxx
        else:
            use_exponent = False
    else:
        use_exponent = False
    log_h = sum(y - b * x for x, y in zip(xs, ys, strict=True)) / len(obs)
    residuals = [y - (log_h + b * x) for x, y in zip(xs, ys, strict=True)]
    dof = len(obs) - (2 if use_exponent else 1)
    sigma = math.sqrt(sum(r * r for r in residuals) / dof) if dof > 0 else None
    return Fit(math.exp(log_h), b, sigma, use_exponent)


def predict(o: Observation, f: Fit, hours_per_day: float) -> float:
    size: float = o.function_points ** f.size_exponent
    return f.hours_per_fp * size * o.multiplier / hours_per_day


def accuracy(pairs: Sequence[tuple[float, float]]) -> Accuracy:
    """MMRE and PRED(25) of (actual, predicted) pairs."""
    mres = [abs(a - p) / a for a, p in pairs]
    return Accuracy(sum(mres) / len(mres), sum(1 for m in mres if m <= 0.25) / len(mres))


def calibrate(actuals: Sequence[Actual], scan: Mapping[str, Any], fit_exponent: bool | None = None) -> Calibration:
    """Fit the model to the actuals; raises ActualsError when no actual matches an estimated component."""
    model = (scan.get("summary", {}).get("estimate") or {}).get("model")
    if not model:
        raise ActualsError("the scan has no effort model (summary.estimate.model); rescan with this version")
    hours_per_day = float(model["hours_per_day"])
    exponent = float(model["size_exponent"])
    obs, missing, not_estimated = observations(actuals, scan)
    if not obs:
        raise ActualsError("no row of the actuals matches an estimated component of the scan "
                           f"({len(missing)} not in the scan, {len(not_estimated)} without an estimate)")
    f = fit(obs, hours_per_day, exponent, fit_exponent)
    before = accuracy([(o.actual, o.predicted_before) for o in obs])
    after = None
    if len(obs) >= 3:
        loo = []
        for i, o in enumerate(obs):
            rest = [x for j, x in enumerate(obs) if j != i]
            loo.append((o.actual, predict(o, fit(rest, hours_per_day, exponent, f.fitted_exponent), hours_per_day)))
        after = accuracy(loo)
    if f.residual_sigma is not None and f.residual_sigma > 0:
        spread = math.exp(Z90 * f.residual_sigma)
    else:
        spread = math.sqrt(float(model["hours_per_fp_p90"]) / float(model["hours_per_fp_p10"]))
    return Calibration(
        fit=f, hours_per_fp_p10=f.hours_per_fp / spread, hours_per_fp_p90=f.hours_per_fp * spread,
        before=before, after=after, used=tuple(o.component_id for o in obs), missing=tuple(missing),
        not_estimated=tuple(not_estimated),
    )


def settings_toml(c: Calibration, source: str) -> str:
    """The calibrated coefficients as a legacy-lens.toml fragment."""
    lines = [
        f"# Calibrated by `legacy-lens calibrate` from {len(c.used)} completed component(s) in {source}.",
        f"# Accuracy before: MMRE {c.before.mmre:.2f}, PRED(25) {c.before.pred25:.0%}.",
    ]
    if c.after is not None:
        lines.append(f"# Accuracy after (leave-one-out): MMRE {c.after.mmre:.2f}, PRED(25) {c.after.pred25:.0%}.")
    lines += [
        "[estimate]",
        f"hours_per_fp_p10 = {c.hours_per_fp_p10:.3f}",
        f"hours_per_fp_p90 = {c.hours_per_fp_p90:.3f}",
        f"size_exponent = {c.fit.size_exponent:.4f}",
        "",
    ]
    return "\n".join(lines)
