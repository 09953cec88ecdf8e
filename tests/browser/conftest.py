"""Browser fixtures: the app under ``streamlit run`` on 127.0.0.1 and Debian's Chromium via Playwright.

``app_server`` (session) starts the app on a free port and returns its base URL (``live_app_server``: one
that shows every fit live);
``page`` is a fresh Playwright page. Outside CI the browser tests skip when
/usr/bin/chromium is missing; under ``CI=true`` they fail instead.
"""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"
ARTIFACTS = ROOT / "artifacts"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]


def _in_ci() -> bool:
    return os.environ.get("CI", "").lower() == "true"


def pytest_collection_modifyitems(config, items):
    for item in items:
        if "tests/browser" in item.path.as_posix():
            item.add_marker(pytest.mark.browser)


def _require_browser() -> None:
    if Path(CHROMIUM).exists():
        return
    if _in_ci():
        pytest.fail(f"{CHROMIUM} is missing; browser tests must run in CI (make browser installs it)")
    pytest.skip(f"{CHROMIUM} is missing (install Debian's chromium to run the browser tests)")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def serve(env: dict[str, str] | None = None, log_name: str = "streamlit-server.log"):
    """Base URL of the app started with ``streamlit run app/main.py`` on a free local port (``env``: extra
    environment variables of the server)."""
    _require_browser()
    port = _free_port()
    ARTIFACTS.mkdir(exist_ok=True)
    log = open(ARTIFACTS / log_name, "w")
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", str(ROOT / "app" / "main.py"),
         "--server.port", str(port), "--server.address", "127.0.0.1", "--server.headless", "true",
         "--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none"],
        cwd=ROOT, stdout=log, stderr=subprocess.STDOUT,
        env={**os.environ, "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", **(env or {})},  # as `make run`
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        while True:
            if proc.poll() is not None:
                pytest.fail(f"streamlit exited with code {proc.returncode}; see artifacts/{log_name}")
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as r:
                    if r.status == 200:
                        break
            except OSError:
                pass
            if time.monotonic() > deadline:
                pytest.fail("streamlit did not answer within 90 s")
            time.sleep(0.3)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()


@pytest.fixture(scope="session")
def app_server():
    """Base URL of the app as users get it."""
    with serve() as url:
        yield url


@pytest.fixture(scope="session")
def live_app_server():
    """Base URL of an app that shows every fit live (``CONVEX_PLAYGROUND_LIVE_AFTER=0``), however quick."""
    with serve({"CONVEX_PLAYGROUND_LIVE_AFTER": "0"}, "streamlit-live-server.log") as url:
        yield url


@pytest.fixture(scope="session")
def browser():
    _require_browser()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        try:
            yield b
        finally:
            b.close()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if report.when == "call":
        item.stash[_FAILED] = report.failed


_FAILED = pytest.StashKey[bool]()


@pytest.fixture
def page(browser, request):
    """A fresh page (own context: no shared storage) with a 1400 x 1000 viewport.

    A failing test leaves a screenshot of its page in artifacts/.
    """
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    pg = context.new_page()
    pg.set_default_timeout(60_000)
    try:
        yield pg
    finally:
        if request.node.stash.get(_FAILED, False):
            ARTIFACTS.mkdir(exist_ok=True)
            try:
                pg.screenshot(path=str(ARTIFACTS / f"failed-{request.node.name}.png"), full_page=True)
            except Exception:  # noqa: BLE001 - the screenshot is a courtesy; the failure is reported anyway
                pass
        context.close()
