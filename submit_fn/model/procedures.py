"""Load the procedure schemas, check them, and describe each procedure's fields.

This is the one module through which the build, the form pages, the PDFs and the
function read a procedure. Nothing about a procedure is typed anywhere else.
"""

from __future__ import annotations

import copy
import json
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import cached_property
from pathlib import Path
from zoneinfo import ZoneInfo

import jsonschema_rs
from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError
from jsonschema_specifications import REGISTRY as SPECIFICATIONS
from referencing import Registry
from referencing._core import Resolver
from referencing.jsonschema import DRAFT202012

from submit_fn.model.divisions import divisions_schema
from submit_fn.model.schema_keywords import SchemaValidator

BASE_URI = "https://bhtn.invalid/forms/"
SHARED_DIR = "shared"
META_FILE = "meta.schema.json"
DEFS_FILE = "defs.schema.json"
PROCEDURE_SUFFIX = ".schema.json"
VERSIONS_DIR = "versions"
PROCEDURE_IDS = (
    "tim-kiem-viec-lam",
    "huong-tro-cap",
    "tam-dung",
    "tiep-tuc",
    "cham-dut",
    "chuyen-noi-huong",
)
FORMAT_CHECKER = Draft202012Validator.FORMAT_CHECKER


VIETNAM = ZoneInfo("Asia/Ho_Chi_Minh")


def today_in_vietnam() -> date:
    """The date in Vietnam now: which version is in force depends on it."""
    return datetime.now(VIETNAM).date()


def default_forms_dir() -> Path:
    """`FORMS_DIR` if set; the repository's `forms/`; else the copy bundled for deployment."""
    if os.environ.get("FORMS_DIR"):
        return Path(os.environ["FORMS_DIR"])
    repository_forms = Path(__file__).resolve().parents[2] / "forms"
    if repository_forms.is_dir():
        return repository_forms
    return Path(__file__).resolve().parents[1] / "bundle" / "forms"


class SchemaError(Exception):
    """A problem in a schema file, said so that a maintainer can fix it."""

    def __init__(self, file: str, pointer: str, problem: str) -> None:
        self.file, self.pointer, self.problem = file, pointer, problem
        super().__init__(f"{file}: at {pointer or '/'}: {problem}")


@dataclass(frozen=True)
class Text:
    """A user-facing text, Vietnamese first."""

    vi: str
    en: str

    def __getitem__(self, lang: str) -> str:
        return self.en if lang == "en" else self.vi

    @classmethod
    def of(cls, value: dict | None) -> Text | None:
        return cls(value["vi"], value["en"]) if value else None


@dataclass(frozen=True)
class Option:
    value: str
    label: Text


@dataclass(frozen=True)
class Condition:
    """A field is asked only when the object at `base` matches `when` (a schema's `if`)."""

    base: str
    when: dict


@dataclass(frozen=True)
class Field:
    """One question of a form: a leaf answer, a group of answers, or a repeatable group."""

    pointer: str  # JSON pointer; array items appear as '*'
    schema: dict  # the field's schema with `$ref`s merged in
    required: bool
    conditions: tuple[Condition, ...]
    kind: str  # 'leaf', 'group' or 'list'

    @property
    def name(self) -> str:
        """The form control's name (CONTRACT.md): the path joined by '.'."""
        return self.pointer[1:].replace("/", ".")

    @property
    def key(self) -> str:
        return self.pointer.rsplit("/", 1)[-1]

    @property
    def depth(self) -> int:
        return self.pointer.count("/")

    @property
    def label(self) -> Text:
        return Text(self.schema["title"], self.schema["x-en"]["title"])

    @property
    def hint(self) -> Text | None:
        if "description" not in self.schema:
            return None
        return Text(self.schema["description"], self.schema["x-en"]["description"])

    @property
    def options(self) -> tuple[Option, ...]:
        return tuple(
            Option(choice["const"], Text(choice["title"], choice["x-en"]["title"]))
            for choice in self.schema.get("oneOf", ())
            if "const" in choice
        )

    @property
    def widget(self) -> str:
        """How to ask: the layout hint if given, else derived from the type."""
        layout = self.schema.get("x-layout", {})
        if "widget" in layout:
            return layout["widget"]
        if self.schema.get("format") == "date":
            return "date"
        if self.options:
            return "radio" if len(self.options) <= 4 else "select"
        if "enum" in self.schema:
            return "select"
        if self.schema.get("type") == "array" and self.schema.get("items", {}).get("oneOf"):
            return "checkboxes"
        if self.schema.get("type") == "integer":
            return "number"
        if self.schema.get("type") == "boolean":
            return "checkbox"
        if self.schema.get("maxLength", 0) > 200:
            return "textarea"
        return "text"

    def error_text(self, keyword: str) -> Text | None:
        return Text.of(self.schema.get("x-errors", {}).get(keyword))


