"""The tabs of the page: one registry entry each (key, label, render).

The key is the tab's name in links (``?tab=KEY``) and in ``?hide=`` (stable, never derived from the
label); ``render(scene)`` draws the tab into the current container from the page's
:class:`~app.scene.Scene`.  Adding a tab is one :class:`TabSpec` entry plus its render function.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from .views.compare import render_compare
from .views.deep1d import render_deep1d
from .views.experiments import render_experiments
from .views.fit_tab import render_fit
from .views.geometry_tabs import render_arrangement, render_dual, render_zonotope
from .views.training import render_path, render_training


@dataclass(frozen=True)
class TabSpec:
    key: str
    label: str
    render: Callable


TABS: dict[str, TabSpec] = {
    spec.key: spec
    for spec in (
        TabSpec("fit", "Fit", render_fit),
        TabSpec("compare", "Compare", render_compare),
        TabSpec("training", "Training", render_training),
        TabSpec("path", "Path", render_path),
        TabSpec("arrangement", "Arrangement", render_arrangement),
        TabSpec("zonotope", "Zonotope", render_zonotope),
        TabSpec("dual-certificate", "Dual certificate", render_dual),
        TabSpec("deep-1d", "Deep 1-D", render_deep1d),
        TabSpec("experiments", "Experiments", render_experiments),
    )
}
"""The page's tabs by key, in the order they are shown (keys are link names: never change one)."""
