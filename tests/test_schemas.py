"""The procedure schemas: valid against the project's meta-schema, self-tested by their
own examples, bilingual, and kept to the public contract (CONTRACT.md)."""

from __future__ import annotations

import copy
import json
import re
import shutil
from datetime import date
from pathlib import Path

import pytest

from submit_fn.model.divisions import wards_by_province
from submit_fn.model.procedures import Procedure, all_problems, load_catalogue
from submit_fn.model.validation import answer_errors

ROOT = Path(__file__).resolve().parent.parent
FORMS = ROOT / "forms"
CONTRACT_IDS = {"tim-kiem-viec-lam", "huong-tro-cap", "tam-dung", "tiep-tuc", "cham-dut", "chuyen-noi-huong"}
CATALOGUE = load_catalogue(FORMS)
PROCEDURES = [pytest.param(p, id=p.id) for p in CATALOGUE]
WORKER_FORMS = [pytest.param(p, id=p.id) for p in CATALOGUE if p.has_worker_form]  # tam-dung: nothing to file
VIETNAMESE_LETTERS = set("ăâđêôơưáàảãạấầẩẫậắằẳẵặéèẻẽẹếềểễệíìỉĩịóòỏõọốồổỗộớờởỡợúùủũụứừửữựýỳỷỹỵ")


def _cases(kind: str) -> list:
    params = []
    for procedure in CATALOGUE:
        if kind == "valid":
            params += [pytest.param(procedure, example, id=f"{procedure.id}-{i}") for i, example in enumerate(procedure.examples)]
        else:
            params += [
                pytest.param(procedure, case, instance, id=f"{procedure.id}-{case['fails_at']}-{case.get('keyword')}")
                for case, instance in procedure.invalid_examples()
            ]
    return params


def _found(procedure: Procedure, instance: object, lang: str = "vi") -> list[tuple[str, str]]:
    return [(e.pointer, e.keyword) for e in answer_errors(procedure, instance, lang)]


def _addresses(value: object, pointer: str = "") -> list[str]:
    """Pointers of the province-and-ward answers inside an example."""
    if isinstance(value, dict):
        here = [pointer] if {"province", "ward"} <= value.keys() else []
        return here + [p for key, child in value.items() for p in _addresses(child, f"{pointer}/{key}")]
    if isinstance(value, list):
        return [p for i, child in enumerate(value) for p in _addresses(child, f"{pointer}/{i}")]
    return []


def _at(instance: dict, pointer: str) -> dict:
    for part in pointer.split("/")[1:]:
        instance = instance[int(part)] if isinstance(instance, list) else instance[part]
    return instance


ADDRESSES = [
    pytest.param(procedure, index, pointer, id=f"{procedure.id}-{index}{pointer}")
    for procedure in CATALOGUE
    for index, example in enumerate(procedure.examples)
    for pointer in _addresses(example)
]


def _forms_copy(tmp_path: Path) -> Path:
    forms = tmp_path / "forms"
    shutil.copytree(FORMS, forms)
    return forms


def _rewrite(path: Path, change) -> None:
    schema = json.loads(path.read_text(encoding="utf-8"))
    change(schema)
    path.write_text(json.dumps(schema, ensure_ascii=False, indent=2), encoding="utf-8")


# The public contract -------------------------------------------------------


def test_the_catalogue_holds_exactly_the_six_procedures_of_the_contract():
    assert {p.id for p in CATALOGUE} == CONTRACT_IDS
    assert {path.name.removesuffix(".schema.json") for path in FORMS.glob("*.schema.json")} == CONTRACT_IDS


@pytest.mark.parametrize("procedure", PROCEDURES)
def test_each_procedure_says_its_version_and_the_date_it_applies_from(procedure):
    assert re.fullmatch(r"[0-9]{4}\.[0-9]+", procedure.version)
    assert isinstance(procedure.effective_from, date)
    assert procedure.processing_working_days is None or procedure.processing_working_days > 0


