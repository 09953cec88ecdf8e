"""The share link codec: exact round trips, and no input ever escapes the decoder as an exception."""

import base64
import struct
from dataclasses import replace

from hypothesis import given
from hypothesis import strategies as st

from app.codec import MAX_LINK_CHARS, decode, decode_points, decode_strict, encode, encode_points, initial_state
from app.presets import make_preset
from app.state import BETA_GRID, MAX_APP_POINTS, MODELS, PRESETS, TASKS, AppState, validated

coords = st.integers(-1000, 1000).map(lambda i: i / 1000)
classes = st.sampled_from([1.0, -1.0])
targets = st.integers(-10000, 10000).map(lambda i: i / 1000)


@st.composite
def states(draw):
    task = draw(st.sampled_from(TASKS))
    ys = classes if task == "classification" else targets
    pts = draw(st.lists(st.tuples(coords, coords, ys), max_size=MAX_APP_POINTS))
    return validated(
        preset=draw(st.sampled_from(PRESETS)),
        n=draw(st.integers(1, MAX_APP_POINTS)),
        noise=draw(st.integers(0, 1000)) / 1000,
        seed=draw(st.integers(0, 2**31 - 1)),
        task=task,
        beta=draw(st.sampled_from(BETA_GRID)),
        model=draw(st.sampled_from(MODELS)),
        k=draw(st.integers(1, 2000)),
        label=draw(st.sampled_from([1, -1])),
        target=draw(targets),
        tab=draw(st.sampled_from(["fit", "compare", "zonotope", "dual-certificate"])),
        hide=draw(st.lists(st.sampled_from(["beta", "model", "csv", "preset"]), max_size=3)),
        points=pts,
    )


@given(states())
def test_round_trip_is_exact(state):
    params = encode(state)
    assert all(isinstance(k, str) and isinstance(v, str) for k, v in params.items())
    assert decode(params) == (state, None)
    assert sum(len(k) + len(v) for k, v in params.items()) <= MAX_LINK_CHARS


def test_default_link_restores_the_default_example():
    state, warning = decode({})
    assert warning is None
    assert state == initial_state()
    assert len(state.points) == AppState().n > 0


def test_preset_link_loads_the_preset():
    state, warning = decode({"preset": "moons", "n": "12", "seed": "3"})
    assert warning is None
    assert state.points == make_preset("moons", 12, state.noise, 3)
    empty, warning = decode({"preset": "empty"})
    assert warning is None and empty.points == () and empty.preset == "empty"
    reg, _ = decode({"preset": "regression surface"})
    assert reg.task == "regression"
    assert decode({"preset": "regression-surface"}) == decode({"preset": "regression_surface"}) == (reg, None)


def test_teacher_mode_link():
    state, warning = decode({"preset": "xor", "hide": "beta,model"})
    assert warning is None and state.hidden("beta") and state.hidden("model") and not state.hidden("task")


def test_points_encoding_is_six_bytes_a_point_after_a_count_and_a_checksum():
    import zlib

    pts = ((0.5, -0.25, 1.0), (-1.0, 1.0, -1.0))
    count, crc, body = encode_points(pts).split(".")
    raw = base64.urlsafe_b64decode(body + "=" * (-len(body) % 4))
    assert count == "2" and len(raw) == 12 and struct.unpack("<6h", raw) == (500, -250, 1000, -1000, 1000, -1000)
    assert int(crc, 16) == zlib.crc32(raw)
    assert decode_points(encode_points(pts)) == [(0.5, -0.25, 1.0), (-1.0, 1.0, -1.0)]


def test_links_without_the_checksum_still_open():
    pts = ((0.5, -0.25, 1.0), (-1.0, 1.0, -1.0))
    plain = base64.urlsafe_b64encode(struct.pack("<6h", 500, -250, 1000, -1000, 1000, -1000)).decode().rstrip("=")
    state, warning = decode({"points": plain})
    assert warning is None and state.points == pts


def test_every_truncation_and_every_changed_character_of_the_points_is_detected():
    state = validated(points=tuple((i / 40, -i / 50, 1.0 if i % 2 else -1.0) for i in range(12)))
    link = encode(state)
    text = link["points"]
    for cut in range(1, len(text)):  # (an empty field is an empty canvas, as links have always said)
        got, warning = decode({**link, "points": text[:cut]})
        assert got.points != state.points and warning and "(points)" in warning, cut
    rng = __import__("random").Random(0)
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_."
    for _ in range(300):
        i = rng.randrange(len(text))
        c = rng.choice(alphabet.replace(text[i], ""))
        got, warning = decode({**link, "points": text[:i] + c + text[i + 1:]})
        assert warning and "(points)" in warning and got.points != state.points, (i, c)


