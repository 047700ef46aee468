"""``./kasane bench pages`` at small scale: one page in Debian's Chromium — its gzipped HTML,
JS and CSS are counted and nothing is requested from another host."""

from __future__ import annotations

import os
import shutil

import pytest

from bench import pages
from tests.bench._web import require_postgres


def test_home_page_weight_and_no_external_request() -> None:
    if not (os.path.exists(pages.CHROMIUM) or shutil.which(pages.CHROMIUM)):
        pytest.skip(f"Chromium not found at {pages.CHROMIUM}")
    require_postgres()
    figures = pages.run(only=["home"], database="kasane_bench_pages_test")
    home = figures["pages"]["home"]
    assert home["document"] > 0.5  # the signed-in home page, not a redirect to the login
    assert home["script"] > 0 and home["stylesheet"] > 0
    assert home["script"] + home["stylesheet"] <= 100
    assert figures["external"] == []
