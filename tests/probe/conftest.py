"""The probes' world, built once per test as co-leads and an office build it; Hypothesis keeps
what it stores outside the repository."""

import tempfile
from pathlib import Path

import pytest
from hypothesis.configuration import set_hypothesis_home_dir

from tests.probe.support import World, build_world

set_hypothesis_home_dir(Path(tempfile.gettempdir()) / "cws-planner-hypothesis")


@pytest.fixture
def world(client, colead_client, survey) -> World:
    return build_world(client, colead_client)
