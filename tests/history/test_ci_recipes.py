"""The CI recipes in docs/ci use legacy-lens commands and options that exist."""

from __future__ import annotations

import shlex
from pathlib import Path

import pytest
import typer
import yaml
from scanning import REPO

from legacy_lens.cli import app

RECIPES = sorted((REPO / "docs" / "ci").glob("*.yml"))


def _commands(path: Path) -> list[str]:
    """Every `legacy-lens ...` command line in a recipe (folded scalars joined)."""
    found: list[str] = []

    def walk(node: object) -> None:
        if isinstance(node, dict):
            for key, value in node.items():
                if key != "name":  # job and step titles, not commands
                    walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)
        elif isinstance(node, str):
            for line in node.replace("\n", " ").split(" && "):
                text = line.strip()
                if text.startswith("legacy-lens "):
                    found.append(text.split(">>")[0].strip() if " >> " in text else text)

    walk(yaml.safe_load(path.read_text(encoding="utf-8")))
    return found


@pytest.mark.parametrize("recipe", RECIPES, ids=[p.name for p in RECIPES])
def test_recipe_commands_parse(recipe: Path) -> None:
    commands = _commands(recipe)
    assert len(commands) >= 2, f"{recipe.name} has no legacy-lens commands"
    root = typer.main.get_command(app)
    for line in commands:
        args = shlex.split(line.replace("${{ github.sha }}", "abc123"))[1:]
        ctx = root.make_context("legacy-lens", list(args), resilient_parsing=True)
        sub = root.get_command(ctx, args[0])  # type: ignore[attr-defined]
        assert sub is not None, f"{recipe.name}: unknown command {args[0]!r}"
        sub.make_context(args[0], args[1:])  # raises on an unknown option or a bad value


def test_recipes_record_history_upload_reports_and_post_the_diff() -> None:
    github = (REPO / "docs" / "ci" / "github-actions.yml").read_text()
    gitlab = (REPO / "docs" / "ci" / "gitlab-ci.yml").read_text()
    for text in (github, gitlab):
        assert ".legacy-lens/history.db" in text and "diff.md" in text and "--fail-on" in text
    assert "upload-sarif" in github and "actions/cache" in github and "upload-artifact" in github
    assert "cache:" in gitlab and "artifacts:" in gitlab
