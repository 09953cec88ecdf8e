"""Tab "Fit": the fitted model's output over the square with its units and the data."""

from __future__ import annotations

from typing import TYPE_CHECKING

import streamlit as st

from app.editor import unit_rows
from app.figures import fit_figure
from app.plain import plain

if TYPE_CHECKING:
    from app.scene import Scene


def render_fit(scene: Scene) -> None:
    if scene.model is None:
        st.info(plain(scene.fit.error))
        return
    st.plotly_chart(fit_figure(scene.state.points, scene.task, scene.fit.surface, unit_rows(scene)), key="fit_chart")
