"""HTML → PDF for every printed document (WeasyPrint), with one rule for emoji.

The servers print with fonts-noto-cjk and DejaVu (docs/operations.md) and download nothing
(LGWAN); neither has the emoji of U+1F000–U+1FAFF, so WeasyPrint would print a blank box
where a smartphone user typed 😊 into a sheet. Each run of them (with its joiners, skin tones,
variation selectors) prints as 「〔絵文字〕」 instead: the reader sees that something was
there. Symbols the fonts have (○◎①→※★) are untouched.
"""

from __future__ import annotations

import re

EMOJI_TEXT = "〔絵文字〕"
_PICTOGRAPH = "\U0001F000-\U0001FAFF"
# what continues an emoji: another pictograph (skin tones, flags), a zero-width joiner and
# the next part (👩‍👧, 🙇‍♀), variation selectors and tag characters
EMOJI_RUN = re.compile(f"[{_PICTOGRAPH}](?:[{_PICTOGRAPH}]|\u200d[{_PICTOGRAPH}\u2600-\u27bf]"
                       "|[\ufe0e\ufe0f\U000E0020-\U000E007F])*")


def printable(text: str) -> str:
    """``text`` with each run of emoji the PDF fonts cannot draw replaced by 〔絵文字〕."""
    return EMOJI_RUN.sub(EMOJI_TEXT, text)


def html_to_pdf(html: str, *, base_url: str | None = None) -> bytes:
    """The PDF of ``html`` (every PDF of Kasane is made here)."""
    from weasyprint import HTML

    return HTML(string=printable(html), base_url=base_url).write_pdf()  # type: ignore[no-any-return]
