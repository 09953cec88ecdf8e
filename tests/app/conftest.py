"""The page under AppTest waits for every fit (a machine under load must not turn a test's fit live: the
live panel is a fragment on a timer, which AppTest does not run; tests/browser covers it)."""

import pytest


@pytest.fixture(autouse=True)
def wait_for_fits(monkeypatch):
    import app.jobs

    monkeypatch.setattr(app.jobs, "LIVE_AFTER", 600.0)
