"""Answers as people type them: the function's normalisers (submit_fn/model/normalize.py) and the
browser's (docs/assets/js/normalize.js, run in node) read every input alike, and never turn a
wrong answer into a different right one."""

from __future__ import annotations

import json
import subprocess
import unicodedata
from collections.abc import Iterator

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from submit_fn.model.normalize import CURRENCY_WORDS, MONTH_WORDS, NORMALIZERS, SPACES, normalized
from submit_fn.model.procedures import load_catalogue, read_json
from tests.conftest import ROOT

NODE_LOOP = """
const normalize = require(process.argv[1]);
const lines = require("readline").createInterface({ input: process.stdin });
lines.on("line", line => {
  const [names, value] = JSON.parse(line);
  process.stdout.write(JSON.stringify(normalize.apply(names, value)) + "\\n");
});
"""


class Browser:
    """docs/assets/js/normalize.js in one node process, asked one value per line."""

    def __init__(self) -> None:
        script = str(ROOT / "docs" / "assets" / "js" / "normalize.js")
        self.process = subprocess.Popen(["node", "-e", NODE_LOOP, script], stdin=subprocess.PIPE,
                                        stdout=subprocess.PIPE, text=True, encoding="utf-8")

    def apply(self, names: list[str], value: str) -> object:
        self.process.stdin.write(json.dumps([names, value]) + "\n")
        self.process.stdin.flush()
        return json.loads(self.process.stdout.readline())

    def close(self) -> None:
        self.process.stdin.close()
        self.process.wait(timeout=10)


@pytest.fixture(scope="module")
def javascript() -> Iterator[Browser]:
    node = Browser()
    yield node
    node.close()


def python(names: list[str], value: str) -> object:
    for name in names:
        if isinstance(value, str):
            value = NORMALIZERS[name](value)
    return value


EXPANDED_SPACES = [chr(c) for c in range(0x2000, 0x200C)] + [c for c in SPACES if c != "-" and not 0x2000 <= ord(c) <= 0x200B]
ASSIGNED = st.characters(codec="utf-8").filter(lambda c: unicodedata.category(c) not in ("Cn", "Cs"))
PIECES = st.one_of(
    st.sampled_from(["0", "1", "8", "84", "+84", "0084", "+", "(", ")", ".", ",", "-", "000", "500", "905", "a", "O",
                     *MONTH_WORDS, *CURRENCY_WORDS, "năm", "a\u0301", "tha\u0301ng", "đ\u0300"]),
    st.sampled_from(EXPANDED_SPACES),
    st.text(alphabet="0123456789", min_size=1, max_size=12),
    st.text(alphabet=ASSIGNED, max_size=3),
)
TYPED = st.lists(PIECES, max_size=10).map("".join)


@settings(max_examples=3000, deadline=None)
@given(name=st.sampled_from(sorted(NORMALIZERS)), value=TYPED)
def test_the_browser_and_the_function_normalise_every_input_alike(javascript, name, value):
    assert javascript.apply([name], value) == python([name], value), (name, value)


@settings(max_examples=500, deadline=None)
@given(names=st.lists(st.sampled_from(sorted(NORMALIZERS)), min_size=1, max_size=3, unique=True), value=TYPED)
def test_the_browser_and_the_function_agree_on_normalisers_in_a_row(javascript, names, value):
    assert javascript.apply(names, value) == python(names, value), (names, value)


def test_the_meta_schema_the_function_and_the_browser_know_the_same_normalisers():
    meta = read_json(ROOT / "forms" / "shared" / "meta.schema.json", ROOT / "forms")
    declared = set(meta["properties"]["x-normalize"]["items"]["enum"])
    known = subprocess.run(["node", "-e", "console.log(JSON.stringify(Object.keys(require(process.argv[1]).normalizers)))",
                            str(ROOT / "docs" / "assets" / "js" / "normalize.js")], capture_output=True, text=True, check=True)
    assert declared == set(NORMALIZERS) == set(json.loads(known.stdout))


