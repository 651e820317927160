"""`python build.py` stops on a maintainer's mistake and says where and how to fix it."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from tests.conftest import ROOT, run_build


@pytest.fixture
def forms_copy(tmp_path: Path) -> Path:
    forms = tmp_path / "forms"
    shutil.copytree(ROOT / "forms", forms)
    return forms


def _edit(forms: Path, procedure_id: str, change) -> None:
    path = forms / f"{procedure_id}.schema.json"
    schema = json.loads(path.read_text(encoding="utf-8"))
    change(schema)
    path.write_text(json.dumps(schema, ensure_ascii=False, indent=2), encoding="utf-8")


def test_a_misspelt_keyword_stops_the_build_naming_file_and_pointer(forms_copy, tmp_path):
    _edit(forms_copy, "huong-tro-cap", lambda s: s["properties"]["employer_name"].update(maxLenght=10))
    result = run_build(tmp_path / "site", forms_dir=forms_copy)
    assert result.returncode == 1
    assert "forms/huong-tro-cap.schema.json" in result.stderr
    assert "/properties/employer_name/maxLenght" in result.stderr
    assert "unknown keyword" in result.stderr


def test_a_label_without_its_english_translation_stops_the_build(forms_copy, tmp_path):
    _edit(forms_copy, "huong-tro-cap", lambda s: s["properties"]["employer_name"].pop("x-en"))
    result = run_build(tmp_path / "site", forms_dir=forms_copy)
    assert result.returncode == 1
    assert "/properties/employer_name" in result.stderr
    assert "English" in result.stderr


def test_broken_json_is_reported_with_line_and_column(forms_copy, tmp_path):
    path = forms_copy / "tam-dung.schema.json"
    path.write_text(path.read_text(encoding="utf-8").replace('"type": "object"', '"type" "object"', 1), encoding="utf-8")
    result = run_build(tmp_path / "site", forms_dir=forms_copy)
    assert result.returncode == 1
    assert "forms/tam-dung.schema.json" in result.stderr
    assert "line" in result.stderr and "column" in result.stderr


def test_an_example_that_no_longer_passes_stops_the_build(forms_copy, tmp_path):
    _edit(forms_copy, "huong-tro-cap", lambda s: s["examples"][0].update(citizen_id="123"))
    result = run_build(tmp_path / "site", forms_dir=forms_copy)
    assert result.returncode == 1
    assert "/examples/0" in result.stderr
    assert "/citizen_id" in result.stderr


def test_an_invalid_example_that_passes_stops_the_build(forms_copy, tmp_path):
    def loosen(schema):
        schema["x-invalid-examples"][0]["set"] = {"/citizen_id": "001190012345"}

    _edit(forms_copy, "huong-tro-cap", loosen)
    result = run_build(tmp_path / "site", forms_dir=forms_copy)
    assert result.returncode == 1
    assert "/x-invalid-examples/0" in result.stderr


def test_the_build_prints_each_step_with_its_time(built_site):
    result = run_build(built_site)
    assert result.returncode == 0
    assert "check schemas against the meta-schema" in result.stdout
    assert " s)" in result.stdout
    assert "Done in" in result.stdout
