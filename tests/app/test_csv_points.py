"""CSV import of points: line endings, separators, label mapping, rescaling, limits, messages, round trip.

Expected points are written out by hand (or computed here from the documented rule), not taken from
the module under test.
"""

import dataclasses

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.csv_points import MAX_CSV_BYTES, CsvImport, points_from_csv, points_to_csv
from app.state import MAX_APP_POINTS

TWO = ((0.1, 0.2, 1.0), (-0.3, 0.4, -1.0))


def g(v: float) -> float:
    """The 0.001 grid, written independently of app.grid.snap."""
    return round(v, 3) + 0.0


# ---------------------------------------------------------------- result type
def test_result_is_a_frozen_dataclass():
    read = points_from_csv(b"x1,x2,y\n0.1,0.2,1\n-0.3,0.4,-1\n")
    assert isinstance(read, CsvImport)
    assert (read.points, read.task, read.notes) == (TWO, "classification", ())
    with pytest.raises(dataclasses.FrozenInstanceError):
        read.task = "regression"


# ---------------------------------------------------------------- line endings
@pytest.mark.parametrize("eol", ["\r", "\n", "\r\n"])
def test_cr_lf_and_crlf_line_endings(eol):
    text = eol.join(["x1,x2,y", "0.1,0.2,1", "-0.3,0.4,-1"]) + eol
    read = points_from_csv(text.encode())
    assert read.points == TWO and read.task == "classification" and read.notes == ()


def test_cr_only_file_of_the_report():
    assert points_from_csv(b"x1,x2,y\r0.1,0.2,1\r-0.3,0.4,-1\r").points == TWO


def test_mixed_line_endings_and_a_stray_cr_at_a_line_end():
    read = points_from_csv(b"x1,x2,y\r\n0.1,0.2,1\r\r\n-0.3,0.4,-1\n\r")
    assert read.points == TWO


def test_stray_cr_inside_a_row_names_the_line():
    # a CR is a line ending, so it splits the row: line 3 then holds two values
    with pytest.raises(ValueError, match=r"^line 3 has 2 values; expected 3"):
        points_from_csv(b"x1,x2,y\n0.1,0.2,1\n-0.3,0.4\r,-1\n")


@pytest.mark.parametrize("text", [b'x1,x2,y\n"0.1,0.2,1\n', b'x1,x2,y\n"0.1"x,0.2,1\n', b'x1,x2,y\n"0.1\r",0.2,1\n'])
def test_other_csv_errors_become_a_clear_message(text):
    with pytest.raises(ValueError, match=r"^line 2 is not readable as CSV"):
        points_from_csv(text)


# ---------------------------------------------------------------- empty files
@pytest.mark.parametrize("text", [b"x1,x2,y\n", b"x1,x2,y", b"x1,x2,y\r\n\r\n  \n", "\ufeffx1,x2,y\n"])
def test_header_only_is_refused(text):
    with pytest.raises(ValueError, match="the file has no points"):
        points_from_csv(text)


@pytest.mark.parametrize("text", [b"", b"\n\n", b"   \r\n"])
def test_empty_file_is_refused(text):
    with pytest.raises(ValueError, match="empty"):
        points_from_csv(text)


# ---------------------------------------------------------------- labels
def test_zero_one_labels_become_minus_one_plus_one_with_a_note():
    read = points_from_csv(b"x1,x2,y\n0.1,0.2,1\n-0.3,0.4,0\n0.5,0.5,0\n")
    assert read.task == "classification"
    assert read.points == ((0.1, 0.2, 1.0), (-0.3, 0.4, -1.0), (0.5, 0.5, -1.0))
    assert len(read.notes) == 1 and "0 became -1 and 1 became +1" in read.notes[0]


@pytest.mark.parametrize("low, high", [("1", "2"), ("-1", "0"), ("0.0", "1.0"), ("-5", "3.5"), ("2", "-2")])
def test_any_two_numbers_become_classes_the_larger_is_plus_one(low, high):
    read = points_from_csv(f"x1,x2,y\n0.1,0.2,{low}\n-0.3,0.4,{high}\n0,0,{low}\n".encode())
    a, b = float(low), float(high)
    ya, yb = (1.0, -1.0) if a > b else (-1.0, 1.0)
    assert read.task == "classification"
    assert read.points == ((0.1, 0.2, ya), (-0.3, 0.4, yb), (0.0, 0.0, ya))
    assert f"{max(a, b):g} became +1" in read.notes[0]


def test_word_labels_the_later_in_sorted_order_is_plus_one_and_not_echoed():
    read = points_from_csv(b"x1,x2,y\n0.1,0.2,dog\n-0.3,0.4,cat\n0.5,0.5, dog \n")
    assert read.task == "classification"
    assert read.points == ((0.1, 0.2, 1.0), (-0.3, 0.4, -1.0), (0.5, 0.5, 1.0))
    (note,) = read.notes
    assert "second" in note and "line 2" in note and "line 3" in note  # dog (line 2) became +1, cat -1
    assert "dog" not in note and "cat" not in note


