"""What a serving process loads: the web app, the worker and the ``roost`` command
must not pull in the benchmark's numpy and matplotlib (tens of MB in every web
process, counted in the very RSS the benchmark measures)."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

HEAVY = ("numpy", "matplotlib", "roost_bench")


@pytest.mark.parametrize("module", ["roost.app", "roost.worker", "roost.cli"])
def test_serving_modules_do_not_import_the_benchmark_stack(module: str) -> None:
    # A fresh interpreter: this test process may have loaded them for other tests.
    code = (
        f"import json, sys, {module}; "
        f"print(json.dumps(sorted(m for m in sys.modules if m.split('.')[0] in {HEAVY!r})))"
    )
    loaded = json.loads(
        subprocess.run([sys.executable, "-c", code], capture_output=True, check=True).stdout
    )
    assert loaded == []


def test_the_check_sees_a_module_that_loads_them() -> None:
    # The same probe on the benchmark itself finds them: the test above can fail.
    code = "import sys, roost_bench.report; print('matplotlib' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, check=True).stdout
    assert out.strip() == b"True"