def _bad(params):
    """A link whose bad fields all have the initial state's values as defaults: it shows the initial state."""
    state, warning = decode(params)
    assert state == initial_state()
    assert warning and "default" in warning and len(warning) < 300
    return warning


def test_malformed_links_warn_and_show_the_default():
    good = encode(initial_state())
    assert "(points)" in _bad({**good, "points": good["points"][:-3]})  # truncated
    _bad({**good, "points": "!!!not base64!!!"})
    assert "(beta)" in _bad({**good, "beta": "1e309"})
    _bad({**good, "beta": "__import__('os').system('true')"})
    assert "(task)" in _bad({**good, "task": "clustering"})
    assert "default example" in _bad({**good, "v": "999"})
    _bad({**good, "n": "3.5"})
    assert "version" in _bad({"v": "2"})


def test_one_bad_field_keeps_the_rest_of_the_link():
    state = validated(points=((0.5, 0.5, 1.0), (-0.5, 0.2, -1.0)), beta=0.2, model="gated", tab="zonotope")
    link = encode(state)
    for key, text in (("preset", "Spiralz"), ("hide", "tabs"), ("model", "adam"), ("tab", "nowhere"), ("k", "-3")):
        got, warning = decode({**link, key: text})
        assert got == replace(state, **{key: getattr(AppState(), key)}), key
        assert warning and f"({key})" in warning and text not in warning  # named, never echoed


def test_a_hostile_hide_value_is_not_echoed():
    for text in ("[Session expired - log in again](https://evil.example/login)", "![x](https://evil.example/p.png)"):
        state, warning = decode({"hide": text})
        assert state == initial_state()
        assert "evil" not in warning and "](" not in warning and "(hide)" in warning


def test_an_old_link_with_the_retired_view_field_opens_the_same_picture():
    state = validated(points=((0.5, 0.5, 1.0), (-0.5, 0.2, -1.0)), beta=0.2, tab="dual-certificate")
    assert decode({**encode(state), "view": "zonotope"}) == (state, None)
    point_outside = base64.urlsafe_b64encode(struct.pack("<3h", 5000, 0, 1000)).decode()
    _bad({"points": point_outside})


def test_oversized_links_are_refused_before_decoding():
    assert "too" in _bad({"points": "A" * (10 * MAX_LINK_CHARS)})
    assert "too" in _bad({f"x{i}": "1" for i in range(1000)})
    assert "too" in _bad({"view": "a" * 100000})
    too_many = encode_points([(0.0, 0.0, 1.0)] * (MAX_APP_POINTS + 1))
    _bad({"points": too_many})


def test_pickle_payload_is_just_bad_base64_data():
    import pickle

    payload = base64.urlsafe_b64encode(pickle.dumps(AppState())).decode()
    _bad({"points": payload})


@given(st.dictionaries(st.text(max_size=20), st.text(max_size=200), max_size=20))
def test_random_strings_never_raise(params):
    state, warning = decode(params)
    assert isinstance(state, AppState)
    assert warning is None or isinstance(warning, str)


@given(st.binary(max_size=3000))
def test_random_bytes_as_points_never_raise(blob):
    text = base64.urlsafe_b64encode(blob).decode().rstrip("=")
    state, warning = decode({"points": text})
    assert isinstance(state, AppState)
    if warning is None:
        assert len(state.points) == len(blob) // 6 and len(blob) % 6 == 0


@given(st.dictionaries(st.sampled_from(["v", "beta", "points", "n", "hide", "task", "label"]),
                       st.one_of(st.text(max_size=50), st.lists(st.text(max_size=10), max_size=3),
                                 st.integers(), st.none(), st.binary(max_size=20))))
def test_odd_value_types_never_raise(params):
    state, _ = decode(params)
    assert isinstance(state, AppState)


def test_strict_decoder_names_the_problem():
    import pytest

    with pytest.raises(ValueError, match="beta"):
        decode_strict({"beta": "abc"})


def test_points_outside_the_base64_alphabet_are_refused():
    for text in ("@@@", "AAAA AAAA", "AAAA+/AA", "AAAAA"):
        _bad({"points": text})


def test_names_in_links_are_read_in_any_case():
    assert decode({"preset": "Spiral"})[0].preset == "spiral"
    assert decode({"preset": "Regression-Surface"})[0].preset == "regression surface"
    assert decode({"tab": "Zonotope"})[0].tab == "zonotope" and decode({"tab": "DUAL_certificate"})[0].tab == "dual-certificate"
    assert decode({"model": "GATED"})[0].model == "gated"
