"""Find each project app's own ``urls`` and ``routing`` modules, so the core imports no app."""

from __future__ import annotations

import importlib
from collections.abc import Iterator
from types import ModuleType

from django.apps import apps

PROJECT_APPS = ("samenspel", "deliberation", "voting", "council")


def project_modules(module_name: str) -> Iterator[ModuleType]:
    for config in apps.get_app_configs():
        if config.name.split(".")[0] not in PROJECT_APPS or config.name == "samenspel":
            continue
        try:
            yield importlib.import_module(f"{config.name}.{module_name}")
        except ModuleNotFoundError as error:
            if error.name != f"{config.name}.{module_name}":
                raise
