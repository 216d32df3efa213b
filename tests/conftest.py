"""Shared fixtures: copies of the real mini projects under tests/projects/."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import pytest

PROJECTS = Path(__file__).parent / "projects"

# The key that signs caches (book.signing) lives in a user cache folder: one of the test run's
# own, so the tests neither read nor make the key of whoever runs them (subprocesses inherit it).
os.environ["XDG_CACHE_HOME"] = tempfile.mkdtemp(prefix="book-tests-user-cache-")


@pytest.fixture
def project_copy(tmp_path):
    """A function that copies tests/projects/<name> into tmp_path and returns its path."""

    def copy(name: str = "minimal") -> Path:
        target = tmp_path / name
        shutil.copytree(PROJECTS / name, target)
        return target

    return copy
