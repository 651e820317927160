"""The lint finds what a valid schema can still get wrong, naming file, pointer and fix."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from sitegen.lint import lint_catalogue
from submit_fn.procedures import load_catalogue
from tests.conftest import ROOT


@pytest.fixture
def forms(tmp_path: Path) -> Path:
    copy = tmp_path / "forms"
    shutil.copytree(ROOT / "forms", copy)
    return copy


def edit(forms: Path, procedure_id: str, change) -> list[str]:
    path = forms / f"{procedure_id}.schema.json"
    schema = json.loads(path.read_text(encoding="utf-8"))
    change(schema)
    path.write_text(json.dumps(schema, ensure_ascii=False, indent=2), encoding="utf-8")
    return [str(finding) for finding in lint_catalogue(load_catalogue(forms))]


def test_the_schemas_as_shipped_have_no_findings():
    assert [str(f) for f in lint_catalogue(load_catalogue())] == []


def test_a_question_without_a_hint(forms):
    def drop_hint(schema):
        del schema["properties"]["employer_name"]["description"]
        del schema["properties"]["employer_name"]["x-en"]["description"]

    found = edit(forms, "huong-tro-cap", drop_hint)
    assert found == [
        (
            "forms/huong-tro-cap.schema.json: at /properties/employer_name: the question «Với (tên đơn vị)» has no hint. "
            'Fix: add "description" (a plain-language hint in Vietnamese) and "x-en": {"description": …}'
        )
    ]


def test_a_rule_no_example_exercises(forms):
    def no_bank_transfer(schema):
        for example in schema["examples"]:
            example["payment_method"] = "tien-mat"
            example.pop("bank_account", None)
        schema["x-invalid-examples"] = [c for c in schema["x-invalid-examples"] if "/bank_account" not in c["fails_at"]]

    found = edit(forms, "huong-tro-cap", no_bank_transfer)
    assert any("at /allOf/0: no valid example makes this rule's `if` true" in f for f in found), found


def test_a_rule_on_a_choice_that_does_not_exist_makes_its_question_unreachable(forms):
    found = edit(forms, "huong-tro-cap", lambda s: s["allOf"][0]["if"]["properties"]["payment_method"].update(const="sec"))
    assert any("/allOf/0/if/properties/payment_method: ['sec'] is not a choice" in f and "never be reached" in f for f in found), found


def test_a_question_in_no_part_and_a_part_listing_no_question(forms):
    def misplace(schema):
        fields = schema["x-sections"][1]["fields"]
        fields[fields.index("email")] = "e_mail"

    found = edit(forms, "huong-tro-cap", misplace)
    assert any("/x-sections/1/fields/" in f and "'e_mail', which is not a question" in f for f in found), found
    assert any("at /properties/email: the question 'email' is in no part" in f for f in found), found


def test_a_layout_hint_that_does_not_fit_the_answer(forms):
    found = edit(forms, "huong-tro-cap", lambda s: s["properties"]["employer_name"].update({"x-layout": {"widget": "date"}}))
    assert any("/properties/employer_name/x-layout/widget: widget 'date' needs" in f for f in found), found


def test_a_legal_basis_without_act_number_or_article(forms):
    def vague(schema):
        schema["x-guidance"]["legal_basis"][0] = {"act": {"vi": "Luật Việc làm", "en": "Law on Employment"}, "articles": "various"}

    found = edit(forms, "huong-tro-cap", vague)
    assert any("/x-guidance/legal_basis/0/act" in f and "act number" in f for f in found), found
    assert any("/x-guidance/legal_basis/0/articles: 'various' names no article" in f for f in found), found


def test_an_answer_longer_than_the_paper_has_room_for(forms):
    found = edit(forms, "huong-tro-cap", lambda s: s["properties"]["termination_reason"].update(maxLength=5000))
    assert any("/properties/termination_reason: answers up to 5000 characters do not fit" in f for f in found), found
