"""What changed between two versions of a procedure, in words a legal officer can read.

Fields are matched by their key (the property name), so a new label is a relabel,
not a removal and an addition; a key renamed in the new version says so with
`x-renamed-from`. The same report is printed by `python build.py diff` and shown on
the site's "what changed" page of each procedure.
"""

from __future__ import annotations

import difflib
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass

from sitegen.templating import format_date, strings
from submit_fn.model.procedures import Field, Procedure, Text

AREAS = ("form", "fields", "rules", "guidance")
FORM_TEXTS = ("number", "basis", "name", "addressee", "declaration", "signer")
AT_LEAST = ("minLength", "minimum", "minItems")  # raising these makes a rule stricter
AT_MOST = ("maxLength", "maximum", "maxItems")  # lowering these makes a rule stricter
SHAPE = ("type", "format", "pattern")
LINK = re.compile(r"\[([^\]]+)\]\([^)]*\)")


@dataclass(frozen=True)
class Change:
    area: str
    pointer: str  # where in the new schema (or the old one, for what was removed)
    text: Text


def say(key: str, **values: object) -> Text:
    """A sentence from sitegen/strings.json in both languages; Text values fill in per language."""
    pattern = strings()[key]

    def fill(lang: str) -> str:
        return pattern[lang].format(**{k: v[lang] if isinstance(v, Text) else v for k, v in values.items()})

    return Text(fill("vi"), fill("en"))


def diff(old: Procedure, new: Procedure) -> list[Change]:
    return [
        *_form_changes(old, new),
        *_field_changes(old, new),
        *_rule_changes(old, new),
        *_document_changes(old, new),
        *_guidance_changes(old, new),
    ]


def report(old: Procedure, new: Procedure, lang: str, heading: str = "###") -> str:
    """The changes as Markdown: a header line, then one list per area."""
    changes = diff(old, new)
    header = say(
        "diff_header",
        old=old.version,
        new=new.version,
        old_date=format_date(old.effective_from, lang),
        new_date=format_date(new.effective_from, lang),
    )[lang]
    lines = [header, ""]
    if not changes:
        return "\n".join([*lines, strings()["diff_nothing"][lang], ""])
    for area in AREAS:
        found = [change for change in changes if change.area == area]
        if found:
            lines += [f"{heading} {strings()['diff_area_' + area][lang]}", ""]
            lines += [f"- {change.text[lang]}" for change in found] + [""]
    return "\n".join(lines)


# The form itself ------------------------------------------------------------


def _form_changes(old: Procedure, new: Procedure) -> Iterator[Change]:
    pairs = [("title", Text.of(old.meta["title"]), Text.of(new.meta["title"]))]
    old_form, new_form = old.meta["form"] or {}, new.meta["form"] or {}  # null: nothing to file
    pairs += [(key, Text.of(old_form.get(key)), Text.of(new_form.get(key))) for key in FORM_TEXTS]
    for key, before, after in pairs:
        if before != after:
            yield Change("form", f"/x-procedure/{key}", say(
                "diff_changed", what=strings()[f"diff_meta_{key}"], old=_or_none(before), new=_or_none(after)
            ))
    days_before, days_after = old.processing_working_days, new.processing_working_days
    if days_before != days_after:
        yield Change("form", "/x-procedure/processing_working_days", say(
            "diff_changed", what=strings()["diff_meta_processing_working_days"],
            old=_or_none(days_before), new=_or_none(days_after),
        ))


def _document_changes(old: Procedure, new: Procedure) -> Iterator[Change]:
    """The papers taken as files (`x-documents`), matched by id: added, removed, or asked in other words
    or in other cases."""
    before = {d.id: d for d in old.documents}
    after = {d.id: d for d in new.documents}
    for key, document in before.items():
        if key not in after:
            yield Change("form", f"/x-documents/{document.position}", say("diff_document_removed", title=document.title))
    for key, document in after.items():
        was = before.get(key)
        at = f"/x-documents/{document.position}"
        if was is None:
            yield Change("form", at, say("diff_document_added", title=document.title))
        elif (was.title, was.hint, was.when) != (document.title, document.hint, document.when):
            yield Change("form", at, say("diff_document_changed", old=was.title, new=document.title))


