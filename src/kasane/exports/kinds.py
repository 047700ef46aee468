"""The registry of export kinds: what a background file is and who may have it."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import IO

from kasane.accounts.models import Actor
from kasane.core.registry import Registry

Progress = Callable[[int, int], None]
"""``progress(done, total)``: how far the build is (rows, pages …), saved for the status page."""

Params = Mapping[str, object]


@dataclass(frozen=True)
class ExportKind:
    """``allowed(actor)`` decides who may start the file and download it — checked when it is
    started, when the worker builds it and at every download. ``build(actor, params, out,
    progress)`` writes the file to ``out`` in the worker, as ``actor`` (with the reads it makes
    logged as its domain logs them)."""

    key: str
    allowed: Callable[[Actor], bool]
    build: Callable[[Actor, Params, IO[bytes], Progress], None]


KINDS: Registry[ExportKind] = Registry("export kinds", unique=True)


def register(kind: ExportKind) -> ExportKind:
    return KINDS.add(kind.key, kind)
