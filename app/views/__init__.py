"""The tabs' views: each ``render_*(scene)`` draws one tab into the current container (see :mod:`app.tabs`)."""
