"""The README's quick start followed literally from a fresh clone of HEAD (scripts/newcomer.sh):
`make run`, `make colead`, signing in with the printed password, choosing one's own, a co-lead
page. It builds a virtual environment of its own (about a minute, more when the registries are
slow), so it runs in CI (CI=true) and is skipped, loudly, elsewhere."""

import os
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
# What a newcomer's shell would not have: the test run's database, address, key and mail.
NOT_A_NEWCOMERS = ("DATABASE_URL", "TEST_DATABASE_URL", "BASE_URL", "SECRET_KEY", "VIRTUAL_ENV")


@pytest.mark.skipif(
    os.environ.get("CI") != "true",
    reason="NOT RUN: the newcomer test (a fresh clone, its own venv, make run, make colead, "
    "sign-in) runs with CI=true only; run scripts/newcomer.sh to try the quick start yourself",
)
@pytest.mark.skipif(
    bool(os.environ.get("TEST_DATABASE_URL")),
    reason="the quick start serves from SQLite: the SQLite run of the suite follows it",
)
def test_the_readme_alone_gets_a_newcomer_signed_in_as_a_co_lead():
    environment = {
        name: value
        for name, value in os.environ.items()
        if name not in NOT_A_NEWCOMERS and not name.startswith("MAIL_")
    }
    result = subprocess.run(
        [ROOT / "scripts" / "newcomer.sh"],
        env=environment,
        capture_output=True,
        text=True,
        timeout=1200,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "got a co-lead signed in" in result.stdout
