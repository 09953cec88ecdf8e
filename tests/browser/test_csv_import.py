"""CSV import through the sidebar's file input in Chromium: line endings, a header-only file, 0/1 labels,
coordinates outside the square, and the same file again after Clear."""

from __future__ import annotations

from playwright.sync_api import expect
from test_browser_playground import (canvas_attr, canvas_points, fitted_to, link, open_app, served_points, wait_canvas,
                                     wait_idle)

START = [(0.1, 0.2, 1.0), (-0.4, 0.3, -1.0), (0.6, -0.6, 1.0)]
UPLOAD = "[data-testid=stSidebar] [data-testid=stFileUploader] input[type=file]"


def upload(page, data: bytes, name: str = "p.csv") -> None:
    wait_idle(page)  # the uploader is drawn afresh after each import: wait until only the new one is left
    page.wait_for_function(f"() => document.querySelectorAll({UPLOAD!r}).length === 1")
    page.locator(UPLOAD).set_input_files({"name": name, "mimeType": "text/csv", "buffer": data})


def no_traceback(page) -> None:
    assert page.locator("[data-testid=stException]").count() == 0


def test_cr_only_line_endings_import(app_server, page):
    open_app(page, link(app_server, points=START), 3)
    upload(page, b"x1,x2,y\r0.1,0.2,1\r-0.3,0.4,-1\r")
    fitted_to(page, 2)
    assert canvas_points(page) == [[0.1, 0.2, 1.0], [-0.3, 0.4, -1.0]]
    no_traceback(page)
    assert page.get_by_text("CSV not imported", exact=False).count() == 0


def test_header_only_warns_and_keeps_the_drawing(app_server, page):
    open_app(page, link(app_server, points=START), 3)
    before = canvas_attr(page, "data-points")
    upload(page, b"x1,x2,y\r\n")
    page.get_by_text("the file has no points", exact=False).first.wait_for()
    assert page.get_by_text("CSV not imported", exact=False).first.is_visible()
    wait_idle(page)
    assert canvas_attr(page, "data-points") == before
    assert canvas_points(page) == [list(p) for p in START]
    no_traceback(page)


def test_zero_one_labels_become_classes_with_a_notice(app_server, page):
    open_app(page, link(app_server, points=START), 3)
    upload(page, b"x1,x2,y\n0.5,0.5,1\n-0.5,-0.5,0\n0.5,-0.5,0\n-0.5,0.5,1\n")
    page.get_by_text("0 became -1 and 1 became +1", exact=False).first.wait_for()
    fitted_to(page, 4)
    assert canvas_points(page) == [[0.5, 0.5, 1.0], [-0.5, -0.5, -1.0], [0.5, -0.5, -1.0], [-0.5, 0.5, 1.0]]
    assert page.get_by_text("Training accuracy").first.is_visible()  # classification, not regression
    no_traceback(page)


def test_coordinates_outside_the_square_are_rescaled_with_a_notice(app_server, page):
    open_app(page, link(app_server, points=START), 3)
    upload(page, b"x1,x2,y\n2,0,1\n-1,4,-1\n0.5,-3,1\n")
    page.get_by_text("rescaled by 1/4.22", exact=False).first.wait_for()
    s = 4.22  # 4 / 0.95 rounded up to 3 significant digits
    expected = [[round(2 / s, 3), 0.0, 1.0], [round(-1 / s, 3), round(4 / s, 3), -1.0], [round(0.5 / s, 3), round(-3 / s, 3), 1.0]]
    # the drawing before had 3 points too, so "fitted to 3 points" alone does not say the import is drawn
    wait_canvas(page, lambda points: points == expected and served_points(page) == points)
    fitted_to(page, 3)
    no_traceback(page)


def test_the_same_file_imports_again_after_clear(app_server, page):
    open_app(page, link(app_server, points=START), 3)
    data = b"x1,x2,y\n0.25,0.5,1\n-0.25,-0.5,-1\n"
    upload(page, data, "again.csv")
    fitted_to(page, 2)
    # a fresh, empty uploader is drawn after the import (Streamlit's would not fire again for the same file)
    uploader = page.locator("[data-testid=stSidebar] [data-testid=stFileUploader]")
    expect(uploader).to_have_count(1)  # the old uploader may stay a moment beside the new one
    assert "again.csv" not in uploader.inner_text()
    page.get_by_role("button", name="Clear").click()
    page.get_by_text("The canvas is empty", exact=False).first.wait_for()
    wait_idle(page)
    wait_canvas(page, lambda points: points == [])
    upload(page, data, "again.csv")
    fitted_to(page, 2)
    assert canvas_points(page) == [[0.25, 0.5, 1.0], [-0.25, -0.5, -1.0]]
    no_traceback(page)
