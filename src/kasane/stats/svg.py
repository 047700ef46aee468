"""Server-side SVG bar charts (no JavaScript, no CDN): a chart is a ``viewBox`` that scales
to the screen width, so it stays readable on a smartphone. Labels are escaped; a suppressed
value (``None``) is drawn as no bar with 「＊」 above the axis."""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from django.utils.safestring import SafeString, mark_safe

PALETTE = ("#2f6f8f", "#d08a2e", "#6a9a4f", "#9a4f7d", "#7a6a55", "#4f5f9a", "#8f6a2f",
           "#777777")
W, H, LEFT, BOTTOM, TOP = 480, 270, 40, 56, 14  # small viewBox: text stays legible when scaled to a phone


def _nice_max(value: float) -> float:
    """The axis top: four equal whole steps (1, 1.5, 2, 2.5, 3, 4, 5, 6 or 8 × 10ⁿ)."""
    if value <= 0:
        return 4
    quarter = value / 4
    magnitude = 10 ** max(0, len(str(int(quarter))) - 1)
    for step in (1, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10):
        if step * magnitude >= quarter and (step * magnitude) % 1 == 0:
            return step * magnitude * 4
    return magnitude * 40


def bar_chart(labels: Sequence[str], series: Sequence[tuple[str, Sequence[int | float | None]]],
              *, title: str, unit: str = "") -> SafeString:
    """Grouped bars: one group per label, one bar per series; a legend when several series."""
    values = [v for _, vs in series for v in vs if v is not None]
    top = _nice_max(max(values, default=0))
    plot_w, plot_h = W - LEFT - 8, H - BOTTOM - TOP
    group_w = plot_w / max(len(labels), 1)
    bar_w = max(group_w * 0.8 / max(len(series), 1), 2)
    # category labels shrink (never below 9) so that the longest still fits its group
    label_font = max(9, min(13, int(group_w * 0.95 / max((len(x) for x in labels), default=1))))
    per_row = _per_row(series, W - LEFT)
    legend_rows = (len(series) + per_row - 1) // per_row if len(series) > 1 else 0
    height = H + max(0, legend_rows - 1) * 18
    parts = [f'<svg class="chart" viewBox="0 0 {W} {height}" role="img" '
             f'aria-label="{escape(title)}" xmlns="http://www.w3.org/2000/svg">',
             f"<title>{escape(title)}</title>"]
    for i in range(5):
        y = TOP + plot_h - plot_h * i / 4
        tick = top * i / 4
        parts.append(f'<line x1="{LEFT}" x2="{W - 8}" y1="{y:.1f}" y2="{y:.1f}" '
                     f'stroke="#ddd"/><text x="{LEFT - 4}" y="{y + 4:.1f}" font-size="13" '
                     f'text-anchor="end" fill="#555">{tick:g}</text>')
    for g, label in enumerate(labels):
        x0 = LEFT + g * group_w + group_w * 0.1
        for s, (_, vs) in enumerate(series):
            v = vs[g]
            x = x0 + s * bar_w
            if v is None:
                parts.append(f'<text x="{x + bar_w / 2:.1f}" y="{TOP + plot_h - 3:.1f}" '
                             f'font-size="12" text-anchor="middle">＊</text>')
                continue
            h = plot_h * v / top
            parts.append(f'<rect x="{x:.1f}" y="{TOP + plot_h - h:.1f}" width="{bar_w - 1:.1f}" '
                         f'height="{h:.1f}" fill="{PALETTE[s % len(PALETTE)]}">'
                         f"<title>{escape(label)} {escape(series[s][0])}: {v:g}{escape(unit)}"
                         "</title></rect>")
        parts.append(f'<text x="{x0 + group_w * 0.4:.1f}" y="{H - BOTTOM + 18}" font-size="{label_font}" '
                     f'text-anchor="middle" fill="#333">{escape(label)}</text>')
    if len(series) > 1:
        parts += _legend(series, H - 18, LEFT, per_row, (W - LEFT) // per_row)
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every text above is escaped


def _text_width(text: str, size: int = 12) -> float:
    """Rough width of a label: a full-width character ≈ the font size, others ≈ 0.6 of it."""
    return sum(size if ord(ch) > 0x2000 else size * 0.6 for ch in text)


def _per_row(series: Sequence[tuple[str, object]], width: float) -> int:
    """How many legend items fit in one row (each: swatch, gap, its name)."""
    item = max((22 + _text_width(name) for name, _ in series), default=1)
    return max(1, min(len(series), int(width // item)))


def _legend(series: Sequence[tuple[str, object]], y0: float, x0: float, per_row: int,
            step: float) -> list[str]:
    out = []
    for s, (name, _) in enumerate(series):
        x, y = x0 + (s % per_row) * step, y0 + (s // per_row) * 18
        out.append(f'<rect x="{x:.0f}" y="{y:.0f}" width="12" height="12" '
                   f'fill="{PALETTE[s % len(PALETTE)]}"/><text x="{x + 16:.0f}" y="{y + 10:.0f}" '
                   f'font-size="12">{escape(name)}</text>')
    return out


def hbar_chart(labels: Sequence[str],
               series: Sequence[tuple[str, Sequence[int | float | None]]], *, title: str,
               unit: str = "") -> SafeString:
    """Horizontal grouped bars, one row per label (for many or long labels such as the 19
    課題の分類): the labels stay readable on a phone; the chart grows downwards."""
    values = [v for _, vs in series for v in vs if v is not None]
    top = _nice_max(max(values, default=0))
    label_w, right = 150, 12
    bar_h, gap = 9, 7
    row_h = bar_h * len(series) + gap
    plot_w = W - label_w - right
    plot_h = row_h * len(labels)
    legend_rows = -(-len(series) // _per_row(series, W - label_w)) if len(series) > 1 else 0
    height = TOP + plot_h + 22 + legend_rows * 18
    parts = [f'<svg class="chart" viewBox="0 0 {W} {height}" role="img" '
             f'aria-label="{escape(title)}" xmlns="http://www.w3.org/2000/svg">',
             f"<title>{escape(title)}</title>"]
    for i in range(5):
        x = label_w + plot_w * i / 4
        parts.append(f'<line x1="{x:.1f}" x2="{x:.1f}" y1="{TOP}" y2="{TOP + plot_h}" '
                     f'stroke="#ddd"/><text x="{x:.1f}" y="{TOP + plot_h + 14}" font-size="12" '
                     f'text-anchor="middle" fill="#555">{top * i / 4:g}</text>')
    for g, label in enumerate(labels):
        y0 = TOP + g * row_h
        parts.append(f'<text x="{label_w - 6}" y="{y0 + row_h / 2 + 1:.1f}" font-size="12" '
                     f'text-anchor="end" fill="#333">{escape(label)}</text>')
        for s, (name, vs) in enumerate(series):
            v = vs[g]
            y = y0 + s * bar_h
            if v is None:
                parts.append(f'<text x="{label_w + 4}" y="{y + bar_h - 1:.1f}" font-size="10">＊</text>')
                continue
            w = plot_w * v / top
            parts.append(f'<rect x="{label_w}" y="{y:.1f}" width="{w:.1f}" height="{bar_h - 1}" '
                         f'fill="{PALETTE[s % len(PALETTE)]}"><title>{escape(label)} '
                         f'{escape(name)}: {v:g}{escape(unit)}</title></rect>')
    if len(series) > 1:
        per_row = _per_row(series, W - label_w)
        parts += _legend(series, TOP + plot_h + 22, label_w, per_row, (W - label_w) / per_row)
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every text above is escaped
