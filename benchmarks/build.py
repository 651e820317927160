"""How long the build and the printed forms take: python -m benchmarks.build

Prints, in one run:
  - whether HarfBuzz subsets fonts (without it every PDF is ~10x slower, SETUP.md);
  - the blank-PDF step from an empty cache, in 1 process and in a pool of 2, side by side,
    with the time per page, and the same step with nothing changed (the cache);
  - a filled form and a receipt with a warm renderer (median of 20), per page count;
  - the whole `python build.py` from an empty PDF cache and again with nothing changed.

Targets (issue 5, 2-core machine): full build < 15 s, no-change rebuild < 3 s,
filled one-page PDF < 250 ms.
"""

from __future__ import annotations

import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from submit_fn.model.procedures import load_catalogue
from submit_fn.pdf import render as pdf

ROOT = Path(__file__).resolve().parent.parent
RUNS = 20
RECEIPT = {
    "id": "7KQM-3XPD-W9TB-HN4R",
    "procedure": "huong-tro-cap",
    "schema_version": "2026.1",
    "received_at": "2026-03-02T09:41:07+07:00",
    "due_date": "2026-03-16",
}


def seconds(action: Callable[[], object]) -> float:
    started = time.perf_counter()
    action()
    return time.perf_counter() - started


def median_ms(action: Callable[[], object], runs: int = RUNS) -> float:
    return statistics.median(seconds(action) for _ in range(runs)) * 1000


def pages_of(data: bytes) -> int:
    with tempfile.NamedTemporaryFile(suffix=".pdf") as file:
        file.write(data)
        file.flush()
        info = subprocess.run(["pdfinfo", file.name], capture_output=True, text=True, check=True).stdout
    return int(re.search(r"^Pages:\s+(\d+)", info, re.MULTILINE).group(1))


def blank_step(catalogue, workers: int) -> None:
    with tempfile.TemporaryDirectory() as folder:
        site, cache = Path(folder) / "site", Path(folder) / "cache"
        lines: list[str] = []
        cold = seconds(lambda: pdf.build_pdfs(catalogue, site, cache, progress=lines.append, workers=workers))
        pages = sum(int(line.rsplit(": ", 1)[1].split()[0]) for line in lines if "page(s)" in line)
        warm = seconds(lambda: pdf.build_pdfs(catalogue, site, cache, progress=lambda line: None, workers=workers))
        print(
            f"  blank PDFs, {workers} process(es): {len(lines)} PDFs, {pages} pages, empty cache {cold:.2f} s "
            f"({cold / pages * 1000:.0f} ms per page); nothing changed {warm * 1000:.0f} ms"
        )


def filled_forms(catalogue) -> None:
    pdf.render_blank(catalogue["huong-tro-cap"])  # warm the renderer: fonts and stylesheet load once
    for procedure in (p for p in catalogue if p.has_worker_form):  # nothing to print where nothing is filed
        example = procedure.examples[0]
        pages = pages_of(pdf.render_filled(procedure, example, RECEIPT))
        took = median_ms(lambda p=procedure, e=example: pdf.render_filled(p, e, RECEIPT))
        print(f"  filled {procedure.id}: {pages} page(s), median {took:.0f} ms ({took / pages:.0f} ms per page)")
    procedure = catalogue["huong-tro-cap"]
    url = "https://bhtn.example.gov.vn/api/receipts/7KQM-3XPD-W9TB-HN4R"
    took = median_ms(lambda: pdf.render_receipt(procedure, RECEIPT, url))
    print(f"  receipt: 1 page, median {took:.0f} ms")


def full_build() -> None:
    """`python build.py` into a fresh site, twice; the PDF cache (PDF_CACHE_DIR) empty before the first."""
    with tempfile.TemporaryDirectory() as folder:
        site = Path(folder) / "site"
        env = {**os.environ, "PDF_CACHE_DIR": str(Path(folder) / "pdf-cache")}
        command = [sys.executable, str(ROOT / "build.py"), "--site-dir", str(site)]
        for label in ("empty PDF cache", "nothing changed"):
            took = seconds(lambda: subprocess.run(command, cwd=ROOT, env=env, check=True, capture_output=True))
            print(f"  python build.py, {label}: {took:.2f} s")
        written = sorted(site.glob("**/pdf/*.pdf"))
        print(f"  ({len(written)} PDFs in the built site)")
        if not written:
            print("  build.py does not write PDFs yet: add the blank-PDF step above to the full build time")


def main() -> None:
    print("HarfBuzz subsetting:", pdf.check_harfbuzz_subset() or "present")
    catalogue = load_catalogue()
    print("Blank PDFs (the build step):")
    for workers in (1, 2):
        blank_step(catalogue, workers)
    print(f"Filled forms and receipt, warm renderer, median of {RUNS}:")
    filled_forms(catalogue)
    print("Full build:")
    full_build()


if __name__ == "__main__":
    main()
