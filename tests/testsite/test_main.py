"""`python -m crawler.testsite` runs the server in the foreground and prints its base URL."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests.testsite.conftest import fetch

ROOT = Path(__file__).resolve().parents[2]


def test_module_entry_point_serves_until_terminated() -> None:
    proc = subprocess.Popen(
        [sys.executable, "-m", "crawler.testsite", "--site", "demo", "--port", "0"],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        base = proc.stdout.readline().strip()
        assert base.startswith("http://127.0.0.1:")
        assert fetch(base + "/demo/pc/layout/index.html").status == 200
        assert fetch(base + "/bench/pc/layout/index.html").status == 404, "only the chosen site"
    finally:
        proc.terminate()
        proc.wait(timeout=10)
    assert proc.returncode == 0, proc.stderr.read()