def schema_path(pointer: str) -> str:
    """Where the question at an answer pointer is written in its schema (`*` is an array's `items`)."""
    return "".join("/items" if part == "*" else f"/properties/{part}" for part in pointer.split("/")[1:])


RELATIVE_POINTER = re.compile(r"(0|[1-9][0-9]*)((?:/[^/]*)*)")


def relative_pointer(base: str, relative: str) -> str | None:
    """A Relative JSON Pointer ('1/from': the sibling 'from') read from `base`; None if it leads above the root."""
    found = RELATIVE_POINTER.fullmatch(relative)
    parts = base.split("/")[1:]
    if not found or int(found.group(1)) > len(parts):
        return None
    kept = parts[: len(parts) - int(found.group(1))]
    return "".join(f"/{part}" for part in kept) + found.group(2)


@dataclass(frozen=True)
class Check:
    """A rule JSON Schema cannot say (`x-checks`): answers each valid but impossible together,
    or with today's date; submit_fn/model/answer_checks.py judges it."""

    id: str
    kind: str
    fields: tuple[str | None, ...]  # the answers compared, by pointer, the subject first; None: leads nowhere
    at: str | None  # the answer beside which the message is shown
    level: str  # 'error' (refused) or 'warning' (shown, never blocks)
    message: Text
    value: object  # the kind's parameter: years, a choice, a number of working days
    when: tuple[str | None, tuple[str, ...]] | None  # judged only when the answer at this pointer is one of these
    next: dict | None  # a warning's next step: {"procedure", "link", "carry": {pointer there: pointer here | {"const"}}}
    example: dict | None
    declared: str  # where it is written: '/x-checks/0', or '/properties/birth_date/x-checks/0' (through its $ref)
    on_question: bool  # written on a question's own schema (its subject), not at the schema's top
    written: dict  # the declaration as written, for the lint


def _check(declared: dict, where: str, subject: str | None = None) -> Check:
    """A check as written; on a question, `with` and carried answers are relative to the question."""
    if subject is None:
        fields: tuple[str | None, ...] = tuple(declared.get("fields", ()))

        def resolve(pointer: str) -> str | None:
            return pointer if pointer.startswith("/") else None
    else:
        fields = (subject, *(relative_pointer(subject, other) for other in declared.get("with", ())))

        def resolve(pointer: str) -> str | None:
            return relative_pointer(subject, pointer)
    when = declared.get("when")
    condition = (resolve(when["field"]), tuple(when["in"])) if when else None
    next_step = declared.get("next")
    if next_step:
        carry = {to: source if isinstance(source, dict) else resolve(source) for to, source in next_step["carry"].items()}
        next_step = {**next_step, "link": Text.of(next_step["link"]), "carry": carry}
    return Check(
        declared["id"], declared["kind"], fields, declared.get("at") or (fields[0] if fields else None),
        declared["level"], Text.of(declared["message"]), declared.get("value"), condition, next_step,
        declared.get("example"), where, subject is not None, declared,
    )


@dataclass(frozen=True)
class DocumentKind:
    """A paper of the dossier the worker may send as a photo or PDF file (`x-documents`)."""

    id: str
    title: Text
    hint: Text | None
    when: tuple[str, tuple[str, ...]] | None  # asked only when the answer at this pointer is one of these
    position: int  # its place in the list: the n-th file part of a multipart post is the n-th kind


