"""The import contracts in pyproject.toml, shown to bite.

`make test` runs `lint-imports` on the real code. These tests run it on a tiny
package shaped like ours (contexts with api/commands modules) under the very contract
definitions of pyproject.toml, to prove the acyclic contract fails on a cycle between
contexts that the independence contract (which lets `*.api` through) cannot see:
module-level, function-level and TYPE_CHECKING imports alike.
"""

from __future__ import annotations

import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")

CLEAN = {
    "a/api.py": "from fake.contexts.a import commands\n",
    "a/commands.py": "from fake.contexts.b import api as b\n",
    "b/api.py": "from fake.contexts.b import commands\n",
    "b/commands.py": "X = 1\n",
}

CYCLES = {
    "module-level": "from fake.contexts.a import api as a\n",
    "function-level": "def f():\n    from fake.contexts.a import api as a\n    return a\n",
    "type-checking": (
        "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from fake.contexts.a import api as a\n"
    ),
}


def _contract(name: str) -> dict:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())
    [contract] = [c for c in config["tool"]["importlinter"]["contracts"] if c["name"] == name]
    return contract


def _lint(tmp_path: Path, files: dict[str, str]) -> subprocess.CompletedProcess[str]:
    package = tmp_path / "fake"
    for relative in ("", "contexts", "contexts/a", "contexts/b"):
        (package / relative).mkdir(parents=True, exist_ok=True)
        (package / relative / "__init__.py").write_text("")
    for relative, source in files.items():
        (package / "contexts" / relative).write_text(source)
    independence = _contract("contexts reach each other only through api and events")
    # the fake has no events modules: that door matches nothing here
    independence["unmatched_ignore_imports_alerting"] = "none"
    contracts = [_contract("no import cycle between contexts"), independence]
    lines = ["[importlinter]", "root_package = fake", "include_external_packages = False", ""]
    for index, contract in enumerate(contracts):
        lines.append(f"[importlinter:contract:{index}]")
        for field, value in contract.items():
            if isinstance(value, list):
                value = "\n    " + "\n    ".join(v.replace("loyalnest.", "fake.") for v in value)
            else:
                value = str(value).replace("loyalnest.", "fake.")
            lines.append(f"{field} = {value}")
        lines.append("")
    config = tmp_path / ".importlinter"
    config.write_text("\n".join(lines))
    return subprocess.run(
        [str(LINT_IMPORTS), "--config", str(config), "--no-cache"],
        cwd=tmp_path,
        env={"PYTHONPATH": str(tmp_path), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        check=False,
    )


def test_contexts_without_a_cycle_pass(tmp_path: Path) -> None:
    result = _lint(tmp_path, CLEAN)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("kind", sorted(CYCLES))
def test_a_cycle_through_the_api_doors_fails(tmp_path: Path, kind: str) -> None:
    # b.commands -> a.api -> a.commands -> b.api -> b.commands: every import goes through
    # a door the independence contract allows, so only the acyclic contract sees it
    result = _lint(tmp_path, {**CLEAN, "b/commands.py": CYCLES[kind]})
    assert result.returncode != 0, result.stdout
    assert "no import cycle between contexts BROKEN" in result.stdout, result.stdout
    assert "contexts reach each other only through api and events KEPT" in result.stdout, result.stdout


def test_reaching_past_the_api_door_fails(tmp_path: Path) -> None:
    result = _lint(tmp_path, {**CLEAN, "a/commands.py": "from fake.contexts.b import commands\n"})
    assert result.returncode != 0, result.stdout
    assert "contexts reach each other only through api and events BROKEN" in result.stdout, result.stdout
