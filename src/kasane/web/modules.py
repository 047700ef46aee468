"""Importing the optional per-app modules web collects (demo loaders, inbox providers)."""

from __future__ import annotations

import importlib
from types import ModuleType


def import_optional(dotted: str) -> ModuleType | None:
    """The module, or None when it does not exist. An import error *inside* an existing
    module is raised, never hidden."""
    try:
        return importlib.import_module(dotted)
    except ModuleNotFoundError as exc:
        if exc.name != dotted:
            raise
        return None