@dataclass(frozen=True)
class Procedure:
    """A procedure in one version: its schema, validator and fields."""

    schema: dict
    registry: Registry = field(repr=False)
    file: str = ""

    @property
    def meta(self) -> dict:
        return self.schema["x-procedure"]

    @property
    def id(self) -> str:
        return self.meta["id"]

    @property
    def version(self) -> str:
        return self.meta["version"]

    @property
    def effective_from(self) -> date:
        return date.fromisoformat(self.meta["effective_from"])

    @property
    def accepts_previous_until(self) -> date:
        """The first day on which the version before this one is no longer accepted."""
        return self.effective_from + timedelta(days=self.meta.get("previous_accepted_days", 0))

    @property
    def title(self) -> Text:
        return Text.of(self.meta["title"])

    @property
    def has_worker_form(self) -> bool:
        """Whether the worker files something (CONTRACT.md: `bieu-mau/<id>/` only then).

        `x-procedure.form` is null where the worker files nothing (tam-dung: the centre acts
        on a missed notification); the form page, the blank PDF, the submission routes and
        the examples all follow this one property.
        """
        return self.meta["form"] is not None

    @property
    def form_number(self) -> Text | None:
        return Text.of(self.meta["form"]["number"]) if self.has_worker_form else None

    @property
    def processing_working_days(self) -> int | None:
        return self.meta["processing_working_days"]

    @property
    def guidance(self) -> dict:
        return self.schema["x-guidance"]

    @property
    def sections(self) -> list[dict]:
        return self.schema.get("x-sections", [])

    @cached_property
    def validator(self) -> Draft202012Validator:
        """Explains every error; reads the keywords as `is_valid` does (schema_keywords.py)."""
        return SchemaValidator(self.schema, registry=self.registry, format_checker=FORMAT_CHECKER)

    @cached_property
    def _fast_validator(self):
        """The same schema compiled in Rust: a yes/no answer in microseconds."""
        return jsonschema_rs.validator_for(self.bundled_schema(), validate_formats=True)

    def is_valid(self, instance: object) -> bool:
        """Fast check for the common case; `validator` explains the rest (tests keep the two in step)."""
        return self._fast_validator.is_valid(instance)

    @cached_property
    def fields(self) -> tuple[Field, ...]:
        """Every question in the form's order, groups before their members."""
        resolver = self.registry.resolver(base_uri=self.schema["$id"])
        return tuple(_walk(self.schema, "", True, (), resolver))

    @cached_property
    def rules(self) -> tuple[tuple[str, int, dict], ...]:
        """Every `if`/`then` rule: (pointer of the object it applies to, its index in `allOf`, the rule)."""
        objects = [("", self.schema), *((f.pointer, f.schema) for f in self.fields if f.kind == "group")]
        return tuple(
            (base, index, rule)
            for base, schema in objects
            for index, rule in enumerate(schema.get("allOf", []))
            if "if" in rule
        )

    @cached_property
    def normalize_plan(self) -> dict:
        """Where answers are cleaned (`x-normalize`): a tree of answer keys ('*': each list item)
        whose leaves are the normalisers' names."""
        plan: dict = {}
        for question in self.fields:
            if question.schema.get("x-normalize"):
                *parents, last = question.pointer.split("/")[1:]
                node = plan
                for part in parents:
                    node = node.setdefault(part, {})
                node[last] = tuple(question.schema["x-normalize"])
        return plan

    @cached_property
    def checks(self) -> tuple[Check, ...]:
        """Every `x-checks` entry: those on questions (shared definitions included) in the form's
        order, then those at the schema's top."""
        on_questions = [
            _check(declared, f"{schema_path(question.pointer)}/x-checks/{index}", question.pointer)
            for question in self.fields
            for index, declared in enumerate(question.schema.get("x-checks", []))
        ]
        at_top = [_check(declared, f"/x-checks/{index}") for index, declared in enumerate(self.schema.get("x-checks", []))]
        return (*on_questions, *at_top)

    @cached_property
    def documents(self) -> tuple[DocumentKind, ...]:
        """The papers the form asks as files, in order (none for most procedures)."""
        return tuple(
            DocumentKind(d["id"], Text.of(d["title"]), Text.of(d.get("description")),
                         (d["when"]["field"], tuple(d["when"]["in"])) if "when" in d else None, position)
            for position, d in enumerate(self.schema.get("x-documents", ()))
        )

    @cached_property
    def _fields_by_pointer(self) -> dict[str, Field]:
        return {f.pointer: f for f in self.fields}

    def field_at(self, pointer: str) -> Field | None:
        """The field answering at an instance pointer (array indexes read as '*')."""
        parts = [("*" if part.isdigit() else part) for part in pointer.split("/")[1:]]
        while parts:
            found = self._fields_by_pointer.get("/" + "/".join(parts))
            if found:
                return found
            parts.pop()
        return None

    @property
    def examples(self) -> list[dict]:
        return self.schema.get("examples", [])

    def invalid_examples(self) -> Iterator[tuple[dict, dict]]:
        """Each invalid example applied to the first valid one: (case, instance)."""
        for case in self.schema.get("x-invalid-examples", []):
            yield case, self.example_with(case)

    def example_with(self, case: dict) -> dict:
        """The first valid example changed as a case says: answers `set` at pointers, others `unset`."""
        instance = copy.deepcopy(self.examples[0])
        for pointer, value in case.get("set", {}).items():
            _set_at(instance, pointer, value)
        for pointer in case.get("unset", []):
            _unset_at(instance, pointer)
        return instance

    def bundled_schema(self) -> dict:
        """The schema with the shared resources embedded, readable without this project."""
        bundled = copy.deepcopy(self.schema)
        bundled["$schema"] = "https://json-schema.org/draft/2020-12/schema"
        embedded = bundled.setdefault("$defs", {})
        for uri in (BASE_URI + f"{SHARED_DIR}/{DEFS_FILE}", divisions_schema()["$id"]):
            resource = copy.deepcopy(self.registry[uri].contents)
            resource.pop("$schema", None)
            embedded["bundled:" + uri.rsplit("/", 1)[-1]] = resource
        return bundled