def test_markdown_labels_are_never_echoed():
    read = points_from_csv(b"x1,x2,y\n0.1,0.2,**bold**\n-0.3,0.4,[x](http://e.vil)\n")
    assert read.points == ((0.1, 0.2, -1.0), (-0.3, 0.4, 1.0))  # "*" sorts before "["
    assert all("bold" not in n and "e.vil" not in n and "*" not in n for n in read.notes)


def test_three_words_or_a_word_among_numbers_are_refused_naming_line_and_column():
    with pytest.raises(ValueError, match=r"^line 3, column y holds text") as info:
        points_from_csv(b"x1,x2,y\n0.1,0.2,1\n-0.3,0.4,oops\n0,0,-1\n")
    assert "oops" not in str(info.value)
    with pytest.raises(ValueError, match=r"^line 2, column y holds text"):
        points_from_csv(b"x1,x2,y\n0.1,0.2,a\n-0.3,0.4,b\n0,0,c\n")


def test_labels_are_decided_on_the_grid():
    read = points_from_csv(b"x1,x2,y\n0.1,0.2,1.0000001\n-0.3,0.4,-1\n0.5,0.5,-0.9999999\n")
    assert read.task == "classification" and read.notes == ()
    assert read.points == ((0.1, 0.2, 1.0), (-0.3, 0.4, -1.0), (0.5, 0.5, -1.0))


def test_many_distinct_values_are_regression():
    read = points_from_csv(b"x1,x2,y\n0.1,0.2,0.25\n-0.3,0.4,-0.75\n0,0.5,1.5\n0.5,-0.5,0\n")
    assert read.task == "regression" and read.notes == ()
    assert read.points == ((0.1, 0.2, 0.25), (-0.3, 0.4, -0.75), (0.0, 0.5, 1.5), (0.5, -0.5, 0.0))


def test_the_page_task_regression_keeps_numbers_as_targets():
    text = b"x1,x2,y\n0.1,0.2,1\n-0.3,0.4,0\n"
    read = points_from_csv(text, page_task="regression")
    assert read.task == "regression" and read.points == ((0.1, 0.2, 1.0), (-0.3, 0.4, 0.0))
    assert "regression" in read.notes[0]
    pm = points_from_csv(b"x1,x2,y\n0.1,0.2,1\n-0.3,0.4,-1\n", page_task="regression")
    assert pm.task == "regression" and pm.points == TWO and pm.notes == ()
    words = points_from_csv(b"x1,x2,y\n0.1,0.2,b\n-0.3,0.4,a\n", page_task="regression")
    assert words.task == "classification" and words.points == TWO


def test_a_switch_to_regression_is_said():
    read = points_from_csv(b"x1,x2,y\n0.1,0.2,0.5\n-0.3,0.4,0\n0,0,2\n", page_task="classification")
    assert read.task == "regression" and "regression" in read.notes[0]


# ---------------------------------------------------------------- separators
@pytest.mark.parametrize("sep", [";", "\t", ","])
def test_separator_is_detected_from_the_header(sep):
    text = f"x1{sep}x2{sep}y\n0.1{sep}0.2{sep}1\n-0.3{sep}0.4{sep}-1\n"
    assert points_from_csv(text.encode()).points == TWO


def test_semicolons_with_decimal_commas_spaces_capitals_and_quotes():
    read = points_from_csv(b'"X1";"X2"; Y \r\n0,1 ; 0,2 ; 1\r\n"-0,3";0.4;-1;\r\n')
    assert read.points == TWO
    assert read.notes == ("decimal commas were read as decimal points.",)


def test_a_comma_in_a_comma_file_is_a_separator():
    with pytest.raises(ValueError, match=r"^line 2 has 4 values"):
        points_from_csv(b"x1,x2,y\n0,1,0.2,1\n")


def test_wrong_header_is_refused_without_echo():
    with pytest.raises(ValueError, match="expected the columns x1,x2,y") as info:
        points_from_csv(b"# *hello* [x](y)\n0.1,0.2,1\n")
    assert "hello" not in str(info.value)
    with pytest.raises(ValueError, match="expected the columns"):
        points_from_csv(b"x1|x2|y\n0.1|0.2|1\n")


# ---------------------------------------------------------------- rescaling
def test_coordinates_outside_the_square_are_divided_by_one_factor():
    read = points_from_csv(b"x1,x2,y\n2,0,1\n-1,4,-1\n0.5,-3,1\n")
    # the rule: s = max|x| / 0.95 = 4 / 0.95 = 4.2105..., rounded up to 3 significant digits
    s = 4.22
    assert read.points == ((g(2 / s), 0.0, 1.0), (g(-1 / s), g(4 / s), -1.0), (g(0.5 / s), g(-3 / s), 1.0))
    assert read.points == ((0.474, 0.0, 1.0), (-0.237, 0.948, -1.0), (0.118, -0.711, 1.0))
    (note,) = read.notes
    assert "rescaled by 1/4.22" in note and "divided by 4.22" in note


def test_pixel_like_coordinates_are_rescaled_and_the_shape_is_kept():
    read = points_from_csv(b"x1,x2,y\n100,50,1\n-20,0,-1\n")
    s = 106.0  # 100 / 0.95 = 105.26..., rounded up to 3 significant digits
    assert read.points == ((g(100 / s), g(50 / s), 1.0), (g(-20 / s), 0.0, -1.0))
    assert "106" in read.notes[0]


