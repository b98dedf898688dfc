"""Fixtures of the privacy tests: files on disk in a folder of the test's own, and the night
retention runs."""

import pytest

from tests.partnerships.privacy.retention_world import NIGHT


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def night(time_machine):
    time_machine.move_to(NIGHT, tick=False)
    return NIGHT
