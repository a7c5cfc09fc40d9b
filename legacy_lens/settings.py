"""Scan settings: defaults, ``legacy-lens.toml`` at the scan root or ``--config``, then CLI flags.

Settings are a frozen dataclass so that they can be hashed into cache keys and
passed to worker processes.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

from legacy_lens import estimate as est
from legacy_lens import plan as pl
from legacy_lens import risk as rk

CONFIG_FILE = "legacy-lens.toml"
DEFAULT_FORMATS = ("json", "md", "html")
DEFAULT_MAX_FILE_BYTES = 20 * 1024 * 1024
DEFAULT_TIMEOUT = 30.0
DEFAULT_MAX_FILES = 100_000


EXECUTORS = ("local", "dask")


class ConfigError(ValueError):
    """A configuration file or option is invalid (exit code 2)."""


@dataclass(frozen=True, slots=True)
class Settings:
    excludes: tuple[str, ...] = ()
    copybook_paths: tuple[str, ...] = ()
    max_file_bytes: int = DEFAULT_MAX_FILE_BYTES
    timeout: float = DEFAULT_TIMEOUT  # seconds to read and parse one file; 0 = no limit
    max_files: int = DEFAULT_MAX_FILES  # source files analysed per scan; 0 = no limit
    jobs: int = 0  # 0 = number of CPU cores
    follow_symlinks: bool = False
    formats: tuple[str, ...] = DEFAULT_FORMATS
    measure_raw_parse: bool = False
    system_modules: tuple[str, ...] = ()
    rules_paths: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()  # messages for the user about how the settings were read
    estimate: est.EstimateSettings = field(default_factory=est.EstimateSettings)
    risk: rk.RiskSettings = field(default_factory=rk.RiskSettings)
    plan: pl.PlanSettings = field(default_factory=pl.PlanSettings)
    # The incremental cache (command line only: a config inside the scanned tree must not choose where
    # files are written). Off by default for the library; ``legacy-lens scan`` turns it on unless --no-cache.
    cache: bool = False
    cache_dir: str = ""  # "" = <first scan root>/.legacy-lens/cache
    # Where per-file work runs (command line only, for the same reason): "local" (a process pool) or
    # "dask" (a Dask distributed cluster at ``scheduler``, or a LocalCluster when it is empty).
    executor: str = "local"
    scheduler: str = ""


_TYPES: dict[str, type | tuple[type, ...]] = {
                           "excludes": list, "copybook_paths": list, "max_file_bytes": int, "jobs": int,
                           "timeout": (int, float), "max_files": int,
                           "follow_symlinks": bool, "formats": list, "measure_raw_parse": bool,
                           "system_modules": list, "rules_paths": list}


def load_config(path: Path) -> dict[str, Any]:
    """Read the ``[scan]`` table (or top level) of a config file; raises ConfigError."""
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise ConfigError(f"config file not found: {path}") from exc
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"config file {path} is not valid TOML: {exc}") from exc
    table = raw.get("scan", raw)
    if not isinstance(table, dict):
        raise ConfigError(f"{path}: [scan] must be a table of settings, not a {type(table).__name__}")
    known = {f.name for f in fields(Settings)} - {"estimate", "risk", "plan", "notes", "cache", "cache_dir",
                                                   "executor", "scheduler"}
    values: dict[str, Any] = {}
    if isinstance(raw.get("estimate"), dict):
        values["estimate"] = _section(path, "estimate", raw["estimate"], est.EstimateSettings(), est.validate)
    if isinstance(raw.get("risk"), dict):
        values["risk"] = _section(path, "risk", raw["risk"], rk.RiskSettings(), rk.validate)
    if isinstance(raw.get("plan"), dict):
        values["plan"] = _section(path, "plan", raw["plan"], pl.PlanSettings(), pl.validate)
    for key, value in table.items():
        name = key.replace("-", "_")
        if name not in known:
            if isinstance(value, dict):
                continue  # other sections belong to other stages (estimate, risk, rules ...)
            raise ConfigError(f"{path}: unknown setting {key!r}; known settings: {', '.join(sorted(known))}")
        expected = _TYPES[name]
        wanted = "number" if isinstance(expected, tuple) else expected.__name__
        if (expected is not bool and isinstance(value, bool)) or not isinstance(value, expected):
            raise ConfigError(f"{path}: setting {key!r} must be a {wanted}, not {type(value).__name__}")
        if isinstance(value, list) and not all(isinstance(v, str) for v in value):
            raise ConfigError(f"{path}: setting {key!r} must be a list of strings")
        if name == "timeout" and isinstance(value, int | float):
            value = float(value)
        values[name] = tuple(value) if isinstance(value, list) else value
    return values


def _section(path: Path, name: str, table: dict[str, Any], defaults: Any, check: Any) -> Any:
    """Apply a ``[estimate]`` or ``[risk]`` table to its frozen settings, checking types and ranges."""
    values: dict[str, Any] = {}
    known = {f.name: type(getattr(defaults, f.name)) for f in fields(defaults)}
    for key, value in table.items():
        field_name = key.replace("-", "_")
        if field_name == "gearing" and name == "estimate":
            if not isinstance(value, dict) or not all(
                    isinstance(v, int | float) and not isinstance(v, bool) for v in value.values()):
                raise ConfigError(f"{path}: [estimate.gearing] must map languages to source lines per function point")
            values["gearing"] = tuple(sorted((str(k), float(v)) for k, v in value.items()))
            continue
        if field_name not in known:
            raise ConfigError(f"{path}: unknown setting {name}.{key}; known: {', '.join(sorted(known))}")
        expected = known[field_name]
        if expected is float and isinstance(value, int) and not isinstance(value, bool):
            value = float(value)
        if isinstance(value, bool) != (expected is bool) or not isinstance(value, expected):
            raise ConfigError(f"{path}: {name}.{key} must be a {expected.__name__}, not {type(value).__name__}")
        values[field_name] = value
    try:
        return check(replace(defaults, **values))
    except (est.EstimateError, rk.RiskError, pl.PlanError) as exc:
        raise ConfigError(f"{path}: {exc}") from exc


def resolve_settings(roots: list[Path], config: Path | None, overrides: dict[str, Any]) -> Settings:
    """Defaults, then the config file, then CLI overrides (``None`` values are ignored)."""
    values: dict[str, Any] = {}
    if config is not None:
        values.update(load_config(config))
    else:
        for root in roots:
            candidate = root / CONFIG_FILE
            if root.is_dir() and candidate.is_file():
                found = load_config(candidate)
                if "rules_paths" in found:
                    # A config inside the scanned tree is as untrusted as the code: it must not bring in
                    # rule files (their regular expressions run on every line). Use --config or --rules-path.
                    del found["rules_paths"]
                    values["notes"] = (f"{candidate}: rules_paths is ignored in a config found inside the scanned "
                                       "tree; pass it with --config or --rules-path",)
                values.update(found)
                break
    for key, value in overrides.items():
        if value is None or value == () or value == []:
            continue
        values[key] = tuple(value) if isinstance(value, list) else value
    settings = replace(Settings(), **values)
    if settings.max_file_bytes <= 0:
        raise ConfigError("max_file_bytes must be positive")
    if settings.jobs < 0:
        raise ConfigError("jobs must be 0 (all cores) or a positive number")
    if not 0 <= settings.timeout < float("inf"):
        raise ConfigError("timeout must be 0 (no limit) or a positive number of seconds")
    if settings.executor not in EXECUTORS:
        raise ConfigError(f"unknown executor {settings.executor!r}: use {' or '.join(EXECUTORS)}")
    if settings.scheduler and settings.executor != "dask":
        raise ConfigError("--scheduler is the address of a Dask scheduler: add --executor dask")
    if settings.max_files < 0:
        raise ConfigError("max_files must be 0 (no limit) or a positive number of files")
    return settings
