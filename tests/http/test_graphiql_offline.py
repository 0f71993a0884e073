"""GraphiQL works offline: the page on GET /graphql loads only files the app itself
serves (with the types a browser needs under nosniff, and the bytes the page's SRI
hashes promise), nothing from a CDN; with GraphiQL off there is neither page nor files."""

from __future__ import annotations

import asyncio
import base64
import hashlib
import shutil
from collections.abc import AsyncIterator
from html.parser import HTMLParser
from pathlib import Path

import httpx
import pytest

from tests.http.serving import serving

HTML = {"Accept": "text/html"}
MEDIA_TYPES = {".js": "text/javascript", ".css": "text/css"}


class _Page(HTMLParser):
    """The page's script and stylesheet references, and any inline script."""

    def __init__(self) -> None:
        super().__init__()
        self.assets: list[dict[str, str | None]] = []
        self.inline_scripts: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        if tag == "script":
            self._in_script = True
            if attributes.get("src") is not None:
                self.assets.append({"url": attributes["src"], "integrity": attributes.get("integrity")})
            else:
                self.inline_scripts.append("")
        elif tag == "link":
            self.assets.append({"url": attributes.get("href"), "integrity": attributes.get("integrity")})

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._in_script = False

    def handle_data(self, data: str) -> None:
        if self._in_script and self.inline_scripts and data.strip():
            self.inline_scripts[-1] += data


def _parse(text: str) -> _Page:
    page = _Page()
    page.feed(text)
    return page


def _sri(data: bytes) -> str:
    return "sha384-" + base64.b64encode(hashlib.sha384(data).digest()).decode()


@pytest.fixture
async def graphiql_on(broker, settings) -> AsyncIterator[httpx.AsyncClient]:
    async with serving(settings, graphiql=True) as (url, _):
        async with httpx.AsyncClient(base_url=url, timeout=30) as client:
            yield client


async def _page_assets(client: httpx.AsyncClient) -> tuple[httpx.Response, _Page]:
    response = await client.get("/graphql", headers=HTML)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    return response, _parse(response.text)


async def test_graphiql_loads_only_files_the_app_serves(graphiql_on):
    response, page = await _page_assets(graphiql_on)
    lowered = response.text.lower()
    for remote in ("unpkg", "jsdelivr", "cdn", "http:", "https:", "//"):
        assert remote not in lowered, remote
    urls = [asset["url"] for asset in page.assets]
    scripts = [url for url in urls if url and url.split("?")[0].endswith(".js")]
    styles = [url for url in urls if url and url.split("?")[0].endswith(".css")]
    # React, ReactDOM, GraphiQL, the explorer plugin, and the page's own setup script
    assert len(scripts) == 5, urls
    assert styles, urls
    for asset in page.assets:
        url = asset["url"]
        assert url is not None
        assert url.startswith("/"), url
        served = await graphiql_on.get(url)
        assert served.status_code == 200, url
        suffix = Path(url.split("?")[0]).suffix
        assert served.headers["content-type"].split(";")[0] == MEDIA_TYPES[suffix], url
        assert served.headers["x-content-type-options"] == "nosniff"
        assert served.content, url
        if asset["integrity"]:
            # what a browser checks before running it: a mismatch and the page is dead
            assert _sri(served.content) == asset["integrity"], url


async def test_the_page_runs_no_inline_script_and_says_so(graphiql_on):
    response, page = await _page_assets(graphiql_on)
    assert page.inline_scripts == []
    policy = {
        part.strip().split(" ", 1)[0]: part.strip()
        for part in response.headers["content-security-policy"].split(";")
        if part.strip()
    }
    assert policy["script-src"] == "script-src 'self'"
    assert "connect-src" in policy  # /graphql, over HTTP and WebSocket
    assert "frame-ancestors" in policy  # the app-wide rule still applies


async def test_the_vendored_files_are_cached_and_revalidated(graphiql_on):
    _, page = await _page_assets(graphiql_on)
    pinned = [a["url"] for a in page.assets if a["integrity"]]
    own = [a["url"] for a in page.assets if not a["integrity"]]
    assert pinned
    assert own
    for url in pinned:
        served = await graphiql_on.get(url)
        assert "immutable" in served.headers["cache-control"], url
    for url in own:
        served = await graphiql_on.get(url)
        assert served.headers["cache-control"] == "no-cache", url
        again = await graphiql_on.get(url, headers={"If-None-Match": served.headers["etag"]})
        assert again.status_code == 304, url
        assert again.content == b""


async def test_only_the_listed_files_are_served(graphiql_on):
    for path in ("/graphiql/static/README.md", "/graphiql/static/LICENSES", "/graphiql/static/..%2Fpage.py"):
        assert (await graphiql_on.get(path)).status_code == 404, path


async def test_no_page_and_no_files_with_graphiql_off(broker, settings):
    async with serving(settings, graphiql=True) as (url, _):
        async with httpx.AsyncClient(base_url=url, timeout=30) as client:
            _, page = await _page_assets(client)
    asset_urls = [a["url"] for a in page.assets]
    async with serving(settings, graphiql=False) as (url, _):
        async with httpx.AsyncClient(base_url=url, timeout=30) as client:
            response = await client.get("/graphql", headers=HTML)
            assert response.status_code == 404
            assert "graphiql" not in response.text.lower()
            for asset_url in asset_urls:
                assert (await client.get(asset_url)).status_code == 404, asset_url


@pytest.mark.skipif(shutil.which("node") is None, reason="node is not installed")
async def test_the_served_scripts_parse(graphiql_on, tmp_path):
    _, page = await _page_assets(graphiql_on)
    scripts = []
    for asset in page.assets:
        url = asset["url"]
        assert url is not None
        if url.split("?")[0].endswith(".js"):
            script = tmp_path / Path(url.split("?")[0]).name
            script.write_bytes((await graphiql_on.get(url)).content)
            scripts.append(script)
    assert len(scripts) == 5
    for script in scripts:
        checked = await asyncio.create_subprocess_exec(
            "node", "--check", str(script), stderr=asyncio.subprocess.PIPE
        )
        _, stderr = await asyncio.wait_for(checked.communicate(), 60)
        assert checked.returncode == 0, (script.name, stderr.decode())
