"""The Lessons mode: a picker in the sidebar and, while a lesson is open, its step above the canvas.

The step's text is the lesson file's, with every number computed live from the current drawing
(:func:`app.lesson_book.live_text`).  Lesson texts are the project's own files, not user input.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

import streamlit as st

from app.lesson_book import lessons, live_text, open_step
from app.session import set_state
from app.tabs import TABS

if TYPE_CHECKING:
    from app.scene import Scene

ss = st.session_state


def go_to(key: str, step: int) -> None:
    """Open a lesson step: its state (drawing, beta, model, tab, hidden controls) replaces the page's."""
    state = open_step(ss.app_state, key, step)
    set_state(state)
    ss["w_tab"] = TABS[state.tab].label


def on_pick() -> None:
    key = ss.get("w_lesson_pick")
    if key:
        go_to(key, 1)


def on_leave() -> None:
    state = ss.app_state
    ss.lesson_return = (state.lesson, state.step)
    set_state(replace(state, lesson="", step=1))


def lesson_picker(sidebar) -> None:
    """The sidebar's entry to the lessons (and the way back to one the student left)."""
    book = lessons()
    sidebar.subheader("Lessons")
    sidebar.selectbox("Start a lesson", list(book), index=None, key="w_lesson_pick", on_change=on_pick,
                      format_func=lambda k: book[k].title, placeholder="choose a lesson")
    back = ss.get("lesson_return")
    if not ss.app_state.lesson and back and back[0] in book:
        sidebar.button(f"Back to “{book[back[0]].title}”, step {back[1]}", on_click=go_to, args=back,
                       key="lesson_return_button")


def lesson_panel(scene: Scene) -> None:
    """The open step: title, text with live numbers, one thing to try, a question with its answer, and
    Back / Next / Leave."""
    state = scene.state
    if not state.lesson:
        return
    lesson = lessons()[state.lesson]
    n = len(lesson.steps)
    i = min(max(state.step, 1), n)
    step = lesson.steps[i - 1]
    with st.container(border=True, key="lesson_panel"):
        st.markdown(f"**{lesson.title}** · step {i} of {n}: **{step.title}**")
        st.markdown(live_text(step.text, scene))
        st.markdown("**Try:** " + live_text(step.try_, scene))
        with st.expander("Question: " + live_text(step.question, scene)):
            st.markdown(live_text(step.answer, scene))
        c1, c2, c3 = st.columns([1, 1, 2])
        c1.button("← Back", on_click=go_to, args=(state.lesson, i - 1), disabled=i <= 1, key="lesson_back",
                  width="stretch")
        c2.button("Next →", on_click=go_to, args=(state.lesson, i + 1), disabled=i >= n, key="lesson_next",
                  width="stretch")
        c3.button("Leave the lesson", on_click=on_leave, key="lesson_leave")
