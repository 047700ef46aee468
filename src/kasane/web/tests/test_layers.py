"""The import-linter contracts (.importlinter) hold, cover every module of the two apps split
across layers, and fail when an app imports one above it."""

from __future__ import annotations

import configparser
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[4]
SPLIT_APPS = ("people", "audit")


def _layer_modules() -> set[str]:
    config = configparser.ConfigParser()
    config.read(ROOT / ".importlinter", encoding="utf-8")
    text = config["importlinter:contract:layers"]["layers"]
    names = set()
    for line in text.split("\n"):
        for part in line.replace("|", ":").split(":"):
            name = part.strip().strip("()")
            if name:
                names.add(name)
    return names


def _lint(cwd: Path, src: Path) -> subprocess.CompletedProcess[str]:
    lint = Path(sys.executable).with_name("lint-imports")
    env = {**os.environ, "PYTHONPATH": str(src)}
    return subprocess.run([str(lint), "--no-cache"], cwd=cwd, env=env, capture_output=True,  # noqa: S603
                          text=True, timeout=300, check=False)


@pytest.mark.parametrize("app", SPLIT_APPS)
def test_every_module_of_a_split_app_is_placed_in_a_layer(app: str) -> None:
    placed = _layer_modules()
    package = ROOT / "src" / "kasane" / app
    modules = {p.stem if p.is_file() else p.name for p in package.iterdir()
               if (p.suffix == ".py" and p.stem != "__init__") or (p / "__init__.py").exists()}
    missing = sorted(m for m in modules if f"kasane.{app}.{m}" not in placed)
    assert not missing, f"place these modules of {app} in a layer of .importlinter: {missing}"


def test_the_contracts_hold_and_a_wrong_import_breaks_them(tmp_path: Path) -> None:
    kept = _lint(ROOT, ROOT / "src")
    assert kept.returncode == 0, kept.stdout[-3000:]
    assert "0 broken" in kept.stdout

    for item in (".importlinter", "bench", "tests"):
        source = ROOT / item
        target = tmp_path / item
        if source.is_dir():
            shutil.copytree(source, target, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy(source, target)
    shutil.copytree(ROOT / "src", tmp_path / "src", ignore=shutil.ignore_patterns(
        "__pycache__", "templates", "static", "definitions", "*.json"))
    scratch = tmp_path / "src" / "kasane" / "access" / "scratch_wrong.py"
    scratch.write_text("from kasane.cases import policy  # access may not import cases\n",
                       encoding="utf-8")
    broken = _lint(tmp_path, tmp_path / "src")
    assert broken.returncode != 0
    assert "kasane.access.scratch_wrong -> kasane.cases.policy" in broken.stdout
