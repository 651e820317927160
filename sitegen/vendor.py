"""Browser packages from npm (sitegen/js/package.json and its lock), copied into the site at build
time so that pages never load code from a CDN. `bash .ci/setup` installs them (npm ci)."""

from __future__ import annotations

from pathlib import Path

NODE_MODULES = Path(__file__).with_name("js") / "node_modules"
VENDORED = {  # site path: file of an installed package
    "assets/js/vendor/jsQR.js": "jsqr/dist/jsQR.js",  # QR decoder where the browser has no BarcodeDetector
    "assets/js/vendor/jsQR.LICENSE.txt": "jsqr/LICENSE",
}


class VendorMissing(RuntimeError):
    """A browser package the site ships is not installed."""


def vendored_files() -> dict[str, bytes]:
    files = {}
    for site_path, package_file in VENDORED.items():
        source = NODE_MODULES / package_file
        if not source.is_file():
            raise VendorMissing(f"{source} is missing: run `bash .ci/setup` (npm ci in sitegen/js)")
        files[site_path] = source.read_bytes()
    return files
