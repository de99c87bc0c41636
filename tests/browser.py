"""Headless Chromium for the browser tests: found or skipped with the reason (a failure in CI).

Playwright drives the system's Chromium (Debian ``chromium``), never a downloaded one. The fixtures
here (``browser``, ``browser_site``) are shared by every browser test (``tests/conftest.py`` imports
them): one Chromium and one live demo site for the whole run.
``ALLIANCE_REQUIRE_SYSTEM=1`` (set by ``.ci/run``) turns a missing browser into a failure.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

CHROMIUM = os.environ.get("ALLIANCE_CHROMIUM", "/usr/bin/chromium")
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SCREENSHOTS = Path(__file__).resolve().parent.parent / "test-artifacts" / "screenshots"


def unavailable(reason: str):
    if os.environ.get("ALLIANCE_REQUIRE_SYSTEM") == "1":
        pytest.fail(f"{reason} (ALLIANCE_REQUIRE_SYSTEM=1: browser tests must run here)")
    pytest.skip(reason)


def launch():
    """(playwright, browser) for the system Chromium, or skip/fail with the reason."""
    if not (Path(CHROMIUM).exists() or shutil.which(CHROMIUM)):
        unavailable(f"no Chromium at {CHROMIUM} (Debian: apt-get install chromium chromium-driver)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        unavailable("the Python package playwright is not installed (pip install -e '.[test]')")
    manager = sync_playwright().start()
    try:
        browser = manager.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
    except Exception as err:  # noqa: BLE001 - any launch failure is the same story
        manager.stop()
        unavailable(f"Chromium at {CHROMIUM} did not start: {err}")
    return manager, browser


def screenshot(page, name: str, full_page: bool = True) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=full_page)
    return path


@pytest.fixture(scope="session")
def browser():
    """The system Chromium, headless, for the whole test run."""
    manager, chromium = launch()
    yield chromium
    chromium.close()
    manager.stop()


@pytest.fixture(scope="session")
def browser_site(demo_catalogue):
    """The demo alliance served over real HTTP on 127.0.0.1 (the URL, no trailing slash)."""
    from tests.webtools import LiveServer
    from web import create_app

    app = create_app({"ALLIANCE_CATALOGUE": demo_catalogue, "ALLIANCE_SPARQL_WORKERS": 0})
    with LiveServer(app, threads=4) as server:
        yield server.url
