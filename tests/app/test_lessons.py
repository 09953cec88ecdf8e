"""The lessons: every file valid, every step rendered, its stated numbers those of the library on its drawing,
links that open a step, and Back / Next / Leave."""

from pathlib import Path

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from app.lesson_book import LESSON_DIR, LIVE, lessons, live_text, open_step, placeholders, read_lesson
from app.state import AppState
from app.tabs import TABS
from geometry import pattern_count, wedge_dictionary

SCRIPT = str(Path(__file__).resolve().parents[2] / "app" / "main.py")
STEPS = [(key, i) for key, lesson in lessons().items() for i in range(1, len(lesson.steps) + 1)]


def run(params) -> AppTest:
    at = AppTest.from_file(SCRIPT, default_timeout=120)
    for k, v in params.items():
        at.query_params[k] = v
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def panel_text(at) -> str:
    return "\n".join(m.value for m in at.markdown)


def test_every_lesson_file_is_valid_with_unique_keys_and_existing_tabs():
    files = sorted(LESSON_DIR.glob("*.toml"))
    assert len(files) == len(lessons()) >= 8
    keys = [read_lesson(f).key for f in files]
    assert len(set(keys)) == len(keys)
    for lesson in lessons().values():
        for step in lesson.steps:
            assert step.state.get("tab", "fit") in TABS
            for part in (step.text, step.try_, step.question, step.answer):
                assert part.strip() and all(p in LIVE for p in placeholders(part))


def test_a_bad_lesson_file_is_refused_with_its_name(tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text('key = "x"\ntitle = "X"\n[[steps]]\ntitle = "s"\nstate = { tab = "nowhere" }\n'
                   'text = "{n}"\ntry = "t"\nquestion = "q"\nanswer = "a"\n')
    with pytest.raises(ValueError, match="bad.toml, step 1: its state"):
        read_lesson(bad)
    bad.write_text(bad.read_text().replace('tab = "nowhere"', 'tab = "fit"').replace("{n}", "{no_such_number}"))
    with pytest.raises(ValueError, match="unknown number"):
        read_lesson(bad)


@pytest.mark.parametrize("key, step", STEPS)
def test_every_step_renders_and_opens_its_own_state(key, step):
    at = run({"lesson": key, "step": str(step)})
    state = at.session_state.app_state
    expected = open_step(AppState(), key, step)
    for field, value in lessons()[key].steps[step - 1].state.items():
        assert getattr(state, field) == getattr(expected, field), field
    assert state.lesson == key and state.step == step
    text = panel_text(at)
    assert lessons()[key].steps[step - 1].title in text
    assert "{" not in text  # every number was filled in


def test_stated_numbers_agree_with_the_library_on_the_steps_drawing():
    at = run({"lesson": "activation-patterns", "step": "2"})
    state = at.session_state.app_state
    X = np.array(state.points)[:, :2]
    P = pattern_count(X)  # the library, on the step's own points
    assert P < len(X) ** 2 - len(X) + 2  # the step's drawing has three collinear points
    assert f"Now {P} patterns for {len(X)} points" in panel_text(at)
    at = run({"lesson": "zonotope", "step": "2"})
    X = np.array(at.session_state.app_state.points)[:, :2]
    assert f"{wedge_dictionary(X).shape[0] // 2} lines through pairs" in panel_text(at)
    at = run({"lesson": "dual-certificate", "step": "2"})
    fit = at.session_state.app_state
    from solvers import ConvexReLU

    P_ = np.array(fit.points)
    m = ConvexReLU(fit.beta).fit(P_[:, :2], P_[:, 2])
    assert f"The primal objective is {m.objective_:.6g}" in panel_text(at)


def test_numbers_follow_the_drawing_when_the_student_changes_it():
    from app.scene import scene_for

    step = lessons()["activation-patterns"].steps[0]
    rng = np.random.default_rng(0)
    for n in (3, 7):
        X = rng.uniform(-1, 1, (n, 2))
        text = live_text(step.text, scene_for(X, np.ones(n), "classification", 0.05, None))
        assert f"{n} points there are\nexactly {pattern_count(X)} patterns" in text


def test_next_back_and_leave():
    at = run({"lesson": "convex-twin", "step": "1"})
    at.button(key="lesson_next").click().run()
    assert at.session_state.app_state.step == 2 and at.session_state.app_state.beta == 0.5
    assert at.button(key="lesson_next").disabled  # the last step
    at.button(key="lesson_back").click().run()
    assert at.session_state.app_state.step == 1 and at.session_state.app_state.beta == 0.05
    at.button(key="lesson_leave").click().run()
    assert at.session_state.app_state.lesson == "" and not [b for b in at.button if b.key == "lesson_next"]
    at.button(key="lesson_return_button").click().run()  # and back again
    assert at.session_state.app_state.lesson == "convex-twin" and at.session_state.app_state.step == 1


def test_a_link_with_its_own_points_keeps_them_inside_a_lesson():
    from app.codec import encode

    at = run({"lesson": "activation-patterns", "step": "1"})
    edited = at.session_state.app_state.points[:-1]  # the student erased a point
    from dataclasses import replace

    link = encode(replace(at.session_state.app_state, points=edited))
    again = run(link)
    assert again.session_state.app_state.points == edited and again.session_state.app_state.lesson
