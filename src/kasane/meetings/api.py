"""Meetings API (contract of issue 7)."""

from ninja import Router

router = Router(tags=["meetings"])