def _merged(schema: dict, resolver: Resolver) -> tuple[dict, Resolver]:
    """Follow `$ref`s, the referring schema's own keywords winning over the target's.

    Returns the resolver of the innermost target, against which the merged schema's
    own references must be resolved.
    """
    if "$ref" not in schema:
        return schema, resolver
    target = resolver.lookup(schema["$ref"])
    base, inner = _merged(target.contents, target.resolver)
    own = {k: v for k, v in schema.items() if k != "$ref"}
    merged = {**base, **own}
    for nested in ("x-en", "x-errors"):
        if nested in base and nested in own:
            merged[nested] = {**base[nested], **own[nested]}
    return merged, inner


def _conditions_of(schema: dict, base: str) -> dict[str, list[Condition]]:
    """Which properties of this object are asked only under an `if`."""
    found: dict[str, list[Condition]] = {}
    for rule in schema.get("allOf", []):
        if "if" in rule and "then" in rule:
            for name in rule["then"].get("required", []):
                found.setdefault(name, []).append(Condition(base, rule["if"]))
    return found


def _walk(
    schema: dict, pointer: str, required: bool, conditions: tuple, resolver: Resolver
) -> Iterator[Field]:
    schema, resolver = _merged(schema, resolver)
    items, items_resolver = _merged(schema.get("items", {}), resolver)
    if pointer:
        kind = {"object": "group", "array": "list"}.get(schema.get("type"), "leaf")
        if kind == "list" and "properties" not in items:
            kind = "leaf"  # a list of choices is one question
        yield Field(pointer, schema, required, conditions, kind)
    if schema.get("type") == "array" and "properties" in items:
        yield from _walk_properties(items, pointer + "/*", items_resolver)
    elif "properties" in schema:
        yield from _walk_properties(schema, pointer, resolver)


def _walk_properties(schema: dict, pointer: str, resolver: Resolver) -> Iterator[Field]:
    required = set(schema.get("required", []))
    conditional = _conditions_of(schema, pointer)
    for name, child in schema["properties"].items():
        yield from _walk(
            child,
            f"{pointer}/{name}",
            name in required,
            tuple(conditional.get(name, ())),
            resolver,
        )


def _set_at(instance: dict, pointer: str, value: object) -> None:
    *parents, last = pointer.split("/")[1:]
    target = instance
    for part in parents:
        target = target[int(part)] if isinstance(target, list) else target.setdefault(part, {})
    if isinstance(target, list):
        target[int(last)] = value
    else:
        target[last] = value


def _unset_at(instance: dict, pointer: str) -> None:
    *parents, last = pointer.split("/")[1:]
    target = instance
    for part in parents:
        target = target[int(part)] if isinstance(target, list) else target[part]
    del target[int(last) if isinstance(target, list) else last]


# Loading and checking ------------------------------------------------------


def read_json(path: Path, forms_dir: Path) -> dict:
    """Parse a schema file, turning a syntax error into a message with line and column."""
    name = str(path.relative_to(forms_dir.parent)) if path.is_relative_to(forms_dir.parent) else str(path)
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as error:
        raise SchemaError(name, "", f"not valid JSON (line {error.lineno}, column {error.colno}): {error.msg}") from None
    except UnicodeDecodeError:
        raise SchemaError(name, "", "not UTF-8 text; save the file as UTF-8") from None


def _pointer(path) -> str:
    return "".join(f"/{str(part).replace('~', '~0').replace('/', '~1')}" for part in path)


