"""Shared fixtures: copies of the real mini projects under tests/projects/."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

PROJECTS = Path(__file__).parent / "projects"


@pytest.fixture
def project_copy(tmp_path):
    """A function that copies tests/projects/<name> into tmp_path and returns its path."""

    def copy(name: str = "minimal") -> Path:
        target = tmp_path / name
        shutil.copytree(PROJECTS / name, target)
        return target

    return copy
