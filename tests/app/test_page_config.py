"""The page's Streamlit settings: no magic (bare strings are never drawn), no developer toolbar, no tracebacks."""

import ast
import tomllib
from pathlib import Path

from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parents[2]


def test_config_turns_off_magic_the_toolbar_and_error_details():
    cfg = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())
    assert cfg["runner"]["magicEnabled"] is False
    assert cfg["client"]["toolbarMode"] == "minimal"
    assert cfg["client"]["showErrorDetails"] == "none"


def test_no_bare_string_of_the_script_reaches_the_page(monkeypatch):
    monkeypatch.chdir(ROOT)  # streamlit reads .streamlit/config.toml from the working directory
    script = ROOT / "app" / "main.py"
    # the bare strings of the script (docstrings of its constants included)
    bare = [n.value.value for n in ast.walk(ast.parse(script.read_text()))
            if isinstance(n, ast.Expr) and isinstance(n.value, ast.Constant) and isinstance(n.value.value, str)]
    assert any("SMALL_BETA" in b for b in bare)  # the script has such strings: magic would draw them
    at = AppTest.from_file(str(script), default_timeout=120)
    at.run()
    assert not at.exception
    shown = [m.value for m in at.markdown] + [c.value for c in at.caption]
    for b in bare:
        assert not any(b.strip()[:40] in s for s in shown), b[:60]


def test_plain_text_renders_literally():
    from app.plain import plain

    hostile = "[Session expired](https://evil.example/login) ![x](https://e.example/p.png) <b>x</b> :smile: $x$"
    escaped = plain(hostile)
    # every character Markdown would act on is escaped, nothing else changes
    assert escaped.replace("\\", "") == hostile
    for ch in "[]()!<>:$":
        assert f"\\{ch}" in escaped
    assert "](" not in escaped.replace("\\]\\(", "")


def test_a_notice_with_markdown_is_shown_escaped(monkeypatch):
    monkeypatch.chdir(ROOT)
    at = AppTest.from_file(str(ROOT / "app" / "main.py"), default_timeout=120)
    at.session_state["notice"] = None
    at.run()
    at.session_state["notice"] = "CSV not imported: [click](https://evil.example)"
    at.run()
    warnings = [w.value for w in at.warning]
    assert any("\\[click\\]\\(https\\:" in w for w in warnings), warnings
