"""Provinces and communes/wards of the two-level administration (since 1 July 2025).

The list comes from the `vietnam-provinces` package, never typed by hand. It is offered
to the schemas as a generated resource, `shared/divisions.schema.json`.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from functools import cache

import vietnam_provinces

DIVISIONS_ID = "https://bhtn.invalid/forms/shared/divisions.schema.json"


CENTRE = {"vi": "Trung tâm Dịch vụ việc làm", "en": "Employment Service Centre"}
CITY_PREFIX = "Thành phố "


@dataclass(frozen=True)
class Division:
    code: str
    name: str


def _clean(name: str) -> str:
    """NFC, single spaces: the package has a few names with doubled spaces."""
    return " ".join(unicodedata.normalize("NFC", name).split())


def _province_code(number: int) -> str:
    return f"{number:02d}"


def _ward_code(number: int) -> str:
    return f"{number:05d}"


@cache
def provinces() -> tuple[Division, ...]:
    """The 34 provinces and centrally-run cities, in the package's (official) order."""
    return tuple(
        Division(_province_code(p.code.value), _clean(p.name)) for p in vietnam_provinces.Province.iter_all()
    )


@cache
def province_codes() -> frozenset[str]:
    return frozenset(p.code for p in provinces())


@cache
def _cities() -> frozenset[str]:
    """Centrally-run cities, whose official name already says "Thành phố"."""
    city = vietnam_provinces.VietNamDivisionType.THANH_PHO_TRUNG_UONG
    return frozenset(_province_code(p.code.value) for p in vietnam_provinces.Province.iter_all() if p.division_type == city)


def centre_name(province_code: str, lang: str = "vi") -> str:
    """The province's public employment service organisation (tổ chức dịch vụ việc làm công), in
    practice its Employment Service Centre: 'Trung tâm Dịch vụ việc làm Thành phố Hà Nội', '… tỉnh Lào Cai'."""
    name = division_names().get(province_code)
    if name is None or province_code not in province_codes():
        return CENTRE[lang]
    city = province_code in _cities()
    if lang == "en":
        return f"{CENTRE['en']} of {name.removeprefix(CITY_PREFIX)} {'City' if city else 'Province'}"
    return f"{CENTRE['vi']} {name if city else 'tỉnh ' + name}"


@cache
def wards_by_province() -> dict[str, tuple[Division, ...]]:
    """The 3,321 communes, wards and special zones, grouped by their province's code."""
    grouped: dict[str, list[Division]] = {p.code: [] for p in provinces()}
    for ward in vietnam_provinces.Ward.iter_all():
        grouped[_province_code(ward.province_code.value)].append(
            Division(_ward_code(ward.code.value), _clean(ward.name))
        )
    return {code: tuple(wards) for code, wards in grouped.items()}


@cache
def division_names() -> dict[str, str]:
    """Every province and ward code with its name, for printing answers in words."""
    names = {p.code: p.name for p in provinces()}
    for wards in wards_by_province().values():
        names.update({w.code: w.name for w in wards})
    return names


def data_version() -> str:
    return vietnam_provinces.__data_version__


@cache
def divisions_schema() -> dict:
    """The generated JSON Schema resource: province codes, ward codes, ward-in-province rule."""
    wards = wards_by_province()
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": DIVISIONS_ID,
        "$comment": f"Generated from vietnam-provinces (data {data_version()}); do not edit.",
        "$defs": {
            "provinceCode": {"type": "string", "enum": [p.code for p in provinces()]},
            "wardCode": {"type": "string", "pattern": "^[0-9]{5}$"},
            "wardInProvince": {
                "allOf": [
                    {
                        "if": {"properties": {"province": {"const": code}}, "required": ["province"]},
                        "then": {"properties": {"ward": {"enum": [w.code for w in province_wards]}}},
                    }
                    for code, province_wards in wards.items()
                ]
            },
        },
    }
