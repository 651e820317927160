"""Assemble the docs MkDocs reads: hand-written `docs/` plus the generated pages.

The staging folder is rewritten file by file, and only where content changed, so
`mkdocs serve` (which watches it) does not rebuild in a loop, and unchanged inputs
leave every file untouched.
"""

from __future__ import annotations

from pathlib import Path


def stage(handwritten: Path, generated: dict[str, str | bytes], staging: Path) -> int:
    """Make `staging` hold exactly both sets of files; return how many files changed."""
    wanted: dict[Path, bytes] = {
        path.relative_to(handwritten): path.read_bytes() for path in handwritten.rglob("*") if path.is_file()
    }
    for src_uri, content in generated.items():
        relative = Path(src_uri)
        if relative in wanted:
            raise ValueError(f"docs/{src_uri} is generated from the schemas; remove the hand-written copy")
        wanted[relative] = content.encode("utf-8") if isinstance(content, str) else content
    changed = 0
    for relative, content in wanted.items():
        target = staging / relative
        if not target.is_file() or target.read_bytes() != content:
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(content)
            changed += 1
    for path in sorted(staging.rglob("*"), reverse=True):
        if path.is_file() and path.relative_to(staging) not in wanted:
            path.unlink()
            changed += 1
        elif path.is_dir() and not any(path.iterdir()):
            path.rmdir()
    return changed
