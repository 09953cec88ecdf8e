"""Geometry views of the playground: each tab is a label and a function drawing into the current container."""

from .geometry_tabs import render_arrangement, render_dual, render_zonotope

GEOMETRY_TABS: list = [
    ("Arrangement", render_arrangement),
    ("Zonotope", render_zonotope),
    ("Dual certificate", render_dual),
]

__all__ = ["GEOMETRY_TABS", "render_arrangement", "render_zonotope", "render_dual"]
