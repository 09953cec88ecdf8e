"""A projector's screen: at 1024 x 768 and 1280 x 720 the whole canvas, the certificate's numbers and the tab bar
are on screen, side by side, with no horizontal scrolling and no number cut short."""

import pytest

from test_browser_playground import open_app, wait_idle


@pytest.mark.parametrize("width, height", [(1024, 768), (1280, 720)])
def test_canvas_numbers_and_tabs_fit_a_projector(app_server, browser, width, height):
    context = browser.new_context(viewport={"width": width, "height": height})
    page = context.new_page()
    try:
        _check_layout(page, app_server, width, height)
    except AssertionError:
        page.screenshot(path=f"artifacts/layout_{width}x{height}_failed.png", full_page=True)
        raise
    finally:
        context.close()


def _check_layout(page, app_server, width, height) -> None:
    """The default page at this viewport: the canvas, the numbers and the tab bar on screen."""
    open_app(page, app_server, 30)
    # on a busy machine the fit may have been shown live first: measure once its panel is gone
    page.get_by_text("Primal (network now)").first.wait_for(state="detached", timeout=60_000)
    wait_idle(page)
    page.wait_for_timeout(500)
    scroll, client = page.evaluate("() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]")
    assert scroll <= client  # no horizontal scrolling
    canvas = page.locator("canvas.cp-canvas").bounding_box()
    assert canvas["x"] >= 0 and canvas["x"] + canvas["width"] <= width
    assert canvas["y"] >= 0 and canvas["y"] + canvas["height"] <= height  # the whole canvas on screen
    assert canvas["width"] >= 300 and abs(canvas["width"] - canvas["height"]) < 1  # square, usable
    values = page.locator("[data-testid=stMetricValue]")
    assert values.count() >= 8
    for i in range(values.count()):
        box = values.nth(i).bounding_box()
        assert box["x"] >= canvas["x"] + canvas["width"]  # right of the canvas, not under it
        assert box["x"] + box["width"] <= width and box["y"] + box["height"] <= height
        # the number is not cut short ("1.38..."): its text fits its box
        assert values.nth(i).evaluate(
            "e => { const r = document.createRange(); r.selectNodeContents(e);"
            " return r.getBoundingClientRect().width <= e.getBoundingClientRect().width + 1 }")
    tabs = page.get_by_role("tab", name="Fit").first.bounding_box()
    assert tabs["y"] + tabs["height"] <= height and tabs["x"] + tabs["width"] <= width  # the tab bar above the fold
    page.screenshot(path=f"artifacts/layout_{width}x{height}.png")


def test_a_click_on_a_full_canvas_says_the_page_holds_200_points(app_server, page):
    from urllib.parse import urlencode

    from app.codec import encode
    from app.state import MAX_APP_POINTS, validated

    pts = tuple((round(-0.95 + 0.0095 * i, 3), round(0.9 * (-1) ** i, 3), 1.0 if i % 2 else -1.0)
                for i in range(MAX_APP_POINTS))
    page.goto(f"{app_server}?{urlencode(encode(validated(points=pts, beta=1.0)))}")
    page.get_by_text(f"fitted to {MAX_APP_POINTS} points", exact=False).first.wait_for(timeout=120_000)
    wait_idle(page)
    canvas = page.locator("canvas.cp-canvas")
    count = page.locator(".cp-count")
    until(lambda: count.inner_text() == f"{MAX_APP_POINTS} / {MAX_APP_POINTS} points")
    box = canvas.bounding_box()
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    until(lambda: canvas.get_attribute("data-full") == "1")  # the canvas says why the click added nothing
    assert len(__import__("json").loads(canvas.get_attribute("data-points"))) == MAX_APP_POINTS


def until(condition, timeout: float = 20.0) -> None:
    """Poll ``condition()`` (the canvas lives in a shadow root: locators reach it, page scripts do not)."""
    import time

    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "condition not met in time"
        time.sleep(0.1)


def test_hostile_and_damaged_links_show_a_plain_warning_and_keep_the_rest(app_server, page):
    from urllib.parse import urlencode

    from app.codec import encode
    from app.state import validated

    for hostile in ("[Session expired - log in again](https://evil.example/login)", "![x](https://evil.example/p.png)"):
        page.goto(f"{app_server}?{urlencode({'hide': hostile, 'preset': 'moons'})}")
        page.get_by_text("could not be read", exact=False).first.wait_for(timeout=120_000)
        wait_idle(page)
        html = page.content()
        assert "evil.example" not in html  # never echoed: no link, no image fetched
        assert page.locator("a[href*='evil']").count() == 0 and page.locator("img[src*='evil']").count() == 0
    pts = tuple((i / 10, -i / 12, 1.0 if i % 2 else -1.0) for i in range(9))
    link = encode(validated(points=pts, beta=0.2))
    link["points"] = link["points"][:-5]  # a link cut short
    page.goto(f"{app_server}?{urlencode(link)}")
    warning = page.get_by_text("could not be read", exact=False).first
    warning.wait_for(timeout=120_000)
    assert "points" in warning.inner_text()
    wait_idle(page)
    assert "beta=0.2" in page.url  # the readable fields are kept
