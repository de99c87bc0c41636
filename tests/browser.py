"""Headless Chromium for the browser tests: found or skipped with the reason (a failure in CI).

Playwright drives the system's Chromium (Debian ``chromium``), never a downloaded one.
``ALLIANCE_REQUIRE_SYSTEM=1`` (set by ``.ci/run``) turns a missing browser into a failure.
"""
from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

CHROMIUM = os.environ.get("ALLIANCE_CHROMIUM", "/usr/bin/chromium")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]
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