def schema_problems(schema: dict, meta_validator: Draft202012Validator) -> list[tuple[str, str]]:
    """The meta-schema's findings as (pointer, problem), the cascade of parents left out."""
    found = {_described(error) for error in meta_validator.iter_errors(schema)}
    return sorted(found)


def _described(error: ValidationError) -> tuple[str, str]:
    """(pointer, problem); an unknown keyword is pointed at itself."""
    if list(error.schema_path)[-2:] == ["propertyNames", "enum"]:
        return (
            _pointer([*error.absolute_path, error.instance]),
            (f"unknown keyword {error.instance!r}: check its spelling, or add it to "
            "forms/shared/meta.schema.json if the project needs it"),
        )
    return _pointer(error.absolute_path), _describe_meta_error(error)


def _describe_meta_error(error: ValidationError) -> str:
    if error.validator == "required" and "x-en" in error.validator_value:
        return "a Vietnamese title or description needs its English translation beside it in \"x-en\""
    return error.message


class VersionNotAccepted(Exception):
    """A submission names a version of a form that cannot be accepted today."""

    def __init__(self, reason: str, procedure: Procedure) -> None:
        self.reason = reason  # 'unknown', 'not_yet' or 'expired'
        self.procedure = procedure  # the version in force, which the worker should use
        super().__init__(reason)


@dataclass
class Catalogue:
    """Every version of every procedure, loaded and checked once.

    `catalogue[id]` and iteration give the version in force on `today()`: the date
    given as `as_of`, else today in Vietnam, asked anew on every call, so that a
    running function publishes a new version on its date by itself.
    """

    forms_dir: Path
    registry: Registry
    versions: dict[str, tuple[Procedure, ...]]  # oldest first
    as_of: date | None = None

    def today(self) -> date:
        return self.as_of or today_in_vietnam()

    def in_force(self, procedure_id: str, day: date | None = None) -> Procedure:
        """The newest version whose effective date has come; KeyError if none has."""
        day = day or self.today()
        current = [p for p in self.versions[procedure_id] if p.effective_from <= day]
        if not current:
            raise KeyError(procedure_id)
        return current[-1]

    def __getitem__(self, procedure_id: str) -> Procedure:
        return self.in_force(procedure_id)

    def __iter__(self) -> Iterator[Procedure]:
        for procedure_id in self.versions:
            try:
                yield self.in_force(procedure_id)
            except KeyError:
                continue  # a procedure whose first version is not in force yet

    def version(self, procedure_id: str, version: str) -> Procedure | None:
        return next((p for p in self.versions.get(procedure_id, ()) if p.version == version), None)

    def successor(self, procedure: Procedure) -> Procedure | None:
        history = self.versions[procedure.id]
        index = next(i for i, known in enumerate(history) if known is procedure)
        return history[index + 1] if index + 1 < len(history) else None

    def accepting(self, procedure_id: str, version: str | None) -> Procedure:
        """The version to validate a submission against: the one its form was loaded with,
        while that version is in force or within the grace period its successor grants."""
        current = self.in_force(procedure_id)
        if not version or version == current.version:
            return current
        named = self.version(procedure_id, version)
        if named is None:
            raise VersionNotAccepted("unknown", current)
        if named.effective_from > self.today():
            raise VersionNotAccepted("not_yet", current)
        successor = self.successor(named)
        if successor is not None and self.today() >= successor.accepts_previous_until:
            raise VersionNotAccepted("expired", current)
        return named


def _shared_registry(forms_dir: Path) -> tuple[Registry, Draft202012Validator]:
    meta = read_json(forms_dir / SHARED_DIR / META_FILE, forms_dir)
    registry = SPECIFICATIONS.combine(Registry()).with_resources(
        [
            (meta["$id"], DRAFT202012.create_resource(meta)),
            (divisions_schema()["$id"], DRAFT202012.create_resource(divisions_schema())),
        ]
    ).crawl()  # crawled once: `$dynamicRef` lookups would otherwise crawl on every use
    meta_validator = Draft202012Validator(meta, registry=registry)
    return registry, meta_validator


def _checked(path: Path, forms_dir: Path, meta_validator: Draft202012Validator) -> dict:
    schema = read_json(path, forms_dir)
    name = str(path.relative_to(forms_dir.parent))
    problems = schema_problems(schema, meta_validator)
    if problems:
        pointer, problem = problems[0]
        more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
        raise SchemaError(name, pointer, problem + more)
    return schema


