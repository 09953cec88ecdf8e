"""The share link: ``AppState`` <-> URL query parameters, driven by the field table.

Each field is one parameter named after it, plus ``v`` (the state version). The points travel
as ``<count>.<crc32>.<base64>``: URL-safe base64 of little-endian int16 triples ``(x1, x2, y)``
(pairs ``(x, y)`` for the 1-D points) in units of ``COORD_STEP``, after their count and the CRC-32
of those bytes, so that a truncated or changed link is detected; plain base64 (links written
before the checksum) is still read.  Decoding only parses numbers and base64: nothing is evaluated
or unpickled, and the payload size is bounded before any work is done.  A field that cannot be
read takes its default and the page names it; a link that cannot be read at all (oversized,
another version) gives ``(initial_state(), warning)``.
"""

from __future__ import annotations

import base64
import binascii
import re
import struct
import zlib
from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from .presets import make_preset, preset_task
from .presets1d import make_preset1d
from .grid import COORD_STEP
from .state import FIELDS, MAX_APP_POINTS, MAX_APP_POINTS1D, VERSION, AppState, validated

VERSION_KEY = "v"
MAX_POINT_CHARS = -(-MAX_APP_POINTS * 6 // 3) * 4 + -(-MAX_APP_POINTS1D * 4 // 3) * 4 + 32  # and 2 x count.crc.
MAX_PARAM_CHARS = 256
MAX_PARAMS = 40
MAX_LINK_CHARS = MAX_POINT_CHARS + 2048
"""Longest query string (all keys and values) the decoder looks at."""

_POINT = struct.Struct("<3h")
_POINT1D = struct.Struct("<2h")
_B64URL = re.compile(r"[A-Za-z0-9_-]*")
_COUNT = re.compile(r"0|[1-9][0-9]{0,3}")
_CRC = re.compile(r"[0-9a-f]{8}")


def initial_state() -> AppState:
    """The page a visitor sees first: the default data sets with their points."""
    s = AppState()
    return replace(s, points=make_preset(s.preset, s.n, s.noise, s.seed), points1d=make_preset1d(s.preset1d))


def _encode_triples(points, fmt: struct.Struct) -> str:
    """``<count>.<crc32>.<base64>``: the count and the checksum of the raw bytes come first, so that a
    truncated or damaged link is detected (a truncation cuts the base64, never the checksum)."""
    data = b"".join(fmt.pack(*(round(c / COORD_STEP) for c in p)) for p in points)
    body = base64.urlsafe_b64encode(data).decode("ascii").rstrip("=")
    return f"{len(points)}.{zlib.crc32(data):08x}.{body}"


def _decode_triples(text: str, fmt: struct.Struct, most: int) -> list[tuple[float, ...]]:
    count = crc = None
    if "." in text:  # <count>.<crc32>.<base64>; a link without them (older ones) is plain base64
        parts = text.split(".")
        if len(parts) != 3 or not _COUNT.fullmatch(parts[0]) or not _CRC.fullmatch(parts[1]):
            raise ValueError("the points are damaged (the link was cut or changed)")
        count, crc, text = int(parts[0]), int(parts[1], 16), parts[2]
        if count > most:
            raise ValueError(f"too many points (at most {most})")
    if len(text) > -(-most * fmt.size // 3) * 4:
        raise ValueError(f"too many points (at most {most})")
    if not _B64URL.fullmatch(text) or len(text) % 4 == 1:
        raise ValueError("the points are not valid base64")
    try:
        data = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except (binascii.Error, ValueError):
        raise ValueError("the points are not valid base64") from None
    if len(data) % fmt.size:
        raise ValueError("the points are truncated")
    if count is not None and (len(data) != count * fmt.size or zlib.crc32(data) != crc):
        raise ValueError("the points are damaged (the link was cut or changed)")
    return [tuple(v * COORD_STEP for v in fmt.unpack_from(data, i)) for i in range(0, len(data), fmt.size)]


def encode_points(points) -> str:
    """Points ``(x1, x2, y)`` as URL-safe base64 of little-endian int16 triples in units of ``COORD_STEP``."""
    return _encode_triples(points, _POINT)


def decode_points(text: str) -> list[tuple[float, float, float]]:
    return _decode_triples(text, _POINT, MAX_APP_POINTS)


def encode_points1d(points) -> str:
    """1-D points ``(x, y)`` as URL-safe base64 of little-endian int16 pairs in units of ``COORD_STEP``."""
    return _encode_triples(points, _POINT1D)


def decode_points1d(text: str) -> list[tuple[float, float]]:
    return _decode_triples(text, _POINT1D, MAX_APP_POINTS1D)


def _format(field, value) -> str:
    if field.kind == "points":
        return encode_points(value)
    if field.kind == "points1d":
        return encode_points1d(value)
    if field.kind == "names":
        return ",".join(value)
    if field.kind in ("float", "log"):
        return format(value, ".6g")
    return str(value)


def encode(state: AppState) -> dict[str, str]:
    """The query parameters of the share link: every field, the points included."""
    params = {VERSION_KEY: str(VERSION)}
    for f in FIELDS:
        value = getattr(state, f.name)
        if (f.kind == "names" and not value) or (f.name in ("lesson", "step") and not state.lesson):
            continue  # an empty hide list, and no lesson, need no parameter
        params[f.name] = _format(f, value)
    return params


def _name(text: str) -> str:
    """A name as links may spell it: any case, dashes, underscores or spaces between words."""
    return " ".join(text.lower().replace("-", " ").replace("_", " ").split())


def _parse(field, text: str) -> Any:
    if field.kind == "points":
        return decode_points(text)
    if field.kind == "points1d":
        return decode_points1d(text)
    if len(text) > MAX_PARAM_CHARS:
        raise ValueError(f"{field.name} is too long")
    if field.kind == "names":
        return tuple(t.strip() for t in text.split(",") if t.strip())
    if field.kind == "choice":
        for choice in field.choices:
            if text == str(choice):
                return choice
        wanted = _name(text)  # "Spiral", "regression-surface" and "regression_surface" name choices too
        for choice in field.choices:
            if isinstance(choice, str) and wanted == _name(choice):
                return choice
        raise ValueError(f"{field.name} must be one of {', '.join(map(str, field.choices))}")
    if field.kind == "tab":
        from .tabs import TABS

        return next((key for key in TABS if _name(key) == _name(text)), text)  # "Zonotope" opens zonotope
    if field.kind == "lesson":
        return text
    try:
        return float(text) if field.kind != "int" else int(text, 10)
    except ValueError:
        raise ValueError(f"{field.name} must be a number") from None


def _single(value: Any) -> str:
    if isinstance(value, (list, tuple)):
        value = value[-1] if value else ""
    if not isinstance(value, str):
        raise ValueError("a link parameter is not text")
    return value


def _texts(params: Mapping[str, Any]) -> dict[str, str]:
    """The link's parameters as text, bounded in count and size before any parsing; ``ValueError`` if the
    link as a whole cannot be read (too many or too long parameters, another version)."""
    if len(params) > MAX_PARAMS:
        raise ValueError("the link has too many parameters")
    texts = {}
    total = 0
    for key, value in params.items():
        if not isinstance(key, str):
            raise ValueError("a link parameter name is not text")
        text = _single(value)
        total += len(key) + len(text)
        if total > MAX_LINK_CHARS:
            raise ValueError("the link is too long")
        texts[key] = text
    version = texts.pop(VERSION_KEY, str(VERSION))
    if version != str(VERSION):
        raise ValueError(f"the link is from another version; this page reads version {VERSION}")
    return texts


def _state_of(values: dict[str, Any]) -> AppState:
    """The state of parsed field values: the preset's task unless the link names one, the preset's points
    unless it carries its own."""
    if "task" not in values and "preset" in values and preset_task(values["preset"]) is not None:
        values = {**values, "task": preset_task(values["preset"])}
    state = validated(**values)
    if "points" not in values:
        state = replace(state, points=make_preset(state.preset, state.n, state.noise, state.seed))
    if "points1d" not in values:
        state = replace(state, points1d=make_preset1d(state.preset1d))
    return state


def decode_strict(params: Mapping[str, Any]) -> AppState:
    """The state a link describes; ``ValueError`` with a short reason if it is not a valid link.

    Missing fields take their defaults. Without ``points`` the points come from the preset
    (so ``?preset=empty`` is an empty canvas). Unknown parameters are ignored.
    """
    texts = _texts(params)
    return _state_of({f.name: _parse(f, texts[f.name]) for f in FIELDS if f.name in texts})


def decode_lenient(params: Mapping[str, Any]) -> tuple[AppState, list[str]]:
    """The state of every field of the link that can be read, and the names of those that cannot (they take
    their defaults; the points then come from the preset).  ``ValueError`` only if the whole link is bad."""
    texts = _texts(params)
    good: dict[str, Any] = {}
    bad: list[str] = []
    for f in FIELDS:  # the task comes before the points, whose labels depend on it
        if f.name not in texts:
            continue
        try:
            value = _parse(f, texts[f.name])
            _state_of({**good, f.name: value})  # validated together with what was read so far
        except (ValueError, TypeError, OverflowError, struct.error, UnicodeError):
            bad.append(f.name)
            continue
        good[f.name] = value
    return _state_of(good), bad


def decode(params: Mapping[str, Any]) -> tuple[AppState, str | None]:
    """``(state, None)`` for a valid link; for a link with some unreadable fields, the state of the others and a
    warning naming those fields (never their text); ``(initial_state(), warning)`` for a link that cannot be
    read at all.  Never raises."""
    if not params:
        return initial_state(), None
    try:
        state, bad = decode_lenient(params)
    except (ValueError, TypeError, OverflowError, struct.error, UnicodeError) as exc:
        return initial_state(), f"This link could not be read ({str(exc)[:160]}); showing the default example."
    except Exception:  # noqa: BLE001 - a hostile link must never reach the user as a traceback
        return initial_state(), "This link could not be read; showing the default example."
    if not bad:
        return state, None
    return state, (f"Part of this link could not be read ({', '.join(bad)}): "
                   f"{'those settings show' if len(bad) > 1 else 'that setting shows'} its default value.")