# The meta-schema catches maintainers' mistakes --------------------------------


def test_every_schema_file_passes_the_project_meta_schema():
    assert [str(problem) for problem in all_problems(FORMS)] == []


@pytest.mark.parametrize("procedure", WORKER_FORMS)
def test_a_misspelt_keyword_is_reported_with_its_file_and_pointer(procedure, tmp_path):
    forms = _forms_copy(tmp_path)
    name = next(iter(procedure.schema["properties"]))
    keyword = next(iter(procedure.schema["properties"][name]))
    misspelt = keyword[0] + keyword[2] + keyword[1] + keyword[3:]  # "type" -> "tpye", "$ref" -> "$erf"

    def misspell(schema):
        question = schema["properties"][name]
        question[misspelt] = question.pop(keyword)

    _rewrite(forms / f"{procedure.id}.schema.json", misspell)
    problems = all_problems(forms)
    assert {(p.file, p.pointer) for p in problems} == {(f"forms/{procedure.id}.schema.json", f"/properties/{name}/{misspelt}")}
    assert "unknown keyword" in problems[0].problem


@pytest.mark.parametrize("procedure", WORKER_FORMS)
def test_a_title_without_its_english_translation_is_reported_with_its_file_and_pointer(procedure, tmp_path):
    forms = _forms_copy(tmp_path)
    name = next(n for n, question in procedure.schema["properties"].items() if "title" in question)
    _rewrite(forms / f"{procedure.id}.schema.json", lambda schema: schema["properties"][name].pop("x-en"))
    problems = all_problems(forms)
    assert {(p.file, p.pointer) for p in problems} == {(f"forms/{procedure.id}.schema.json", f"/properties/{name}")}
    assert all("English" in p.problem for p in problems)


def test_a_misspelt_keyword_in_the_shared_definitions_is_reported_there(tmp_path):
    forms = _forms_copy(tmp_path)
    _rewrite(forms / "shared" / "defs.schema.json", lambda s: s["$defs"]["phone"].update(minLenght=10))
    problems = all_problems(forms)
    assert [(p.file, p.pointer) for p in problems] == [("forms/shared/defs.schema.json", "/$defs/phone/minLenght")]


# Each schema tests itself with its examples ----------------------------------


@pytest.mark.parametrize("procedure", WORKER_FORMS)
def test_each_procedure_gives_two_complete_examples_and_at_least_six_invalid_ones(procedure):
    assert len(procedure.examples) >= 2
    assert len(procedure.schema["x-invalid-examples"]) >= 6
    assert all("keyword" in case for case in procedure.schema["x-invalid-examples"])


@pytest.mark.parametrize(("procedure", "example"), _cases("valid"))
def test_every_valid_example_is_accepted(procedure, example):
    assert _found(procedure, example) == []


@pytest.mark.parametrize(("procedure", "case", "instance"), _cases("invalid"))
def test_every_invalid_example_fails_only_at_its_pointer_with_its_keyword(procedure, case, instance):
    assert _found(procedure, instance) == [(case["fails_at"], case["keyword"])], case["why"]


@pytest.mark.parametrize(("procedure", "index", "pointer"), ADDRESSES)
def test_a_ward_of_another_province_is_rejected_and_one_of_the_same_province_accepted(procedure, index, pointer):
    example = procedure.examples[index]
    address = _at(example, pointer)
    other_province = next(code for code, wards in wards_by_province().items()
                          if address["ward"] not in {w.code for w in wards})
    moved = copy.deepcopy(example)
    _at(moved, pointer)["province"] = other_province
    ward_errors = [found for found in _found(procedure, moved) if found[1] != "x-check"]  # e.g. moved to the paying centre's province
    assert ward_errors == [(f"{pointer}/ward", "enum")]

    neighbour = copy.deepcopy(example)
    _at(neighbour, pointer)["ward"] = wards_by_province()[address["province"]][-1].code
    assert _found(procedure, neighbour) == []


