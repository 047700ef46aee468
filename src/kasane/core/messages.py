"""One Japanese voice for messages shown at a field (docs/ui.md "言葉づかい").

Every validation message says what to do, politely and briefly, and names its field when it is
shown away from the field (a summary at the top of the form, an import row, an API answer):
「生年月日: 未来の日付は入力できません。」. Use these texts instead of writing new variants;
forms get Django's defaults replaced through ``core.forms.JapaneseFormMixin``.
"""

from __future__ import annotations

REQUIRED = "入力してください。"
CHOOSE = "選んでください。"
CHECK = "チェックを入れてください。"
INVALID = "正しい形式で入力してください。"
NUL_CHARACTER = "制御文字（NUL）は使えません。"
INVALID_CHOICE = "一覧から選んでください。"
INVALID_NUMBER = "数字で入力してください。"
WHOLE_NUMBER = "整数で入力してください。"
INVALID_DATE = "日付として読めません（例: 令和8年12月9日、R8.12.9、2026-12-09）。"
INVALID_DATETIME = "日時として読めません（例: 令和8年12月9日 14:00、2026-12-09 14:00）。"
FUTURE_DATE = "未来の日付は入力できません。"
TOO_LONG = "{limit}文字以内で入力してください（いまは{length}文字）。"
TOO_SHORT = "{limit}文字以上で入力してください。"
MIN_VALUE = "{limit}以上の数を入力してください。"
MAX_VALUE = "{limit}以下の数を入力してください。"
FILE_EMPTY = "空のファイルです。"
FILE_MISSING = "ファイルを選んでください。"


def at(label: str, text: str) -> str:
    """``text`` named with its field: 「生年月日: 未来の日付は入力できません。」 (a text that
    already starts with the label is returned as it is)."""
    label = str(label).strip()
    text = str(text).strip()
    if not label or text.startswith(f"{label}:") or text.startswith(f"{label}："):
        return text
    return f"{label}: {text}"