def _or_none(value: object) -> object:
    return strings()["diff_none"] if value is None else value


# Questions ------------------------------------------------------------------


def renamed_pointers(old: Procedure, new: Procedure) -> dict[str, str]:
    """{old pointer: new pointer} for every key a new field says it was renamed from."""
    old_pointers = {f.pointer for f in old.fields}
    new_pointers = {f.pointer for f in new.fields}
    renames = {}
    for field in new.fields:
        previous = field.schema.get("x-renamed-from")
        if previous:
            before = field.pointer.rsplit("/", 1)[0] + "/" + previous
            if before in old_pointers and field.pointer not in old_pointers and before not in new_pointers:
                renames[before] = field.pointer
    return renames


def _translated(pointer: str, renames: dict[str, str]) -> str:
    """An old pointer as it reads in the new version, renamed groups carrying their members."""
    for before, after in renames.items():
        if pointer == before or pointer.startswith(before + "/"):
            return after + pointer[len(before):]
    return pointer


def _field_changes(old: Procedure, new: Procedure) -> Iterator[Change]:
    renames = renamed_pointers(old, new)
    new_fields = {f.pointer: f for f in new.fields}
    matched = set()
    for before in old.fields:
        pointer = _translated(before.pointer, renames)
        after = new_fields.get(pointer)
        if after is None:
            yield Change("fields", before.pointer, say("diff_field_removed", label=before.label))
            continue
        matched.add(pointer)
        if before.pointer in renames:
            yield Change("fields", pointer, say(
                "diff_field_renamed", label=after.label, old=before.pointer, new=after.pointer
            ))
        yield from _question_changes(before, after, old, new)
    for after in new.fields:
        if after.pointer not in matched:
            yield Change("fields", after.pointer, say("diff_field_added", label=after.label, need=_need_word(after)))


def _need(field: Field) -> str:
    if field.required:
        return "required"
    return "conditional" if field.conditions else "optional"


def _need_word(field: Field) -> Text:
    return strings()[f"diff_need_{_need(field)}"]


def _question_changes(before: Field, after: Field, old: Procedure, new: Procedure) -> Iterator[Change]:
    at, label = after.pointer, after.label
    if before.label != after.label:
        yield Change("fields", at, say("diff_label", old=before.label, new=after.label))
    if before.hint != after.hint:
        yield Change("fields", at, say("diff_hint", label=label, old=_or_none(before.hint), new=_or_none(after.hint)))
    if _need(before) != _need(after):
        yield Change("fields", at, say(f"diff_now_{_need(after)}", label=label))
    yield from _constraint_changes(before.schema, after.schema, at, label)
    yield from _option_changes(before, after)
    section_before, section_after = _section_of(old, before.pointer), _section_of(new, at)
    if section_before and section_after and section_before["id"] != section_after["id"]:
        yield Change("fields", at, say("diff_field_moved", label=label, section=Text.of(section_after["title"])))


def _constraint_changes(before: dict, after: dict, at: str, label: Text) -> Iterator[Change]:
    for keyword in (*AT_LEAST, *AT_MOST, *SHAPE):
        old_value, new_value = before.get(keyword), after.get(keyword)
        if old_value == new_value:
            continue
        rule = strings()[f"diff_rule_{keyword}"]
        values = {"label": label, "rule": rule, "old": _or_none(old_value), "new": _or_none(new_value)}
        yield Change("fields", at, say(f"diff_{_direction(keyword, old_value, new_value)}", **values))


def _direction(keyword: str, old_value: object, new_value: object) -> str:
    """'tightened', 'loosened' or, where no order exists (a new pattern), 'rule_changed'."""
    if keyword in SHAPE:
        return "rule_changed"
    if old_value is None or new_value is None:
        return "tightened" if old_value is None else "loosened"
    stricter = new_value > old_value if keyword in AT_LEAST else new_value < old_value
    return "tightened" if stricter else "loosened"