def test_addresses_are_checked_in_the_procedures_that_ask_for_one():
    assert {p.values[0].id for p in ADDRESSES} >= {"huong-tro-cap", "tim-kiem-viec-lam", "tiep-tuc", "chuyen-noi-huong"}


# The form as a person sees it --------------------------------------------------


@pytest.mark.parametrize("procedure", PROCEDURES)
def test_every_question_option_and_hint_is_in_vietnamese_and_english(procedure):
    for question in procedure.fields:
        assert question.label.vi.strip() and question.label.en.strip(), question.pointer
        if question.hint:
            assert question.hint.vi.strip() and question.hint.en.strip(), question.pointer
        for option in question.options:
            assert option.label.vi.strip() and option.label.en.strip(), (question.pointer, option.value)


@pytest.mark.parametrize("procedure", WORKER_FORMS)
def test_the_sections_list_every_question_once_in_the_forms_order(procedure):
    in_sections = [name for section in procedure.sections for name in section["fields"]]
    assert in_sections == list(procedure.schema["properties"])


@pytest.mark.parametrize("procedure", PROCEDURES)
def test_every_follow_up_question_exists_and_depends_on_an_offered_answer(procedure):
    objects = [procedure.schema] + [f.schema for f in procedure.fields if f.kind == "group"]
    for schema in objects:
        for rule in schema.get("allOf", []):
            for name in rule.get("then", {}).get("required", []):
                assert name in schema["properties"], name
    for question in procedure.fields:
        for condition in question.conditions:
            for name, rule in condition.when["properties"].items():
                offered = {o.value for o in procedure.field_at(f"{condition.base}/{name}").options}
                asked_for = {rule["const"]} if "const" in rule else set(rule["enum"])
                assert asked_for <= offered, (question.pointer, asked_for - offered)


@pytest.mark.parametrize(("procedure", "case", "instance"), _cases("invalid"))
def test_messages_are_vietnamese_by_default_and_english_on_request(procedure, case, instance):
    [default] = answer_errors(procedure, instance)
    [english] = answer_errors(procedure, instance, "en")
    assert answer_errors(procedure, instance, "vi") == [default]
    assert VIETNAMESE_LETTERS & set(default.message.lower())
    assert not VIETNAMESE_LETTERS & set(english.message.lower()), english.message
    question = procedure.field_at(case["fails_at"])
    own = question.error_text(case["keyword"]) if question and question.depth == case["fails_at"].count("/") else None
    if own:
        assert (default.message, english.message) == (own.vi, own.en)


# What the official records say (DOMAIN.md's record table) ----------------------

RECORDS = {  # id: (form number, working days to the result on the receipt, channels)
    "huong-tro-cap": ("Mẫu số 10", 15, {"online", "in_person", "authorised"}),
    "tim-kiem-viec-lam": ("Mẫu số 24", None, {"online", "in_person"}),
    "tam-dung": (None, None, None),
    "tiep-tuc": ("Mẫu số 24", 2, {"online", "in_person", "post"}),
    "cham-dut": ("Mẫu số 17", None, {"online", "in_person", "post"}),
    "chuyen-noi-huong": ("Mẫu số 19", 3, {"online", "in_person", "post"}),
}


@pytest.mark.parametrize("procedure", PROCEDURES)
def test_form_number_processing_time_channels_and_fee_are_the_records(procedure):
    number, days, channels = RECORDS[procedure.id]
    assert (procedure.form_number.vi if procedure.form_number else None) == number
    assert procedure.processing_working_days == days
    assert ({c["kind"] for c in procedure.guidance["channels"]} if "channels" in procedure.guidance else None) == channels
    assert procedure.guidance["fee"] == {"vi": "Không quy định phí, lệ phí cho thủ tục này.", "en": "No fee is set for this procedure."}


