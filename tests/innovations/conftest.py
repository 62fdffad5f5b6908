import pytest


@pytest.fixture(autouse=True)
def _media_in_a_temporary_folder(settings, tmp_path):
    """Uploaded files land in a folder that disappears with the test."""
    settings.MEDIA_ROOT = tmp_path / "media"
