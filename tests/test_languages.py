"""Every language descriptor has fixtures whose exact facts are recorded (tests/golden.py).

A language folder with no fixture, or a fixture whose facts changed, fails here.
"""

from __future__ import annotations

import json

import pytest
from golden import facts, fixture_files, golden_path

from legacy_lens.languages import load_languages

LANGUAGES = [spec.name for spec in load_languages()]


@pytest.mark.parametrize("language", LANGUAGES)
def test_language_has_fixtures_with_expected_facts(language: str) -> None:
    files = fixture_files(language)
    assert files, f"grammars/{language} has no fixture under tests/fixtures/{language}/"
    missing = [str(f) for f in files if not golden_path(f, language).is_file()]
    assert not missing, f"no expected facts for {missing}; run python tests/golden.py and review the diff"


@pytest.mark.parametrize("language", LANGUAGES)
def test_fixture_facts_match_expected(language: str) -> None:
    for path in fixture_files(language):
        expected = json.loads(golden_path(path, language).read_text(encoding="utf-8"))
        assert facts(path, language) == expected, f"{path.name}: facts changed; see tests/golden.py"


def test_every_descriptor_names_an_extractor_that_exists() -> None:
    import importlib

    for spec in load_languages():
        module = importlib.import_module(f"legacy_lens.extractors.{spec.extractor}")
        assert callable(module.extract)
        if spec.grammar:
            assert spec.query_text("facts").strip()
