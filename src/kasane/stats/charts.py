"""A dashboard chart's data (``Chart``) and the age band of a birth date: shared by the
dashboards and their breakdowns (``stats/breakdowns.py``)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from kasane.core.metrics import AGE_BANDS, age_band_birth_range

UNKNOWN_BAND = "不明"


@dataclass
class Chart:
    key: str
    title: str
    unit: str
    labels: list[str] = field(default_factory=list)
    series: list[tuple[str, list[int | None]]] = field(default_factory=list)
    reason: str = ""
    note: str = ""
    suppressed_totals: list[int | None] | None = None
    horizontal: bool = False  # many or long labels (19 課題の分類): one bar row per label

    @property
    def totals(self) -> list[int | None]:
        """Each series' total (as suppression left it, for 委員)."""
        if self.suppressed_totals is not None:
            return self.suppressed_totals
        return [sum(v for v in vs if v is not None) for _, vs in self.series]

    def rows(self) -> list[tuple[str, list[int | None]]]:
        return [(label, [vs[i] for _, vs in self.series]) for i, label in enumerate(self.labels)]


def band_of(birth: dt.date | None, on: dt.date) -> str:
    if birth is None:
        return UNKNOWN_BAND
    for band in AGE_BANDS:
        earliest, latest = age_band_birth_range(band, on)
        if birth <= latest and (earliest is None or birth >= earliest):
            return band
    return UNKNOWN_BAND