def _option_changes(before: Field, after: Field) -> Iterator[Change]:
    old_options = {o.value: o.label for o in _choices(before)}
    new_options = {o.value: o.label for o in _choices(after)}
    for value, option in old_options.items():
        if value not in new_options:
            yield Change("fields", after.pointer, say("diff_option_removed", label=after.label, option=option))
        elif new_options[value] != option:
            yield Change("fields", after.pointer, say(
                "diff_option_relabelled", label=after.label, old=option, new=new_options[value]
            ))
    for value, option in new_options.items():
        if value not in old_options:
            yield Change("fields", after.pointer, say("diff_option_added", label=after.label, option=option))


def _choices(field: Field):
    """A field's options, or its items' options for a list of choices."""
    if field.options:
        return field.options
    items = field.schema.get("items", {})
    return Field(field.pointer + "/*", items, False, (), "leaf").options if "oneOf" in items else ()


def _section_of(procedure: Procedure, pointer: str) -> dict | None:
    if pointer.count("/") != 1:
        return None
    return next((s for s in procedure.sections if pointer[1:] in s["fields"]), None)


# Rules between questions ----------------------------------------------------


def _rules(procedure: Procedure) -> dict[str, tuple[str, dict]]:
    """Every if/then rule, keyed by its text, with the object it applies to."""
    return {
        base + json.dumps(rule, sort_keys=True, ensure_ascii=False): (base, rule)
        for base, _, rule in procedure.rules
    }


def _rule_changes(old: Procedure, new: Procedure) -> Iterator[Change]:
    old_rules, new_rules = _rules(old), _rules(new)
    for key, (base, rule) in old_rules.items():
        if key not in new_rules:
            yield Change("rules", base or "/", say("diff_rule_removed", rule=describe_rule(old, base, rule)))
    for key, (base, rule) in new_rules.items():
        if key not in old_rules:
            yield Change("rules", base or "/", say("diff_rule_added", rule=describe_rule(new, base, rule)))
    yield from _check_changes(old, new)


def _check_changes(old: Procedure, new: Procedure) -> Iterator[Change]:
    """The schemas' `x-checks`, matched by id and place: an error refuses answers, a warning only says."""
    old_checks = {(c.id, c.at): c for c in old.checks}
    new_checks = {(c.id, c.at): c for c in new.checks}
    for key, check in old_checks.items():
        if key not in new_checks:
            kind = "diff_rule_removed" if check.level == "error" else "diff_warning_removed"
            yield Change("rules", check.at or "/", say(kind, rule=_quoted(check.message)))
    for key, check in new_checks.items():
        before = old_checks.get(key)
        if before is None:
            kind = "diff_rule_added" if check.level == "error" else "diff_warning_added"
            yield Change("rules", check.at or "/", say(kind, rule=_quoted(check.message)))
        elif (before.level, before.message) != (check.level, check.message):
            yield Change("rules", check.at or "/", say("diff_check_changed", old=_quoted(before.message), new=_quoted(check.message)))


def _quoted(text: Text) -> Text:
    return Text(f"«{text.vi}»", f"«{text.en}»")


def describe_rule(procedure: Procedure, base: str, rule: dict) -> Text:
    conditions = [_condition(procedure, base, name, test) for name, test in rule["if"].get("properties", {}).items()]
    consequences = [*_consequences(procedure, base, rule.get("then", {}))]
    return say("diff_when", conditions=_joined(conditions), consequences=_joined(consequences))


def _label(procedure: Procedure, pointer: str) -> Text:
    field = procedure.field_at(pointer)
    return field.label if field else Text(pointer, pointer)


def _option_label(procedure: Procedure, pointer: str, value: object) -> Text | str:
    field = procedure.field_at(pointer)
    options = {o.value: o.label for o in (_choices(field) if field else ())}
    return options.get(value, json.dumps(value, ensure_ascii=False))


