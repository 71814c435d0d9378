"""The Dockerfile: hadolint finds nothing, and the runtime stage keeps the promises of the issue
(pinned base, locked dependencies without the dev group, non-root, no compilers)."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DOCKERFILE = ROOT / "Dockerfile"


def stages() -> dict[str, list[str]]:
    """Instructions per stage name (continuation lines joined)."""
    text = re.sub(r"\\\n\s*", " ", DOCKERFILE.read_text("utf-8"))
    result: dict[str, list[str]] = {}
    current = "_preamble"
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        match = re.match(r"FROM\s+\S+\s+AS\s+(\S+)", line, re.IGNORECASE)
        if match:
            current = match.group(1)
        result.setdefault(current, []).append(line)
    return result


def test_hadolint_finds_nothing() -> None:
    hadolint = Path(sys.executable).parent / "hadolint"
    done = subprocess.run([str(hadolint), "--no-color", str(DOCKERFILE)], capture_output=True,
                          text=True, timeout=60)
    assert done.returncode == 0, done.stdout + done.stderr


def test_bases_are_pinned_to_exact_versions() -> None:
    text = DOCKERFILE.read_text("utf-8")
    python = re.search(r"ARG PYTHON_IMAGE=(\S+)", text)
    assert python and re.search(r":3\.11\.\d+-slim-\w+$|@sha256:[0-9a-f]{64}$", python.group(1))
    uv = re.search(r"FROM (\S*astral-sh/uv\S*)", text)
    make_uv = re.search(r"uv==(\S+)", (ROOT / "Makefile").read_text("utf-8"))
    assert uv and make_uv and uv.group(1).endswith(f":{make_uv.group(1)}"), \
        "the image's uv is the Makefile's"


def test_dependencies_come_from_the_lock_without_dev_tools() -> None:
    syncs = [line for line in stages()["build"] if "uv sync" in line]
    assert syncs and all("--frozen" in s and "--no-dev" in s for s in syncs)


def test_runtime_stage_is_non_root_and_has_no_compilers_or_uv() -> None:
    runtime = stages()["runtime"]
    users = [line.split()[1] for line in runtime if line.startswith("USER ")]
    assert users and users[-1].split(":")[0] not in ("0", "root")
    joined = "\n".join(runtime)
    for tool in ("gcc", "build-essential", "apt-get install", "/uv ", "pip install"):
        assert tool not in joined, tool
    assert "PYTHONDONTWRITEBYTECODE=1" in joined     # nothing to write under a read-only root
    assert "CASEBRIDGE_VAR_DIR=/tmp/" in joined      # the one writable place, an emptyDir
