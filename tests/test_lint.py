"""The lint finds what a valid schema can still get wrong, naming file, pointer and fix."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from sitegen.lint import lint_catalogue, site_word_findings
from submit_fn.model.procedures import load_catalogue
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


def test_a_legal_basis_written_in_english_on_the_vietnamese_page_is_refused(forms):
    def english(schema):
        schema["x-guidance"]["legal_basis"][0]["articles"]["vi"] = "art. 39"
        schema["x-guidance"]["deadlines"][0]["vi"] = "Nộp theo Form No. 10 của Decree 374/2025/NĐ-CP."

    found = edit(forms, "huong-tro-cap", english)
    assert any("/x-guidance/legal_basis/0/articles/vi: the Vietnamese text has the English legal shorthand «art.»" in f
               and "«Điều 39»" in f for f in found), found
    assert any("/x-guidance/deadlines/0/vi: the Vietnamese text has the English legal shorthand «Form No»" in f for f in found), found


def test_one_string_for_both_languages_is_refused_outside_the_kept_earlier_versions(forms):
    found = edit(forms, "chuyen-noi-huong", lambda s: s["x-guidance"]["legal_basis"][0].update(articles="art. 41(1)"))
    assert any("chuyen-noi-huong.schema.json: at /x-guidance/legal_basis/0/articles: 'art. 41(1)' is one string" in f for f in found), found
    assert not any("forms/versions/" in f for f in found)  # the 2024 forms keep their one-string articles


def test_english_legal_shorthand_in_the_sites_own_vietnamese_words_and_pages_is_refused(tmp_path):
    strings = tmp_path / "strings.json"
    strings.write_text(json.dumps({"fee": {"vi": "Xem art. 5 của Law on Employment", "en": "See art. 5"},
                                   "item": {"vi": "{articles} {act}", "en": "{act}, {articles}"}}), encoding="utf-8")
    pages = tmp_path / "vi"
    pages.mkdir()
    (pages / "trang.md").write_text("# Trang\n\nTheo Nghị định 374, Điều 21.\n\nTheo Decree 374, art. 21.\n", encoding="utf-8")
    found = [str(f) for f in site_word_findings(strings, pages)]
    assert found == [
        ("sitegen/strings.json: at /fee/vi: the Vietnamese text has the English legal shorthand «art.». Fix: write it in Vietnamese: "
        "«Điều 39», «Mẫu số 10», «Nghị định số 374/2025/NĐ-CP», «Luật Việc làm số 74/2025/QH15»"),
        ("docs/vi/trang.md: at line 5: the Vietnamese page has the English legal shorthand «Decree». Fix: write it in Vietnamese: "
        "«Điều 39», «Mẫu số 10», «Nghị định số 374/2025/NĐ-CP», «Luật Việc làm số 74/2025/QH15»"),
    ]


def test_a_procedure_with_nothing_to_file_offers_no_question_and_no_channel(forms):
    def invent_a_form(schema):
        schema["properties"] = {"reason": {"type": "string", "title": "Lý do", "description": "Vì sao", "x-en": {"title": "Reason", "description": "Why"}}}
        schema["x-guidance"]["channels"] = [{"kind": "online", "text": {"vi": "Trực tuyến", "en": "Online"}}]

    found = edit(forms, "tam-dung", invent_a_form)
    assert any("tam-dung.schema.json: at /properties: \"x-procedure\".\"form\" is null" in f for f in found), found
    assert any("tam-dung.schema.json: at /x-guidance/channels: a procedure in which the worker files nothing says where to file" in f
               for f in found), found


def test_a_worker_form_that_does_not_say_where_to_file(forms):
    found = edit(forms, "chuyen-noi-huong", lambda s: s["x-guidance"].pop("channels"))
    assert found == [("forms/chuyen-noi-huong.schema.json: at /x-guidance: the guidance does not say where and how to file. "
                     'Fix: add "channels" (online, in person, by post…) to "x-guidance"')]


def test_a_warning_on_a_question_that_is_not_a_date_or_for_choices_the_form_does_not_have(forms):
    def confused(schema):
        late = next(c for c in schema["x-checks"] if c["id"] == "reported-late")
        late["fields"] = ["/full_name"]
        late["when"]["in"].append("trung-so")

    found = edit(forms, "cham-dut", confused)
    assert any("'reported-late': /full_name is not a date (format date)" in f for f in found), found
    assert any("'reported-late': \"when\" lists ['trung-so'], not choices of /event" in f for f in found), found
def test_a_check_on_a_question_that_is_gone_stops_the_build_naming_it(forms):
    """Another version renamed or removed a question a check compares: said where, and how to fix it."""
    found = edit(forms, "chuyen-noi-huong", lambda s: s["x-checks"][0]["fields"].__setitem__(1, "/months_got"))
    assert found == [
        ("forms/chuyen-noi-huong.schema.json: at /x-checks/0: the check 'months-add-up': /months_got is not a question "
        "of this form. Fix: name an existing question (was it renamed or removed?), or remove the check")
    ]


def test_a_check_comparing_answers_of_the_wrong_kind_or_number(forms):
    def confused(schema):
        schema["x-checks"][1]["kind"] = "at-most"  # two provinces are not numbers
        schema["x-checks"][0]["fields"] = ["/months_received"]

    found = edit(forms, "chuyen-noi-huong", confused)
    assert any("'months-add-up': 'sum-equals' compares 2 to 2 or more answers, not 1" in f for f in found), found
    assert any("'destination-other-province': /destination/province is not a whole number" in f for f in found), found


def test_a_next_step_into_a_question_the_other_form_no_longer_has(forms):
    def drop_employer(schema):
        renamed = json.loads(json.dumps(schema).replace('new_employer"', 'new_employer_name"'))
        schema.clear()
        schema.update(renamed)

    found = edit(forms, "cham-dut", drop_employer)
    assert (
        "forms/tim-kiem-viec-lam.schema.json: at /properties/current_situation/properties/status/x-checks/0/next/carry"
        "/new_employer: cham-dut has no question /new_employer. Fix: carry to an existing question of that form, or remove it"
    ) in found, found


def test_an_amount_not_read_as_people_type_amounts(forms):
    def money(schema):
        schema["properties"]["contribution_months"]["x-layout"] = {"widget": "money"}
        schema["properties"]["contribution_months"]["x-normalize"] = ["digits"]

    found = edit(forms, "huong-tro-cap", money)
    assert any("/properties/contribution_months/x-normalize: 'digits' does not fit" in f for f in found), found
    assert any("is not read as people type amounts" in f and '"amount-vnd"' in f for f in found), found


def test_a_paper_to_attach_asked_on_a_choice_the_form_does_not_have_or_twice(forms):
    def broken(schema):
        paper = schema["x-documents"][0]
        paper["when"]["in"].append("trung-so")
        schema["x-documents"].append({**paper, "when": {"field": "/full_name", "in": ["x"]}})

    found = edit(forms, "cham-dut", broken)
    assert any("/x-documents/0: the document 'giay-to-chung-minh': \"when\" lists ['trung-so'], not choices of /event" in f for f in found), found
    assert any("/x-documents/1: the id 'giay-to-chung-minh' is used twice" in f for f in found), found
    assert any("/x-documents/1: the document 'giay-to-chung-minh': \"when\" names /full_name, which is not a question with choices" in f for f in found), found
