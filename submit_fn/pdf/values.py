"""How an answer reads on paper: dates, amounts, places and choices in words.

Pure functions, used by the PDF renderer; every text they return is NFC.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime

from num2words import num2words

from submit_fn.model.divisions import division_names, divisions_schema
from submit_fn.model.procedures import Field

MONTHS_EN = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)
CURRENCY = {"vi": "đồng", "en": "dong"}
IN_WORDS = {"vi": "Bằng chữ", "en": "in words"}
YES_NO = {"vi": ("Có", "Không"), "en": ("Yes", "No")}


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def date_in_words(value: str | date, lang: str = "vi") -> str:
    """'ngày 15 tháng 3 năm 2026'; days below 10 and months 1 and 2 get a leading zero
    as Decree 30/2020/NĐ-CP asks of administrative documents ('ngày 05 tháng 02 năm 2026')."""
    day = value if isinstance(value, date) else date.fromisoformat(value)
    if lang == "en":
        return f"{day.day} {MONTHS_EN[day.month - 1]} {day.year}"
    month = f"{day.month:02d}" if day.month <= 2 else str(day.month)
    return f"ngày {day.day:02d} tháng {month} năm {day.year}"


def amount_in_digits(amount: int, lang: str = "vi") -> str:
    """'1.500.000 đồng' (Vietnamese groups thousands with dots)."""
    grouped = f"{amount:,}".replace(",", "." if lang == "vi" else ",")
    return f"{grouped} {CURRENCY[lang]}"


def amount_in_words(amount: int, lang: str = "vi") -> str:
    """'Một triệu năm trăm nghìn đồng', as written after 'Bằng chữ:'."""
    words = num2words(amount, lang="vi" if lang == "vi" else "en")
    return nfc(f"{words[:1].upper()}{words[1:]} {CURRENCY[lang]}")


def _has_keywords_of(schema: dict, definition: dict) -> bool:
    return all(schema.get(key) == value for key, value in definition.items() if key != "$comment")


def is_division(field: Field) -> bool:
    """Whether the answer is a province or ward code, printed as the place's name."""
    definitions = divisions_schema()["$defs"]
    return any(_has_keywords_of(field.schema, definitions[name]) for name in ("provinceCode", "wardCode"))


def division_name(code: str) -> str:
    return division_names().get(code, code)


def digit_count(field: Field) -> int:
    """Boxes for a digits answer: the longest length its pattern allows, e.g. 12 for '^[0-9]{12}$'."""
    counts = re.findall(r"\{(\d+)(?:,(\d+))?\}", field.schema.get("pattern", ""))
    lengths = [int(high or low) for low, high in counts]
    return max(lengths, default=field.schema.get("maxLength", 12))


def option_label(field: Field, value: str, lang: str) -> str:
    """The label of a chosen value, for a single choice or an item of a multiple choice."""
    for option in choice_options(field):
        if option.value == value:
            return nfc(option.label[lang])
    return nfc(str(value))


def choice_options(field: Field) -> tuple:
    """The options of a single choice, or of each item of a multiple choice."""
    if field.options:
        return field.options
    items = field.schema.get("items", {})
    return Field(field.pointer + "/*", items, False, (), "leaf").options if items else ()


def answer_in_words(field: Field, value: object, lang: str = "vi") -> str:
    """One answer as it is printed on the form."""
    if isinstance(value, bool):
        yes, no = YES_NO[lang]
        return yes if value else no
    if isinstance(value, list):
        return "; ".join(option_label(field, item, lang) for item in value)
    if field.widget == "money" and isinstance(value, int):
        return f"{amount_in_digits(value, lang)} ({IN_WORDS[lang]}: {amount_in_words(value, lang)})"
    if field.widget == "date" or field.schema.get("format") == "date":
        try:
            return date_in_words(str(value), lang)
        except ValueError:
            return nfc(str(value))
    if choice_options(field):
        return option_label(field, str(value), lang)
    if is_division(field):
        return division_name(str(value))
    return nfc(str(value))


def moment_in_words(value: str | datetime, lang: str = "vi") -> str:
    """An RFC 3339 time as printed, in its own offset: '09:41, ngày 15 tháng 3 năm 2026'."""
    moment = value if isinstance(value, datetime) else datetime.fromisoformat(value)
    return f"{moment:%H:%M}, {date_in_words(moment.date(), lang)}"
