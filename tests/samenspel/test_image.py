"""The application image carries every app the settings install (an app left out of the
Dockerfile starts nowhere: Django stops at start-up with ModuleNotFoundError)."""

from __future__ import annotations

import re
from pathlib import Path

from samenspel.discovery import PROJECT_APPS

ROOT = Path(__file__).resolve().parents[2]


def test_the_image_copies_and_installs_every_project_app() -> None:
    dockerfile = (ROOT / "Dockerfile").read_text()
    copied = set(re.findall(r"^COPY (\w+)/ \1/$", dockerfile, flags=re.MULTILINE))
    assert set(PROJECT_APPS) <= copied, f"not in the image: {set(PROJECT_APPS) - copied}"
    packaged = (ROOT / "pyproject.toml").read_text()
    for app in PROJECT_APPS:
        assert f'"{app}*"' in packaged, f"{app} is not among the installed packages"