@pytest.mark.parametrize(("name", "typed", "stored"), [
    ("digits", "048 090 012 345", "048090012345"),
    ("digits", "48 1234 5678", "4812345678"),
    ("digits", "0011-0041-23456", "0011004123456"),
    ("digits", "\u00a0001190012345 ", "001190012345"),
    ("phone-vn", "+84 905 123 456", "0905123456"),
    ("phone-vn", "84905123456", "0905123456"),
    ("phone-vn", "0905.123.456", "0905123456"),
    ("phone-vn", "0084 905 123 456", "0905123456"),
    ("phone-vn", "(+84) 0905-123-456", "0905123456"),
    ("phone-vn", "+84 28 3829 1234", "02838291234"),
    ("phone-vn", "0845 123 456", "0845123456"),
    ("integer-words", "30 tháng", 30),
    ("integer-words", "30tháng", 30),
    ("integer-words", "tha\u0301ng", "tha\u0301ng"),
    ("integer-words", "12 months", 12),
    ("integer-words", " 036 ", 36),
    ("amount-vnd", "8.500.000", 8500000),
    ("amount-vnd", "8,500,000", 8500000),
    ("amount-vnd", "8 500 000", 8500000),
    ("amount-vnd", "8.500.000 đ", 8500000),
    ("amount-vnd", "8.500.000đồng", 8500000),
    ("amount-vnd", "8\u00a0500\u00a0000 VNĐ", 8500000),
    ("amount-vnd", "8500000", 8500000),
    ("collapse-spaces", "  Nguyễn   Thị\tHoa ", "Nguyễn Thị Hoa"),
    ("nfc", "Nguye\u0302\u0303n", "Nguyễn"),
])
def test_what_people_type_is_stored_clean(javascript, name, typed, stored):
    assert python([name], typed) == stored
    assert javascript.apply([name], typed) == stored


@pytest.mark.parametrize(("name", "typed"), [
    ("amount-vnd", "8.5"),  # not 8,500,000 đồng: đồng have no decimals, and 8.5 is no thousands group
    ("amount-vnd", "8,5"),
    ("amount-vnd", "8.500,50"),
    ("amount-vnd", "8.500,000"),  # two different separators
    ("amount-vnd", "8.50.000"),
    ("amount-vnd", "8 triệu"),
    ("amount-vnd", "-8.500.000"),
    ("amount-vnd", "1" * 16),  # more digits than a browser keeps exactly
    ("phone-vn", "09O5 123 456"),  # a letter O for a zero
    ("phone-vn", "+1 415 555 0100"),  # another country's number
    ("phone-vn", "0905+123456"),
    ("digits", "048 090 O12 345"),
    ("digits", "-048090012345"),
    ("integer-words", "3 năm"),  # 3 years: never guessed as 36 months
    ("integer-words", "2,5"),
    ("integer-words", "tháng 2"),
    ("integer-words", "-3"),
    ("integer-words", "1234567"),
])
def test_what_cannot_be_read_is_left_as_typed_for_the_checks_to_explain(javascript, name, typed):
    assert python([name], typed) == typed
    assert javascript.apply([name], typed) == typed


def _digits(text: str) -> str:
    return "".join(c for c in text if c in "0123456789")


@settings(max_examples=2000, deadline=None)
@given(value=TYPED)
def test_a_normaliser_only_ever_removes_separators_units_and_the_country_code(value):
    """Never a digit added, dropped or moved: a wrong answer stays wrong, a right one keeps its meaning."""
    for name in ("digits", "integer-words", "amount-vnd"):
        clean = python([name], value)
        if clean != value:
            assert (str(clean) if isinstance(clean, int) else clean) == (_digits(value).lstrip("0") or "0" if isinstance(clean, int) else _digits(value)), name
    phone = python(["phone-vn"], value)
    if phone != value:
        typed = _digits(value)
        assert set(phone) <= set("0123456789"), (value, phone)
        assert phone.lstrip("0") in {typed.lstrip("0"), typed[2:].lstrip("0"), typed[4:].lstrip("0")}, (value, phone)


def test_the_function_normalises_a_copy_and_only_the_questions_that_ask_for_it():
    procedure = load_catalogue()["chuyen-noi-huong"]
    typed = {**procedure.examples[0], "citizen_id": "001 190 012 345", "phone": "+84 912 345 678",
             "months_received": "2 tháng", "reason": "  Chuyển   về quê  "}
    clean = normalized(procedure, typed)
    assert clean == {**procedure.examples[0], "reason": "  Chuyển   về quê  "}
    assert typed["citizen_id"] == "001 190 012 345"  # the answers as sent are kept as sent
    assert normalized(procedure, procedure.examples[0]) is procedure.examples[0]
