"""Home inbox: a 担当課 user's 自己評価 tasks (businesses of their unit with gaps)."""

import pytest
from django.urls import reverse

from kasane.pdca.inbox import self_evaluation_tasks

from .conftest import set_state


@pytest.mark.django_db
def test_it_lists_the_units_businesses_with_open_targets_or_no_do(pdca, city) -> None:
    section = self_evaluation_tasks(pdca.tantou, pdca.m_tantou)
    assert section is not None
    rows = [(item["url"], item["note"]) for item in section.items]
    url = lambda node: reverse("pdca:business", args=[pdca.cycle.pk, node.pk])  # noqa: E731
    assert rows == [(url(pdca.b), "実績未入力 1件・Do 未記入"), (url(pdca.c), "Do 未記入")]
    assert all(item["label"].startswith("令和6年度 地福 ") for item in section.items)
    assert self_evaluation_tasks(city.auditor, city.auditor.memberships.get()) is None
    set_state(pdca.cycle, "preparing")
    assert self_evaluation_tasks(pdca.tantou, pdca.m_tantou) is None
