"""Generate the protobuf and gRPC stubs into libs/contracts, or check they are current."""

from __future__ import annotations

import argparse
import filecmp
import sys
import tempfile
from importlib.resources import files
from pathlib import Path

from grpc_tools import protoc

ROOT = Path(__file__).resolve().parent.parent
PROTOS = ROOT / "protos"
OUT = ROOT / "libs" / "contracts" / "src"


def generate(out: Path) -> None:
    """Run protoc over every .proto and add the package __init__ files."""
    sources = sorted(str(p.relative_to(PROTOS)) for p in PROTOS.rglob("*.proto"))
    include = str(files("grpc_tools") / "_proto")
    args = ["protoc", f"-I{PROTOS}", f"-I{include}", f"--python_out={out}",
            f"--pyi_out={out}", f"--grpc_python_out={out}", *sources]
    if protoc.main(args) != 0:
        sys.exit("protoc failed")
    for directory in [out / "casebridge", *(out / "casebridge").rglob("*")]:
        if directory.is_dir() and directory.name != "__pycache__":
            (directory / "__init__.py").touch()


def generated_files(root: Path) -> set[str]:
    return {str(p.relative_to(root)) for p in (root / "casebridge").rglob("*")
            if p.is_file() and "__pycache__" not in p.parts}


def check() -> int:
    """Exit non-zero when the committed stubs differ from what protoc makes now."""
    with tempfile.TemporaryDirectory() as tmp:
        fresh = Path(tmp)
        generate(fresh)
        want, have = generated_files(fresh), generated_files(OUT)
        stale = sorted(want ^ have)
        stale += sorted(f for f in want & have
                        if not filecmp.cmp(fresh / f, OUT / f, shallow=False))
    if stale:
        print("generated stubs are stale; run `make protos`:", *stale, sep="\n  ")
        return 1
    print(f"stubs are current ({len(want)} files)")
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--check", action="store_true")
    if parser.parse_args().check:
        return check()
    generate(OUT)
    return 0


if __name__ == "__main__":
    sys.exit(main())
