"""Geometry views of the playground: each tab is a label and a function drawing into the current container."""

GEOMETRY_TABS: list = []
