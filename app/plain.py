"""Text shown as it is written: messages that may carry text from outside (a link, a file, a library
message quoting data) are escaped before Streamlit renders them as Markdown."""

from __future__ import annotations

import re

_SPECIAL = re.compile(r"([\\`*_{}\[\]()<>#+\-.!|~$:=^&])")
"""Characters Markdown, Streamlit's extensions (emoji and icon shortcodes, LaTeX) or HTML would interpret."""


def plain(text: str) -> str:
    """``text`` with every character Markdown would interpret escaped by a backslash (renders literally)."""
    return _SPECIAL.sub(r"\\\1", str(text))