def _condition(procedure: Procedure, base: str, name: str, test: dict) -> Text:
    pointer = f"{base}/{name}"
    value = test.get("const", test.get("enum", test))
    return say("diff_is", label=_label(procedure, pointer), value=_option_label(procedure, pointer, value))


def _consequences(procedure: Procedure, base: str, then: dict) -> Iterator[Text]:
    for name in then.get("required", []):
        yield say("diff_must_answer", label=_label(procedure, f"{base}/{name}"))
    for name, test in then.get("properties", {}).items():
        pointer = f"{base}/{name}"
        if "const" in test.get("contains", {}):
            value = _option_label(procedure, pointer, test["contains"]["const"])
            yield say("diff_must_include", label=_label(procedure, pointer), value=value)
        else:
            yield say("diff_other_rule", label=_label(procedure, pointer))


def _joined(parts: list[Text]) -> Text:
    glue = strings()["diff_and"]
    return Text(glue.vi.join(p.vi for p in parts), glue.en.join(p.en for p in parts))


# Guidance -------------------------------------------------------------------


NOT_GUIDANCE = ("estimator", "sources")  # a switch of the page; where the facts come from, not what they are


def _guidance_changes(old: Procedure, new: Procedure) -> Iterator[Change]:
    for key in dict.fromkeys([*new.guidance, *old.guidance]):
        before, after = old.guidance.get(key), new.guidance.get(key)
        if before == after or key in NOT_GUIDANCE:
            continue
        what = strings().get(key) or strings()[f"guidance_{key}"]
        if isinstance(after or before, dict):
            yield Change("guidance", f"/x-guidance/{key}", say(
                "diff_text_changed", what=what, old=_or_none(_unlinked(Text.of(before))), new=_or_none(_unlinked(Text.of(after)))
            ))
            continue
        yield from _list_changes(key, what, _items(before or []), _items(after or []))


def _unlinked(text: Text | None) -> Text | None:
    """A guidance text's [links](other-page.md) as their words: relative to the guidance page, they would
    point elsewhere from the what-changed page."""
    return text and Text(*(LINK.sub(r"\1", words) for words in (text.vi, text.en)))


def _list_changes(key: str, what: Text, before: list[Text], after: list[Text]) -> Iterator[Change]:
    """Entries removed, added, or (replaced one for one) reworded."""
    at = f"/x-guidance/{key}"
    matcher = difflib.SequenceMatcher(a=[t.vi + t.en for t in before], b=[t.vi + t.en for t in after], autojunk=False)
    for tag, old_start, old_end, new_start, new_end in matcher.get_opcodes():
        removed, added = before[old_start:old_end], after[new_start:new_end]
        if tag == "equal":
            continue
        if tag == "replace" and len(removed) == len(added):
            for old_item, new_item in zip(removed, added):
                yield Change("guidance", at, say("diff_text_changed", what=what, old=old_item, new=new_item))
            continue
        yield from (Change("guidance", at, say("diff_item_removed", what=what, item=item)) for item in removed)
        yield from (Change("guidance", at, say("diff_item_added", what=what, item=item)) for item in added)


def _items(values: list) -> list[Text]:
    """A guidance list's entries as texts: plain texts, channels, legal acts or sources."""
    return [_unlinked(_item(value)) for value in values]


def _item(value: object) -> Text:
    if isinstance(value, str):
        return Text(value, value)
    if "act" in value:
        act, articles = Text.of(value["act"]), value["articles"]
        if isinstance(articles, str):  # an earlier version's one string, English shorthand: the act alone in Vietnamese
            return Text(act.vi, f"{act.en}, {articles}")
        return say("legal_basis_item", act=act, articles=Text.of(articles))
    if "kind" in value:
        channel, text = strings()[f"channel_{value['kind']}"], Text.of(value["text"])
        return Text(f"{channel.vi}: {text.vi}", f"{channel.en}: {text.en}")
    return Text.of(value)
