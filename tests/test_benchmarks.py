"""The benchmark scripts still read the code they time: `make test` runs none of them (they take
minutes), so a name they import that moved would be found only by the next person to run them."""

import importlib.util
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[1] / "bench"


@pytest.mark.parametrize("script", sorted(BENCH.glob("*.py")), ids=lambda path: path.name)
def test_each_benchmark_imports_what_it_times(script, monkeypatch):
    # As `python bench/<script>` runs it: its folder first on the path (for `support`), and not
    # as __main__, so that nothing is timed.
    monkeypatch.syspath_prepend(str(BENCH))
    spec = importlib.util.spec_from_file_location(f"bench_{script.stem}", script)
    module = importlib.util.module_from_spec(spec)
    monkeypatch.setitem(sys.modules, spec.name, module)
    spec.loader.exec_module(module)
    assert callable(getattr(module, "main", None)) or script.stem == "support", script.name
