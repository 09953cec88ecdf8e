"""The running fit in the browser: its bound refreshes while it runs, a click during it is taken at once and
starts the new drawing's fit, and the gap-vs-time curve stays in the certificate panel."""

from __future__ import annotations

import re
import time

from test_browser_playground import CANVAS, canvas_points, fitted_to, link, pixel


LIVE = re.compile(r"Within [0-9.]+% of the optimum, certifying")
CERTIFIED = re.compile(r"Certified global optimum \(relative gap")


def moons_link(base: str, n: int, beta: float, seed: int) -> str:
    """A drawing whose certified fit takes a few seconds (about 1-3 s at n = 100, beta = 1e-3); each test
    its own seed, as the server keeps finished fits."""
    return f"{base}/?preset=moons&n={n}&beta={beta:g}&seed={seed}"


def live_texts(page) -> list[str]:
    return [t for t in page.locator("[data-testid=stAlert]").all_inner_texts() if "certifying" in t]


def test_the_bound_refreshes_while_the_fit_runs(live_app_server, page):
    page.goto(moons_link(live_app_server, 100, 1e-3, 0))
    page.locator(CANVAS).wait_for()
    page.get_by_text(LIVE).first.wait_for(timeout=60_000)
    first = time.monotonic()
    seen = set()
    certified = page.get_by_text(CERTIFIED)
    while time.monotonic() < first + 60 and not certified.count():
        seen.update(live_texts(page))
        page.wait_for_timeout(100)
    live_for = time.monotonic() - first
    assert certified.count(), "the fit did not certify within 60 s"
    # each refresh (every 0.5 s) shows a new time: a fit that ran live for t seconds showed about 2 t texts
    assert len(seen) >= min(2, int(live_for / 0.5)), f"the live panel did not refresh in {live_for:.1f} s: {seen}"
    fitted_to(page, 100)
    assert page.get_by_text("The gap of the network while the fit ran", exact=False).count() == 1
    assert page.locator(".js-plotly-plot").filter(has_text="How far the network can be from the optimum").count() >= 1


def test_a_click_during_a_fit_is_taken_at_once(live_app_server, page):
    page.goto(moons_link(live_app_server, 100, 1e-3, 1))
    page.locator(CANVAS).wait_for()
    page.get_by_text(LIVE).first.wait_for(timeout=60_000)
    start = time.perf_counter()
    page.mouse.click(*pixel(page, 0.93, -0.93))
    # the canvas takes the point at once and the page starts the new drawing's fit (its own live panel)
    page.get_by_text("The tabs come back", exact=False).first.wait_for(timeout=10_000)
    assert len(canvas_points(page)) == 101
    fitted_to(page, 101)
    took = time.perf_counter() - start
    assert page.get_by_text(CERTIFIED).count() == 1
    assert not page.locator("[data-testid=stException]").count()
    print(f"click during a running fit -> certified fit of the new drawing: {took:.2f} s")
