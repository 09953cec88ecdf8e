"""A class of thirty on one server: start `streamlit run` on 127.0.0.1 and drive N browser sessions at once.

Each session (a headless Chromium context of Debian's /usr/bin/chromium) opens the same share link, as a
class following the teacher does, then makes its edits: clicks that add points, drags, beta changes and
tab switches.  It measures, per edit, the time from the action to the updated certificate; and it checks
that no state leaked between sessions (each session's link must hold exactly its own points).

Prints the errors (page errors, tracebacks, "could not be drawn"), the p50/p90/max latency, the server's
resident memory before, at its peak and after, and whether any state leaked.  Bounded in time
(--max-seconds) and only ever talks to 127.0.0.1.

    make bench-load                                  # 30 sessions, 8 at a time, 10 edits each
    .venv/bin/python bench/classroom_load.py --sessions 10 --concurrency 5 --edits 6
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import logging
import random
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path
from urllib.parse import parse_qs, urlencode, urlsplit

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
logging.getLogger("streamlit").setLevel(logging.ERROR)  # the codec's import outside a server: no warnings

from app.codec import decode, encode, initial_state  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def rss_mb(pid: int) -> float:
    """Resident memory of a process (from /proc), in MiB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


class MemoryWatch(threading.Thread):
    """Samples the server's RSS twice a second; keeps the peak."""

    def __init__(self, pid: int):
        super().__init__(daemon=True)
        self.pid, self.peak, self.stop = pid, 0.0, threading.Event()

    def run(self):
        while not self.stop.is_set():
            try:
                self.peak = max(self.peak, rss_mb(self.pid))
            except OSError:
                return
            time.sleep(0.5)


def link_state(url: str):
    params = {k: v[-1] for k, v in parse_qs(urlsplit(url).query, keep_blank_values=True).items()}
    return decode(params)


async def idle(page, timeout_ms: int = 60_000) -> None:
    await page.wait_for_function(
        "() => !document.querySelector('[data-testid=stStatusWidget] button')"
        " && !document.querySelector('[data-testid=stSpinner]')",
        timeout=timeout_ms,
    )


CLEAR = 2 * 9 / 480
"""How far (a fraction of the canvas) an added point's click keeps from every point: twice the canvas's hit
radius (9 of its 480 pixels, ``HIT`` in app/editor.py), since a click within it selects that point instead."""


def free_spot(rng: random.Random, points) -> tuple[float, float]:
    """A random click position (fractions of the canvas, y down) clear of every point of ``[-1, 1]^2``."""
    while True:
        fx, fy = rng.uniform(0.05, 0.95), rng.uniform(0.05, 0.95)
        if all(((p[0] + 1) / 2 - fx) ** 2 + ((1 - p[1]) / 2 - fy) ** 2 > CLEAR**2 for p in points):
            return fx, fy


