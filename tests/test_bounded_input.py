"""What a hostile sender can build costs the function little and never a 500: errors capped at 100,
lone surrogates and numbers no answer has refused as such, streamed bodies measured, and the
schemas' patterns read as ECMA-262 (the browser's reading) by both validators."""

from __future__ import annotations

import http.client
import json
import time
import urllib.parse
from collections.abc import Iterator

import pytest

from submit_fn.model.procedures import Procedure
from submit_fn.model.validation import MAX_ERRORS
from submit_fn.service.settings import MAX_BODY_BYTES
from tests.test_api import CATALOGUE, OFFICE, call, submit

FORM = "application/x-www-form-urlencoded"
MAX_CPU_SECONDS = 0.050
MAX_ANSWER_BYTES = 64 * 1024
WORKER_FORMS = [procedure for procedure in CATALOGUE if procedure.has_worker_form]


def worst_requests() -> Iterator[tuple[str, str, bytes, str]]:
    """(name, procedure, body, content type): the costliest bodies within the size limit we could build."""
    many = 1990  # just under the number of values an answer may hold
    for procedure_id in ("tim-kiem-viec-lam", "huong-tro-cap", "chuyen-noi-huong"):
        bodies = {
            "a list of empty objects": {"job_search": [{}] * many},
            "wrong items": {"job_search": [{"date": "x", "company": 1}] * 600},
            "a list of strings in every list": {"attachments": ["x" * 20] * 900, "job_search": ["x"] * 900},
            "unexpected keys": {f"k{i}": i for i in range(many)},
            "every answer of the wrong type": {key: [] for key in CATALOGUE[procedure_id].schema.get("properties", {})},
            "one long answer": {"full_name": "x" * (MAX_BODY_BYTES - 100)},
            "nested to the limit": json.loads('{"a":' * 31 + "1" + "}" * 31),
        }
        for name, answers in bodies.items():
            yield name, procedure_id, json.dumps(answers).encode(), "application/json"
        controls = {
            "form: many names": [(f"job_search.{i % 99}.f{i}", "x") for i in range(many)],
            "form: deep names": [(".".join(["a"] * 31), "x")] * 50,
            "form: high indices": [(f"job_search.{i}.date", "x") for i in range(99)] * 19,
        }
        for name, pairs in controls.items():
            yield name, procedure_id, urllib.parse.urlencode(pairs).encode(), FORM


@pytest.mark.parametrize("name, procedure_id, body, content_type", list(worst_requests()),
                         ids=[f"{case[1]}: {case[0]}" for case in worst_requests()])
def test_the_worst_request_we_can_build_costs_under_50_ms_and_answers_under_64_kb(api, name, procedure_id, body, content_type):
    """CPU time of the whole process (server threads included), the least of three tries: a shared
    machine can only make a try slower, never faster."""
    assert len(body) <= MAX_BODY_BYTES
    costs = []
    for _ in range(3):
        started = time.process_time()
        reply = call(api, "POST", f"/api/procedures/{procedure_id}/submissions", body, content_type=content_type)
        costs.append(time.process_time() - started)
    assert 400 <= reply.status < 500, reply.text[:300]
    assert len(reply.body) < MAX_ANSWER_BYTES
    assert min(costs) < MAX_CPU_SECONDS, f"{min(costs) * 1000:.1f} ms of CPU"
    if reply.status == 422 and content_type == "application/json":
        assert len(reply.json["errors"]) <= MAX_ERRORS


def test_more_than_100_errors_are_cut_at_100_and_say_so(api):
    answers = {f"k{i}": i for i in range(300)}
    reply = submit(api, "huong-tro-cap", answers, {"Accept-Language": "en"})
    assert reply.status == 422
    assert len(reply.json["errors"]) == MAX_ERRORS and reply.json["truncated"] is True
    assert "more than 100" in reply.json["detail"]
    few = submit(api, "huong-tro-cap", {**CATALOGUE["huong-tro-cap"].examples[0], "citizen_id": "12"})
    assert few.status == 422 and "truncated" not in few.json


@pytest.mark.parametrize("route", ["submissions", "pdf"])
@pytest.mark.parametrize("where", ["value", "key"])
def test_a_lone_surrogate_is_a_400_that_says_so(api, route, where):
    example = json.dumps(CATALOGUE["cham-dut"].examples[0])
    body = (example[:-1] + ', "\\ud800x": 1}') if where == "key" else example.replace('"full_name": "', '"full_name": "\\udfff', 1)
    reply = call(api, "POST", f"/api/procedures/cham-dut/{route}", body.encode(), headers={"Accept-Language": "en"})
    assert reply.status == 400 and reply.json["type"].endswith("lone-surrogate"), reply.text[:300]
    assert "invalid character" in reply.json["title"]


@pytest.mark.parametrize("number", ["9" * 4301, "-" + "9" * 10_000, "1e999", "-1e400", "NaN", "Infinity"])
def test_a_number_no_answer_could_hold_is_a_400(api, number):
    body = json.dumps(CATALOGUE["chuyen-noi-huong"].examples[0])[:-1] + f', "months_received": {number}}}'
    reply = call(api, "POST", "/api/procedures/chuyen-noi-huong/submissions", body.encode(), headers={"Accept-Language": "vi"})
    assert reply.status == 400 and reply.json["type"].endswith("bad-number"), reply.text[:300]


def integer_fields() -> Iterator[tuple[Procedure, str]]:
    for procedure in WORKER_FORMS:
        for field in procedure.fields:
            if field.schema.get("type") == "integer":
                yield procedure, field.name


