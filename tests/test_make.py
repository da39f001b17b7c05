"""The Makefile's first start, on a machine unlike the one it was written on."""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

# Debian's and Ubuntu's python3 without their python3-venv package: `-m venv` makes the folder
# and its python, then fails in ensurepip, leaving no pip.
PYTHON_WITHOUT_VENV = f"""#!/bin/sh
if [ "$1" = "-m" ] && [ "$2" = "venv" ]; then
  mkdir -p "$3/bin" && ln -s "{sys.executable}" "$3/bin/python"
  echo "The virtual environment was not created successfully because ensurepip is not" >&2
  echo "available.  On Debian/Ubuntu systems, you need to install the python3-venv" >&2
  exit 1
fi
exec "{sys.executable}" "$@"
"""


@pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")
def test_a_venv_that_failed_half_way_is_made_again_once_python3_venv_is_installed(tmp_path):
    """A newcomer on Ubuntu ran `make run`, was told to install python3-venv, did, and ran it
    again: it stopped on ".venv/bin/pip: No such file or directory", the half-made .venv
    taken as made, until they found `make clean`. The failed start now takes it away."""
    shutil.copy(ROOT / "Makefile", tmp_path)
    (tmp_path / "pyproject.toml").touch()
    python = tmp_path / "python3"
    python.write_text(PYTHON_WITHOUT_VENV)
    python.chmod(0o755)

    def make_run():
        return subprocess.run(
            ["make", ".venv/.run-deps", f"PYTHON={python}", "UV="],
            cwd=tmp_path,
            capture_output=True,
            text=True,
            timeout=60,
        )

    first = make_run()
    assert first.returncode != 0
    assert "install the python3-venv" in first.stderr
    assert not (tmp_path / ".venv").exists()
    second = make_run()  # python3-venv installed or not: the venv is made again, not skipped
    assert f"{python} -m venv .venv" in second.stdout
    assert "pip: No such file or directory" not in second.stderr
