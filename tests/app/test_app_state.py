"""The state table: defaults, validation, task switching."""

import math

import pytest

from app.state import (
    BETA_GRID,
    FIELD,
    FIELDS,
    HIDEABLE,
    MAX_APP_POINTS,
    AppState,
    check_point,
    check_value,
    hideable,
    validated,
    with_changes,
)


def test_every_default_passes_its_own_validation():
    # the table's defaults are valid values of their fields (a bad default would break every new page)
    s = AppState()
    for f in FIELDS:
        assert check_value(f, f.default, s.task) == f.default, f.name
    assert validated() == s and s.version == 1


def test_choices_come_from_the_registries():
    from app.models import MODELS
    from app.presets import PRESETS as PRESET_SPECS
    from app.tabs import TABS

    assert FIELD["preset"].choices == tuple(PRESET_SPECS)
    assert FIELD["model"].choices == tuple(k for k, spec in MODELS.items() if spec.sidebar)
    for key in TABS:
        assert validated(tab=key).tab == key
    with pytest.raises(ValueError):
        validated(tab="Fit")  # a label is not a key


def test_hideable_controls_come_from_the_table_and_the_tabs():
    from app.tabs import TABS

    assert "beta" in HIDEABLE and "model" in HIDEABLE and "points" not in HIDEABLE and "hide" not in HIDEABLE
    assert hideable() == HIDEABLE + tuple(TABS)
    assert validated(hide=("zonotope", "beta")).hide == ("beta", "zonotope")


@pytest.mark.parametrize(
    "changes",
    [
        {"beta": 0.0},
        {"beta": -1},
        {"beta": math.nan},
        {"beta": 100.0},
        {"n": 2.5},
        {"n": MAX_APP_POINTS + 1},
        {"task": "clustering"},
        {"model": "sgd"},
        {"noise": math.inf},
        {"view": "<script>"},  # a retired field
        {"tab": "<script>"},
        {"hide": ("beta", "nope")},
        {"points": ((0.0, 0.0, 0.5),)},  # not a class label
        {"points": ((2.0, 0.0, 1.0),)},  # outside the square
        {"points": ((0.0, math.nan, 1.0),)},
        {"label": 0},
        {"label": True},
        {"n": True},
        {"colour": "red"},
    ],
)
def test_bad_values_are_refused_with_a_message(changes):
    with pytest.raises(ValueError) as info:
        validated(**changes)
    assert str(info.value)


def test_beta_snaps_to_the_log_grid():
    assert validated(beta=0.05).beta == 0.05
    assert validated(beta=0.051).beta == 0.05
    assert validated(beta=0.0012).beta == 0.001
    assert BETA_GRID[0] == 1e-4 and BETA_GRID[-1] == 10.0
    assert all(a < b for a, b in zip(BETA_GRID, BETA_GRID[1:]))


def test_points_are_put_on_the_grid():
    assert check_point((0.12345, -0.5, 1), "classification") == (0.123, -0.5, 1.0)
    assert check_point((0.1, 0.2, 3.14159), "regression") == (0.1, 0.2, 3.142)


def test_switching_to_classification_turns_targets_into_classes():
    s = validated(task="regression", points=((0.1, 0.2, 0.7), (0.3, 0.4, -2.5), (0.0, 0.0, 0.0)))
    c = with_changes(s, task="classification")
    assert [p[2] for p in c.points] == [1.0, -1.0, 1.0]
    assert [p[:2] for p in c.points] == [p[:2] for p in s.points]
    assert with_changes(c, task="regression").points == c.points


def test_hide_list_is_canonical():
    assert validated(hide=["model", "beta", "beta"]).hide == ("beta", "model")