def test_the_forms_have_the_integer_questions_this_test_was_written_for():
    assert len({name for _, name in integer_fields()}) == 6


@pytest.mark.parametrize("typed", ["\u00b2", "--5", "9" * 5000, "\u0663", "5,5"])
@pytest.mark.parametrize("procedure, name", list(integer_fields()), ids=[f"{p.id}:{n}" for p, n in integer_fields()])
def test_an_integer_question_typed_wrong_in_a_plain_form_is_explained_beside_it(api, procedure, name, typed):
    from tests.test_api import form_body

    body = [(control, value) for control, value in urllib.parse.parse_qsl(form_body(procedure.examples[0], "vi").decode())
            if control != name] + [(name, typed)]
    reply = call(api, "POST", f"/api/procedures/{procedure.id}/submissions", urllib.parse.urlencode(body).encode(),
                 headers={"Accept": "text/html"}, content_type=FORM)
    assert reply.status == 422, reply.text[:300]
    assert f'id="f-{name.replace(".", "-")}-error"' in reply.text or f'id="f-{name}-error"' in reply.text


@pytest.mark.parametrize("signature", ["\u00e9\u00e9\u00e9", "\u0110\u1ea0", "\ud7ff", "%FF", "x" * 500])
def test_a_signature_of_any_text_is_simply_not_genuine(api, signature):
    receipt = submit(api, "cham-dut", CATALOGUE["cham-dut"].examples[0]).json["receipt"]
    page = call(api, "GET", f"/xac-minh/{receipt['id']}?signature={urllib.parse.quote(signature)}", headers={"Accept": "text/html"})
    assert page.status < 500
    genuine = call(api, "GET", f"/xac-minh/{receipt['id']}?signature={receipt['signature']}", headers={"Accept": "text/html"})
    assert genuine.status == 200 and genuine.text != page.text


def chunked(api: str, path: str, body: bytes) -> tuple[int, bytes]:
    host, port = urllib.parse.urlsplit(api).netloc.split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=30)
    try:
        pieces = (body[i:i + 8192] for i in range(0, len(body), 8192))
        connection.request("POST", path, body=pieces, encode_chunked=True,
                           headers={"Content-Type": "application/json", "Transfer-Encoding": "chunked"})
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


def test_a_streamed_body_over_the_limit_is_a_413_and_one_within_it_is_filed(api):
    example = CATALOGUE["cham-dut"].examples[0]
    padded = json.dumps({**example, "notes": "x" * MAX_BODY_BYTES}).encode()  # over the limit by a little
    status, reply = chunked(api, "/api/procedures/cham-dut/submissions", padded)
    assert status == 413, reply[:300]
    status, reply = chunked(api, "/api/procedures/cham-dut/submissions", json.dumps(example).encode())
    assert status == 201, reply[:300]
    stored = call(api, "GET", f"/api/office/submissions/{json.loads(reply)['receipt']['id']}", headers=OFFICE)
    assert stored.json["answers"] == example


def patterned_fields() -> Iterator[tuple[Procedure, dict, str, str]]:
    """(procedure, an example, JSON pointer, its valid value) of every answer a `pattern` constrains."""
    for procedure in WORKER_FORMS:
        for field in procedure.fields:
            if "pattern" in field.schema:
                example = next((e for e in procedure.examples if isinstance(value_at(e, field.pointer), str)), procedure.examples[0])
                yield procedure, example, field.pointer, value_at(example, field.pointer)


def value_at(answers: dict, pointer: str) -> object:
    value: object = answers
    for part in pointer.strip("/").split("/"):
        value = value.get(part) if isinstance(value, dict) else None
    return value


def with_value(answers: dict, pointer: str, new: object) -> dict:
    copied = json.loads(json.dumps(answers))
    *parents, last = pointer.strip("/").split("/")
    target = copied
    for part in parents:
        target = target.setdefault(part, {})
    target[last] = new
    return copied


def test_every_patterned_answer_has_an_example_to_try_it_with():
    missing = [(procedure.id, pointer) for procedure, _, pointer, value in patterned_fields() if not isinstance(value, str)]
    assert len(list(patterned_fields())) >= 25 and missing == []


@pytest.mark.parametrize("procedure, example, pointer, value", list(patterned_fields()),
                         ids=[f"{p.id}{pointer}" for p, _, pointer, _ in patterned_fields()])
def test_a_patterned_answer_with_a_final_newline_is_judged_alike_by_both_validators_and_never_stored_with_it(
        api, procedure, example, pointer, value):
    sent = with_value(example, pointer, value + "\n")
    pattern_errors = [error for error in procedure.validator.iter_errors(sent) if error.validator == "pattern"]
    quick = procedure.is_valid(sent)  # jsonschema-rs, the quick check; the other explains
    assert quick is False if pattern_errors else quick == (list(procedure.validator.iter_errors(sent)) == [])
    if procedure.fields and "[0-9]" in next(f for f in procedure.fields if f.pointer == pointer).schema["pattern"]:
        assert pattern_errors  # a number's pattern never takes a newline; a name's ([^0-9<>…]) does, and is trimmed
    reply = submit(api, procedure.id, sent)
    if reply.status == 201:  # the function's x-normalize trimmed it first: stored clean, never with the newline
        stored = call(api, "GET", f"/api/office/submissions/{reply.json['receipt']['id']}", headers=OFFICE).json
        assert value_at(stored["answers"], pointer) == value
    else:
        assert reply.status == 422 and pointer in {error["pointer"] for error in reply.json["errors"]}
