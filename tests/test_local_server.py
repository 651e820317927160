"""The local one-origin server serves the site as the deploy guide asks of a static host: brotli or
gzip as the browser accepts, the theme's hashed files cached for a year, every other file revalidated
with its ETag (304, no body, when the browser's copy is current). Over real HTTP."""

from __future__ import annotations

import gzip
import http.client
from pathlib import Path
from urllib.parse import urlsplit

import brotli
import pytest

YEAR = "public, max-age=31536000, immutable"


def get(site_url: str, path: str, **headers: str) -> tuple[http.client.HTTPResponse, bytes]:
    connection = http.client.HTTPConnection(urlsplit(site_url).netloc, timeout=30)
    connection.request("GET", path, headers=headers)
    response = connection.getresponse()
    body = response.read()
    connection.close()
    return response, body


def theme_bundle(site: Path) -> str:
    return "/" + next(site.glob("assets/javascripts/bundle.*.min.js")).relative_to(site).as_posix()


@pytest.mark.parametrize(("accepted", "encoding", "decode"), [
    ("br, gzip, deflate", "br", brotli.decompress),
    ("gzip, deflate", "gzip", gzip.decompress),
    ("br;q=0, gzip", "gzip", gzip.decompress),
    ("identity", None, lambda body: body),
])
def test_a_page_comes_compressed_as_the_browser_accepts_and_unchanged_once_decoded(
        site_url, built_site, accepted, encoding, decode):
    response, body = get(site_url, "/bieu-mau/huong-tro-cap/", **{"Accept-Encoding": accepted})
    assert response.status == 200
    assert response.getheader("Content-Encoding") == encoding
    assert "Accept-Encoding" in response.getheader("Vary")
    assert decode(body) == (built_site / "bieu-mau/huong-tro-cap/index.html").read_bytes()
    if encoding:
        assert len(body) < len(decode(body)) / 3


def test_a_pdf_is_sent_as_it_is(site_url, built_site):
    response, body = get(site_url, "/pdf/huong-tro-cap.pdf", **{"Accept-Encoding": "br, gzip"})
    assert response.getheader("Content-Encoding") is None
    assert body == (built_site / "pdf/huong-tro-cap.pdf").read_bytes()


def test_the_themes_hashed_files_are_cached_for_a_year(site_url, built_site):
    response, _ = get(site_url, theme_bundle(built_site), **{"Accept-Encoding": "br"})
    assert response.getheader("Cache-Control") == YEAR


@pytest.mark.parametrize("path", ["/bieu-mau/huong-tro-cap/", "/assets/js/form.js", "/assets/data/wards/79.json"])
def test_other_files_are_revalidated_and_a_current_copy_costs_no_body(site_url, path):
    first, _ = get(site_url, path, **{"Accept-Encoding": "br"})
    assert first.getheader("Cache-Control") == "no-cache"
    etag = first.getheader("ETag")
    assert etag and etag.startswith('"')
    again, body = get(site_url, path, **{"Accept-Encoding": "br", "If-None-Match": etag})
    assert (again.status, body) == (304, b"")
    assert again.getheader("ETag") == etag


def test_each_encoding_has_its_own_etag_and_a_stale_one_gets_the_file(site_url):
    tags = {get(site_url, "/assets/js/form.js", **{"Accept-Encoding": accepted})[0].getheader("ETag")
            for accepted in ("br", "gzip", "identity")}
    assert len(tags) == 3
    response, body = get(site_url, "/assets/js/form.js", **{"Accept-Encoding": "br", "If-None-Match": '"stale"'})
    assert response.status == 200 and body


def test_a_file_changed_on_disk_gets_a_new_etag(tmp_path):
    from werkzeug.test import Client

    from sitegen.local_server import one_origin_app

    (tmp_path / "assets").mkdir()
    script = tmp_path / "assets" / "a.js"
    script.write_text("var a = 1;")
    client = Client(one_origin_app(tmp_path, api_app=None))
    before = client.get("/assets/a.js", headers={"Accept-Encoding": "gzip"})
    script.write_text("var a = 22;")
    after = client.get("/assets/a.js", headers={"Accept-Encoding": "gzip", "If-None-Match": before.headers["ETag"]})
    assert after.status_code == 200
    assert gzip.decompress(after.data) == b"var a = 22;"