async def session(browser, url: str, index: int, edits: int, result: dict, deadline: float) -> None:
    """One student: open the link, make ``edits`` edits, record latencies, errors and the final state."""
    rng = random.Random(index)
    context = await browser.new_context(viewport={"width": 1280, "height": 900})
    page = await context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(f"page error: {e}"))
    latencies: list[tuple[str, float]] = []
    added: list[tuple[float, float]] = []
    try:
        await page.goto(url)
        n = len(initial_state().points)
        await page.get_by_text(f"fitted to {n} points", exact=False).first.wait_for(timeout=120_000)
        await idle(page)
        canvas = page.locator("canvas.cp-canvas")
        for k in range(edits):
            if time.monotonic() > deadline:
                errors.append("stopped at the time limit")
                break
            kind = ("add", "add", "drag", "beta", "tab")[k % 5]
            t0 = time.perf_counter()
            if kind == "add":
                await canvas.scroll_into_view_if_needed()  # a tab click may have scrolled the canvas away
                box = await canvas.bounding_box()
                pts = json.loads(await canvas.get_attribute("data-points"))
                fx, fy = free_spot(rng, pts)
                await page.mouse.click(box["x"] + fx * box["width"], box["y"] + fy * box["height"])
                added.append((round(-1 + 2 * fx, 2), round(1 - 2 * fy, 2)))
                n += 1
                await page.get_by_text(f"fitted to {n} points", exact=False).first.wait_for(timeout=120_000)
            elif kind == "drag":
                await canvas.scroll_into_view_if_needed()
                pts = json.loads(await canvas.get_attribute("data-points"))
                box = await canvas.bounding_box()
                x, y = pts[0][0], pts[0][1]
                px, py = box["x"] + (x + 1) / 2 * box["width"], box["y"] + (1 - y) / 2 * box["height"]
                await page.mouse.move(px, py)
                await page.mouse.down()
                await page.mouse.move(px + 12, py + 9, steps=4)
                await page.mouse.up()
                await page.wait_for_function("() => true")
            elif kind == "beta":
                before = link_state(page.url)[0].beta
                slider = page.get_by_role("slider", name="beta (weight decay, log scale)")
                await slider.focus()
                await page.keyboard.press("ArrowLeft")
                await page.wait_for_url(lambda u: link_state(u)[0].beta != before, timeout=60_000)
            else:
                name = ("Zonotope", "Fit", "Arrangement", "Dual certificate")[k // 5 % 4]
                await page.get_by_role("tab", name=name).first.click()
            await idle(page)
            latencies.append((kind, time.perf_counter() - t0))
            if await page.locator("[data-testid=stException]").count():
                errors.append("a traceback on the page")
            if await page.get_by_text("could not be drawn").count():
                errors.append("a view could not be drawn")
        state, warning = link_state(page.url)
        result[index] = dict(latencies=latencies, errors=errors, added=added, points=list(state.points),
                             warning=warning)
    except Exception as exc:  # noqa: BLE001 - a failed session is a finding, reported with the others
        result[index] = dict(latencies=latencies, errors=errors + [f"{type(exc).__name__}: {str(exc)[:160]}"],
                             added=added, points=None, warning=None)
    finally:
        await context.close()


def leaked(results: dict) -> list[str]:
    """Sessions whose final points hold a point another session added (and not one of their own)."""
    found = []
    for i, r in results.items():
        if r["points"] is None:
            continue
        mine = {(round(p[0], 2), round(p[1], 2)) for p in r["added"]}
        have = {(round(p[0], 2), round(p[1], 2)) for p in r["points"]}
        for j, other in results.items():
            if j == i:
                continue
            foreign = {(round(a, 2), round(b, 2)) for a, b in other["added"]} - mine
            if foreign & have:
                found.append(f"session {i} holds points of session {j}")
    return found


async def drive(url: str, sessions: int, concurrency: int, edits: int, max_seconds: float, pid: int) -> dict:
    from playwright.async_api import async_playwright

    deadline = time.monotonic() + max_seconds
    results: dict = {}
    gate = asyncio.Semaphore(concurrency)
    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)

        async def one(i):
            async with gate:
                if time.monotonic() < deadline:
                    await session(browser, url, i, edits, results, deadline)

        await asyncio.gather(*(one(i) for i in range(sessions)))
        await browser.close()
    return results


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description="Drive a class of browser sessions against one local server.")
    ap.add_argument("--sessions", type=int, default=30)
    ap.add_argument("--concurrency", type=int, default=8)
    ap.add_argument("--edits", type=int, default=10)
    ap.add_argument("--max-seconds", type=float, default=900.0)
    args = ap.parse_args(argv)
    if not Path(CHROMIUM).exists():
        print(f"{CHROMIUM} is missing: apt-get install -y chromium")
        return 2
    port = free_port()
    (ROOT / "artifacts").mkdir(exist_ok=True)
    server_log = open(ROOT / "artifacts" / "classroom-server.log", "w")  # the server's own messages
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", str(ROOT / "app" / "main.py"), "--server.port", str(port),
         "--server.address", "127.0.0.1", "--server.headless", "true", "--browser.gatherUsageStats", "false",
         "--server.fileWatcherType", "none"],
        cwd=ROOT, stdout=server_log, stderr=subprocess.STDOUT,
        env={**os.environ, "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1"},  # as `make run`
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            try:
                urllib.request.urlopen(f"{base}/_stcore/health", timeout=2)
                break
            except OSError:
                time.sleep(0.3)
        rss_before = rss_mb(proc.pid)
        watch = MemoryWatch(proc.pid)
        watch.start()
        url = f"{base}/?{urlencode(encode(initial_state()))}"  # the teacher's link: every student opens it
        t0 = time.perf_counter()
        results = asyncio.run(drive(url, args.sessions, args.concurrency, args.edits, args.max_seconds, proc.pid))
        wall = time.perf_counter() - t0
        time.sleep(5)  # let the server settle
        watch.stop.set()
        rss_after = rss_mb(proc.pid)
    finally:
        proc.terminate()
        proc.wait(timeout=20)
    lat = sorted(t for r in results.values() for _, t in r["latencies"])
    errors = [f"session {i}: {e}" for i, r in sorted(results.items()) for e in r["errors"]]
    leaks = leaked(results)
    print(f"{len(results)} sessions ({args.concurrency} at a time), {len(lat)} edits in {wall:.0f} s")
    if lat:
        q = statistics.quantiles(lat, n=10)
        print(f"latency action -> updated certificate: p50 {statistics.median(lat):.2f} s, p90 {q[8]:.2f} s, "
              f"max {lat[-1]:.2f} s")
        for kind in ("add", "drag", "beta", "tab"):
            ks = sorted(t for r in results.values() for k, t in r["latencies"] if k == kind)
            if ks:
                print(f"  {kind:5s}: n {len(ks):3d}, median {statistics.median(ks):.2f} s, max {ks[-1]:.2f} s")
    print(f"server RSS: before {rss_before:.0f} MiB, peak {watch.peak:.0f} MiB, after {rss_after:.0f} MiB")
    print(f"errors: {len(errors)}" + "".join(f"\n  {e}" for e in errors[:20]))
    print(f"state leaked between sessions: {'yes: ' + '; '.join(leaks[:5]) if leaks else 'no'}")
    return 0 if not errors and not leaks else 1


if __name__ == "__main__":
    sys.exit(main())
