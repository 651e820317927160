"""Start a new version of a procedure: `python build.py new-version ID VERSION DATE`.

The schema in force is kept, unchanged but for its `$id`, as
`forms/versions/<id>/<its version>.schema.json`; `forms/<id>.schema.json` becomes the
new version, in force from DATE, ready to edit. Renames noted for the previous change
(`x-renamed-from`) are dropped: they described that change, not the next one.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from datetime import date
from pathlib import Path

from submit_fn.model.procedures import PROCEDURE_IDS, PROCEDURE_SUFFIX, VERSIONS_DIR, archived_id

DEFAULT_GRACE_DAYS = 14  # an operational choice (see the maintainers' guide), not a legal rule
VERSION = re.compile(r"^[0-9]{4}\.[0-9]+$")


def start_version(forms_dir: Path, procedure_id: str, version: str, effective: str) -> Iterator[str]:
    """Archive the current schema and make the new version; yields what it did, in words."""
    if procedure_id not in PROCEDURE_IDS:
        raise ValueError(f"no procedure {procedure_id!r}; the procedures are: {', '.join(PROCEDURE_IDS)}")
    if not VERSION.match(version):
        raise ValueError(f"{version!r} is not a version: write YEAR.N, e.g. 2027.1")
    try:
        effective_from = date.fromisoformat(effective)
    except ValueError:
        raise ValueError(f"{effective!r} is not a date: write YYYY-MM-DD") from None
    current_file = forms_dir / f"{procedure_id}{PROCEDURE_SUFFIX}"
    schema = json.loads(current_file.read_text(encoding="utf-8"))
    meta = schema["x-procedure"]
    if effective_from <= date.fromisoformat(meta["effective_from"]):
        raise ValueError(f"{effective} must be later than {meta['effective_from']}, when version {meta['version']} took effect")
    archive = forms_dir / VERSIONS_DIR / procedure_id / f"{meta['version']}{PROCEDURE_SUFFIX}"
    if archive.exists() or version == meta["version"]:
        raise ValueError(f"version {meta['version']} is already kept in {archive}; choose a new version number")

    archived = {**schema, "$id": archived_id(procedure_id, meta["version"])}
    archive.parent.mkdir(parents=True, exist_ok=True)
    _write(archive, archived)
    yield f"kept version {meta['version']} as {archive.relative_to(forms_dir.parent)}"

    meta.update(version=version, effective_from=effective)
    meta.setdefault("previous_accepted_days", DEFAULT_GRACE_DAYS)
    _drop_renames(schema)
    _write(current_file, schema)
    yield (f"{current_file.relative_to(forms_dir.parent)} is now version {version}, in force from {effective}; "
           f"forms of version {archived['x-procedure']['version']} are accepted for "
           f"{meta['previous_accepted_days']} days after that")


def _drop_renames(node: object) -> None:
    if isinstance(node, dict):
        node.pop("x-renamed-from", None)
        for value in node.values():
            _drop_renames(value)
    elif isinstance(node, list):
        for value in node:
            _drop_renames(value)


def _write(path: Path, schema: dict) -> None:
    path.write_text(json.dumps(schema, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