def procedure_files(forms_dir: Path) -> list[Path]:
    return [forms_dir / f"{pid}{PROCEDURE_SUFFIX}" for pid in PROCEDURE_IDS]


def version_files(forms_dir: Path, procedure_id: str) -> list[Path]:
    """Earlier versions of a procedure, kept as `forms/versions/<id>/<version>.schema.json`."""
    folder = forms_dir / VERSIONS_DIR / procedure_id
    return sorted(folder.glob(f"*{PROCEDURE_SUFFIX}")) if folder.is_dir() else []


def all_schema_files(forms_dir: Path) -> list[Path]:
    files = [forms_dir / SHARED_DIR / DEFS_FILE]
    for path in procedure_files(forms_dir):
        files += [*version_files(forms_dir, path.name.removesuffix(PROCEDURE_SUFFIX)), path]
    return files


def archived_id(procedure_id: str, version: str) -> str:
    """The `$id` of an earlier version: beside the current one, so relative `$ref`s still resolve."""
    return f"{BASE_URI}{procedure_id}-{version}{PROCEDURE_SUFFIX}"


def all_problems(forms_dir: Path | None = None) -> list[SchemaError]:
    """Every problem in every schema file, for a build to report all at once."""
    forms_dir = forms_dir or default_forms_dir()
    _, meta_validator = _shared_registry(forms_dir)
    found: list[SchemaError] = []
    for path in all_schema_files(forms_dir):
        name = str(path.relative_to(forms_dir.parent))
        if not path.exists():
            found.append(SchemaError(name, "", "file missing"))
            continue
        try:
            schema = read_json(path, forms_dir)
        except SchemaError as error:
            found.append(error)
            continue
        found += [SchemaError(name, p, m) for p, m in schema_problems(schema, meta_validator)]
    return found


def as_of_from_environment() -> date | None:
    """`AS_OF_DATE=YYYY-MM-DD`: build or serve as on that day, to preview a version before its date."""
    value = os.environ.get("AS_OF_DATE", "").strip()
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        raise SchemaError("AS_OF_DATE", "", f"{value!r} is not a date: write it as YYYY-MM-DD") from None


def load_catalogue(forms_dir: Path | None = None, as_of: date | None = None) -> Catalogue:
    """Load and check the shared files and every version of the six procedures;
    raise SchemaError on the first problem."""
    forms_dir = forms_dir or default_forms_dir()
    as_of = as_of or as_of_from_environment()
    registry, meta_validator = _shared_registry(forms_dir)
    schemas = {path: _checked(path, forms_dir, meta_validator) for path in all_schema_files(forms_dir)}
    registry = registry.with_resources(
        (schema["$id"], DRAFT202012.create_resource(schema)) for schema in schemas.values()
    ).crawl()
    versions = {}
    for path in procedure_files(forms_dir):
        procedure_id = path.name.removesuffix(PROCEDURE_SUFFIX)
        history = [*version_files(forms_dir, procedure_id), path]
        versions[procedure_id] = _history(procedure_id, history, schemas, registry, forms_dir)
    return Catalogue(forms_dir, registry, versions, as_of)


def _history(
    procedure_id: str, paths: list[Path], schemas: dict, registry: Registry, forms_dir: Path
) -> tuple[Procedure, ...]:
    """A procedure's versions, oldest first, each checked to be where and what it says."""
    history = []
    for path in paths:
        name = str(path.relative_to(forms_dir.parent))
        schema = schemas[path]
        meta = schema["x-procedure"]
        if meta["id"] != procedure_id:
            raise SchemaError(name, "/x-procedure/id", f"must be {procedure_id!r}, the procedure's file name")
        archived = path.parent.name == procedure_id
        if archived and path.name != f"{meta['version']}{PROCEDURE_SUFFIX}":
            raise SchemaError(name, "/x-procedure/version", f"must be {path.name.removesuffix(PROCEDURE_SUFFIX)!r}, the file's name")
        expected_id = archived_id(procedure_id, meta["version"]) if archived else f"{BASE_URI}{path.name}"
        if schema["$id"] != expected_id:
            raise SchemaError(name, "/$id", f"must be {expected_id!r}")
        if history and date.fromisoformat(meta["effective_from"]) <= history[-1].effective_from:
            raise SchemaError(
                name, "/x-procedure/effective_from",
                f"must be later than {history[-1].effective_from} (version {history[-1].version} in {history[-1].file})",
            )
        history.append(Procedure(schema, registry, name))
    return tuple(history)
