"""The classroom bench's clicks: an added point must never land within the canvas's hit radius of a point
(a click there selects that point instead of adding one, and the bench would wait for a point that never comes)."""

import importlib.util
import random
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def load_bench():
    spec = importlib.util.spec_from_file_location("classroom_load", ROOT / "bench" / "classroom_load.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def nearest_pixels(points, fx, fy) -> float:
    """The editor's own distance (pixels of its 480-pixel canvas, y down) from a click to the nearest point."""
    return min(((x + 1) / 2 * 480 - fx * 480) ** 2 + ((1 - y) / 2 * 480 - fy * 480) ** 2 for x, y, *_ in points) ** 0.5


def test_clicks_keep_clear_of_every_point_by_more_than_the_canvas_hit_radius():
    bench = load_bench()
    hit = int(re.search(r"const HIT = (\d+)", (ROOT / "app" / "editor.py").read_text()).group(1))
    rng = random.Random(0)
    points = [(rng.uniform(-1, 1), rng.uniform(-1, 1)) for _ in range(150)]
    for seed in range(200):
        fx, fy = bench.free_spot(random.Random(seed), points)
        assert 0.05 <= fx <= 0.95 and 0.05 <= fy <= 0.95
        assert nearest_pixels(points, fx, fy) > hit
    # the session that stalled: its first click fell 5.4 px from a point of the teacher's link
    first = random.Random(8)
    fx, fy = first.uniform(0.05, 0.95), first.uniform(0.05, 0.95)
    start = list(bench.initial_state().points)
    assert nearest_pixels(start, fx, fy) <= hit
    gx, gy = bench.free_spot(random.Random(8), start)
    assert nearest_pixels(start, gx, gy) > hit
