"""``bench web --dataset``: the bench database is copied from a generated city scale, which must
exist already (it is built by ``bench report``, never silently by the web bench)."""

from __future__ import annotations

import pytest

from bench import _webserver


def test_an_unknown_dataset_is_refused_by_name() -> None:
    with pytest.raises(RuntimeError, match="データセット nope はありません"):
        _webserver._dataset_template("postgresql://postgres@127.0.0.1:1/x", "nope")


def test_a_dataset_not_generated_yet_names_the_command_that_builds_it() -> None:
    # port 1: nothing answers, so the database counts as not there
    with pytest.raises(RuntimeError, match=r"bench report --scale pref50"):
        _webserver._dataset_template("postgresql://postgres@127.0.0.1:1/x", "pref50")
