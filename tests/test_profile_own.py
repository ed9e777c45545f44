"""benchmarks/profile_own.py reads its steps from cProfile by file and function name: each
step must name a function that exists, or its row would read 0 s without a word."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_every_step_names_a_function_of_the_package() -> None:
    sys.path.insert(0, str(ROOT / "benchmarks"))
    try:
        from profile_own import STEPS
    finally:
        sys.path.remove(str(ROOT / "benchmarks"))
    sources = list((ROOT / "framing").rglob("*.py"))
    for label, suffix, name in STEPS:
        files = [p for p in sources if p.as_posix().endswith(suffix)]
        assert len(files) == 1, f"{label}: {suffix} names {len(files)} files"
        tree = ast.parse(files[0].read_text("utf-8"))
        names = {n.name for n in ast.walk(tree) if isinstance(n, ast.FunctionDef)}
        assert name in names, f"{label}: no function {name} in {suffix}"
