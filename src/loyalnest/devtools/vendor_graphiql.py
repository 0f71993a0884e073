"""Vendor GraphiQL's files from the npm registry into the package, so the app serves
them itself (loyalnest/graphql/graphiql/assets.py lists them, pinned by version and
sha384).

    python -m loyalnest.devtools.vendor_graphiql           # download, verify, write
    python -m loyalnest.devtools.vendor_graphiql --check   # verify the files on disk, offline

A download is checked twice: the tarball against the registry's sha512 ``integrity``,
the file inside against the sha384 pinned in assets.py. To move to new versions, edit
the versions (and file names) in assets.py and run this: it fails with each new file's
sha384, to pin once reviewed, until assets.py holds them.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import io
import sys
import tarfile
from pathlib import Path

import httpx

from loyalnest.graphql.graphiql.assets import OWN_SCRIPT, OWN_STYLE, STATIC_DIR, VENDORED

REGISTRY = "https://registry.npmjs.org"
LICENSES_DIR = STATIC_DIR / "LICENSES"
# packages whose tarball carries no LICENSE: that of their repository (graphql/graphiql),
# as the vendored package named here carries it
_LICENSE_FROM = {"@graphiql/plugin-explorer": "graphiql"}


def sri(data: bytes, algorithm: str = "sha384") -> str:
    return f"{algorithm}-{base64.b64encode(hashlib.new(algorithm, data).digest()).decode()}"


def _license_file(package: str) -> Path:
    return LICENSES_DIR / f"{package.lstrip('@').replace('/', '-')}.txt"


def _tarball(client: httpx.Client, package: str, version: str) -> tarfile.TarFile:
    meta = client.get(f"{REGISTRY}/{package}/{version}").raise_for_status().json()
    data = client.get(meta["dist"]["tarball"]).raise_for_status().content
    expected = meta["dist"]["integrity"]
    if sri(data, expected.split("-", 1)[0]) != expected:
        raise SystemExit(f"{package}@{version}: the tarball does not match the registry's integrity")
    return tarfile.open(fileobj=io.BytesIO(data), mode="r:gz")


def _member(archive: tarfile.TarFile, path: str) -> bytes | None:
    try:
        extracted = archive.extractfile(f"package/{path}")
    except KeyError:
        return None
    return extracted.read() if extracted is not None else None


def vendor() -> int:
    versions = {asset.package: asset.version for asset in VENDORED}
    if len(versions) != len({(asset.package, asset.version) for asset in VENDORED}):
        raise SystemExit("assets.py pins one package at two versions")
    files: dict[str, bytes] = {}
    wrong: list[str] = []
    with httpx.Client(timeout=60, follow_redirects=True) as client:
        archives = {package: _tarball(client, package, version) for package, version in versions.items()}
    for asset in VENDORED:
        data = _member(archives[asset.package], asset.member)
        if data is None:
            raise SystemExit(f"{asset.package}@{asset.version} has no {asset.member}")
        if sri(data) != asset.integrity:
            wrong.append(f"{asset.name}: {sri(data)}")
        files[asset.name] = data
    licenses: dict[str, bytes] = {}
    for package in versions:
        text = _member(archives[_LICENSE_FROM.get(package, package)], "LICENSE")
        if text is None:
            raise SystemExit(f"no LICENSE for {package}")
        licenses[package] = text
    if wrong:
        print("These files differ from the sha384 pinned in assets.py; pin them once reviewed:")
        print("\n".join(f"  {line}" for line in wrong))
        return 1
    keep = {*files, OWN_SCRIPT, OWN_STYLE}
    for stale in [*STATIC_DIR.glob("*.js"), *STATIC_DIR.glob("*.css")]:
        if stale.name not in keep:
            stale.unlink()
    for name, data in files.items():
        (STATIC_DIR / name).write_bytes(data)
    LICENSES_DIR.mkdir(exist_ok=True)
    for package, text in licenses.items():
        _license_file(package).write_bytes(text)
    print(f"vendored {len(files)} files into {STATIC_DIR}")
    return 0


def check() -> int:
    problems = []
    for asset in VENDORED:
        path = STATIC_DIR / asset.name
        if not path.is_file():
            problems.append(f"{asset.name}: missing")
        elif sri(path.read_bytes()) != asset.integrity:
            problems.append(f"{asset.name}: differs from its pinned sha384")
        if not _license_file(asset.package).is_file():
            problems.append(f"{asset.package}: no license file in {LICENSES_DIR}")
    print("\n".join(problems) or f"{len(VENDORED)} vendored files match their pins")
    return 1 if problems else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m loyalnest.devtools.vendor_graphiql", description=__doc__)
    parser.add_argument("--check", action="store_true", help="verify the files on disk only (no network)")
    args = parser.parse_args(argv)
    return check() if args.check else vendor()


if __name__ == "__main__":
    sys.exit(main())