@pytest.mark.parametrize("procedure", WORKER_FORMS)
def test_every_worker_form_is_addressed_to_the_public_employment_service_of_a_province(procedure):
    assert procedure.meta["form"]["addressee"]["vi"] == "Tổ chức dịch vụ việc làm công"
    centre = procedure.field_at("/centre_province")
    assert centre.required and centre.label.vi.startswith("Kính gửi: Tổ chức dịch vụ việc làm công")
    assert set(centre.schema["enum"]) == set(wards_by_province()) and all(len(code) == 2 for code in centre.schema["enum"])


def test_the_claim_asks_form_no_10s_lines_in_their_order_and_nothing_it_dropped():
    claim = CATALOGUE["huong-tro-cap"]
    labels = [f.label.vi for f in claim.fields]
    lines = ["Kính gửi: Tổ chức dịch vụ việc làm công", "Tên tôi là", "Sinh ngày", "Số định danh cá nhân", "Ngày cấp", "Số điện thoại",
             "Email (nếu có)", "Trình độ đào tạo", "Chuyên ngành đào tạo", "Nơi thường trú", "Nơi ở hiện nay",
             "chấm dứt hợp đồng lao động/hợp đồng làm việc", "Với (tên đơn vị)", "Tại địa chỉ",
             "Lý do chấm dứt hợp đồng lao động/hợp đồng làm việc", "Loại hợp đồng lao động/hợp đồng làm việc",
             "Số tháng đóng bảo hiểm thất nghiệp", "Tên chủ tài khoản", "Số tài khoản", "Tại ngân hàng",
             "Nhận tiền mặt tại BHXH cấp cơ sở", "Nơi đăng ký khám chữa bệnh ban đầu"]
    positions = [next(i for i, label in enumerate(labels) if line in label) for line in lines]
    assert positions == sorted(positions), list(zip(lines, positions))
    assert not {"sex", "social_insurance_number", "ethnicity", "occupation", "needs", "id_issue_place"} & set(claim.schema["properties"])
    kinds = {o.value for o in claim.field_at("/contract_type").options}
    assert {"hop-dong-lam-viec", "cham-dut-lam-viec"} <= kinds  # a public employment contract, a manager's end of work


def test_the_claims_previous_version_is_mau_so_03_as_it_was():
    previous = CATALOGUE.version("huong-tro-cap", "2024.1")
    assert previous.form_number.vi == "Mẫu số 03" and "sex" in previous.schema["properties"]
    assert "not_in_person" in CATALOGUE.version("tim-kiem-viec-lam", "2024.1").schema["properties"]
    for notification in ("tim-kiem-viec-lam", "tiep-tuc"):  # since 2026 online is an ordinary channel: no reason asked
        assert "not_in_person" not in CATALOGUE[notification].schema["properties"]


def test_the_termination_notice_warns_three_working_days_after_the_event():
    [warning] = [c for c in CATALOGUE["cham-dut"].checks if c.id == "reported-late"]
    assert (warning.kind, warning.fields, warning.value, warning.level) == ("working-days-since-at-most", ("/event_date",), 3, "warning")
    assert "3 ngày làm việc" in warning.message.vi and "3 working days" in warning.message.en
    assert "chet" not in warning.when[1]  # a death is acted on by the centre (record 1.014752)


def test_suspension_has_no_worker_form_and_says_what_the_centre_does():
    suspension = CATALOGUE["tam-dung"]
    assert not suspension.has_worker_form and suspension.form_number is None
    assert suspension.fields == () and suspension.examples == [] and suspension.sections == []
    guidance = suspension.guidance["processing_time"]["vi"] + suspension.guidance["after"]["vi"]
    assert "2 ngày làm việc" in guidance and "Mẫu số 15" in guidance and "bảo hiểm y tế" in guidance
    assert all(c.has_worker_form for c in CATALOGUE if c.id != "tam-dung")