def test_coordinates_on_the_grid_edge_are_not_rescaled():
    read = points_from_csv(b"x1,x2,y\n1.0004,-1,1\n-1,1,-1\n")
    assert read.points == ((1.0, -1.0, 1.0), (-1.0, 1.0, -1.0)) and read.notes == ()


def test_regression_targets_beyond_ten_are_divided_by_one_factor():
    read = points_from_csv(b"x1,x2,y\n0.1,0.2,30\n0.3,0.3,-1\n0,0,0.5\n")
    t = 3.0  # max|y| / 10
    assert read.task == "regression"
    assert read.points == ((0.1, 0.2, g(30 / t)), (0.3, 0.3, g(-1 / t)), (0.0, 0.0, g(0.5 / t)))
    assert read.points == ((0.1, 0.2, 10.0), (0.3, 0.3, -0.333), (0.0, 0.0, 0.167))
    (note,) = read.notes
    assert "targets" in note and "1/3" in note


def test_targets_and_coordinates_rescaled_together():
    read = points_from_csv(b"x1,x2,y\n-5,1,-123.4\n0,2,7\n1,1,0\n")
    s, t = 5.27, 12.4  # 5 / 0.95 = 5.263..., 123.4 / 10 = 12.34, both rounded up to 3 digits
    assert read.points == (
        (g(-5 / s), g(1 / s), g(-123.4 / t)),
        (0.0, g(2 / s), g(7 / t)),
        (g(1 / s), g(1 / s), 0.0),
    )
    assert len(read.notes) == 2 and all(abs(p[0]) <= 0.95 and abs(p[2]) <= 10 for p in read.points)


def test_two_large_numbers_are_classes_not_targets():
    read = points_from_csv(b"x1,x2,y\n0.1,0.2,50\n-0.3,0.4,-50\n")
    assert read.task == "classification" and read.points == TWO


# ---------------------------------------------------------------- limits and bad values
def test_the_point_limit_says_what_the_page_holds():
    ok = points_from_csv(b"x1,x2,y\n" + b"0.1,0.2,1\n" * MAX_APP_POINTS)
    assert len(ok.points) == MAX_APP_POINTS
    with pytest.raises(ValueError, match=f"the file has {MAX_APP_POINTS + 1} points; the page holds at most 200 points"):
        points_from_csv(b"x1,x2,y\n" + b"0.1,0.2,1\n" * (MAX_APP_POINTS + 1))


def test_the_size_limit():
    with pytest.raises(ValueError, match="larger than 64 KiB"):
        points_from_csv(b"x1,x2,y\n" + b" " * MAX_CSV_BYTES)


@pytest.mark.parametrize(
    "text, message",
    [
        (b"x1,x2,y\n0.1,0.2,1\n0.1,inf,1\n", r"^line 3, column x2 holds NaN or an infinite value"),
        (b"x1,x2,y\n0.1,0.2,nan\n", r"^line 2, column y holds NaN"),
        (b"x1,x2,y\n\n0.1,<b>hi</b>,1\n", r"^line 3, column x2 holds text where a number is expected"),
        (b"x1,x2,y\n,0.2,1\n", r"^line 2, column x1 is empty"),
        (b"x1,x2,y\r0.1,0.2,1,5\r", r"^line 2 has 4 values"),
        (b"\xff\xfe\x00", "UTF-8"),
    ],
)
def test_bad_values_name_line_and_column_only(text, message):
    with pytest.raises(ValueError, match=message) as info:
        points_from_csv(text)
    assert "hi" not in str(info.value) and "<b>" not in str(info.value)


# ---------------------------------------------------------------- round trip
def test_round_trip_classification_and_regression():
    cls = ((0.1, 0.2, 1.0), (-0.3, 0.4, -1.0), (1.0, -1.0, 1.0), (0.0, 0.0, -1.0))
    assert points_from_csv(points_to_csv(cls).encode()) == CsvImport(cls, "classification", ())
    reg = ((0.1, 0.2, 0.25), (-0.3, 0.4, -9.999), (0.999, -1.0, 10.0))
    assert points_from_csv(points_to_csv(reg)) == CsvImport(reg, "regression", ())


grid = st.integers(-1000, 1000).map(lambda i: i / 1000)


@given(st.lists(st.tuples(grid, grid, st.sampled_from([1.0, -1.0])), min_size=1, max_size=MAX_APP_POINTS))
def test_round_trip_of_any_classification_drawing(points):
    points = tuple(points)
    assert points_from_csv(points_to_csv(points).encode()) == CsvImport(points, "classification", ())


@given(st.lists(st.tuples(grid, grid, st.integers(-10_000, 10_000).map(lambda i: i / 1000)), min_size=1, max_size=50))
def test_round_trip_of_any_regression_drawing(points):
    points = tuple(points)
    read = points_from_csv(points_to_csv(points).encode(), page_task="regression")
    assert read.points == points and read.task == "regression"
