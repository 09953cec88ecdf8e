"""One compiled pass of the rotating-line sweep that evaluates ``phi(v) = max_{||u|| <= 1} |v^T (Z u)_+|``.

The same candidates as :meth:`geometry.dual.PlanarOracle._visit` (docs/math.md section 4), in one loop per
pivot ``p`` instead of numpy passes over ``O(n^2)`` arrays: after each event the cone vector
``c = Z^T D v`` of the stretch is updated by ``+-v_j z_j``; the vertex there scores ``c . u_event``, the edge
``||c - (c . z_p / ||z_p||^2) z_p||`` when that projection falls inside the edge, and the two cells beside
the edge ``+-c / ||c||`` (checked afterwards, largest ``||c||`` first, only while ``||c||`` beats the bar).
Every candidate's value is the function at a unit vector, so the maximum is exactly ``phi``.

A cell candidate is evaluated (``O(n)``) only if it lies on its cell's side of the lines of the pivot and of
the points of the ``NEAR`` nearest events on each side of the edge (their states on the edge are known from
the sweep).  A candidate outside its own cell is never the maximizer (that one lies inside its cell, where
its value is ``||c_D||``), so skipping it keeps ``phi`` exact; it only leaves the pool of other peaks.

Compiled with numba when it is installed (``cache=True`` where the cache folder is writable); without numba
:data:`AVAILABLE` is False and the oracle keeps its numpy pass.
"""

from __future__ import annotations

import numpy as np

try:  # pragma: no cover - depends on the environment
    import numba
except ImportError:  # pragma: no cover
    numba = None

AVAILABLE = numba is not None
"""Whether numba is installed; :func:`ready` says whether the pass also compiled."""

_state: dict = {}


def _jit(f):
    """``f`` for numba: compiled lazily on the first call, cached on disk where numba can write its cache."""
    if numba is None:  # pragma: no cover
        return f
    try:
        return numba.njit(cache=True, nogil=True)(f)
    except Exception:  # pragma: no cover - no cache locator at all
        return numba.njit(nogil=True)(f)


NEAR = 6
"""Points of this many events on each side of an edge are checked before a cell candidate is evaluated."""


@_jit
def _pool_add(val, ux, uy, uz, sgn, pv, pu, ps, st):
    """Offer one candidate to the pool; ``st = [count, kth, threshold, cap]`` (floats)."""
    if val < st[2] or val < st[1]:
        return
    cnt = int(st[0])
    pv[cnt] = val
    pu[cnt, 0] = ux
    pu[cnt, 1] = uy
    pu[cnt, 2] = uz
    ps[cnt] = sgn
    cnt += 1
    cap = int(st[3])
    if cnt >= pv.size:  # keep the best cap, raise the bar to the cap-th value
        order = np.argsort(-pv[:cnt])[:cap]
        pv[:cap] = pv[order].copy()
        pu[:cap] = pu[order].copy()
        ps[:cap] = ps[order].copy()
        cnt = cap
        st[1] = pv[cap - 1]
    st[0] = cnt


@_jit
def _cell_add(cc, cn, ncell, x, y, z, nrm):
    """Append the cell candidate ``c = (x, y, z)`` with ``||c|| = nrm`` (doubling the buffers when full);
    returns the buffers and the new count."""
    if ncell == cn.size:
        cc2 = np.empty((2 * cn.size, 3))
        cn2 = np.empty(2 * cn.size)
        cc2[:ncell] = cc
        cn2[:ncell] = cn
        cc = cc2
        cn = cn2
    cc[ncell, 0] = x
    cc[ncell, 1] = y
    cc[ncell, 2] = z
    cn[ncell] = nrm
    return cc, cn, ncell + 1


@_jit
def sweep_pass(v, Zu, others, act0, ev_idx, ev_sign, edge, u_x, u_y, u_z, threshold, collect, lazy, keep):
    """``phi`` candidates for the aggregated dual weights ``v`` of the distinct points (lifted ``Zu``).

    Per pivot ``p`` (row): ``others`` the other points, ``act0`` whether each is active before the first
    event, and per event ``ev_idx`` the point passed, ``ev_sign`` +1 if it becomes active, ``edge`` whether
    a real edge follows, ``u_x, u_y, u_z`` the unit neuron (the vertex) at the event.  Returns
    ``(best, pool_values, pool_neurons, pool_signs)`` with ``best = [value, ux, uy, uz, sign]``; the pool
    holds candidates at or above ``threshold`` when ``collect`` (about ``32 keep`` of the best of them)."""
    m = Zu.shape[0]
    two_r = ev_idx.shape[1]
    best = np.empty(5)
    best[0] = -np.inf
    best[1] = 0.0
    best[2] = 0.0
    best[3] = 1.0
    best[4] = 1.0
    cap = 32 * max(keep, 1)
    pv = np.empty(2 * cap)
    pu = np.empty((2 * cap, 3))
    ps = np.empty(2 * cap, np.int8)
    st = np.array([0.0, -np.inf, threshold if collect else np.inf, float(cap)])
    # cell candidates (c, ||c||), checked after every vertex and edge
    cc = np.empty((1024, 3))
    cn = np.empty(1024)
    ncell = 0
    cx_ev = np.empty(two_r)
    cy_ev = np.empty(two_r)
    cz_ev = np.empty(two_r)
    for phase in range(2):
        for p in range(m):
            px = Zu[p, 0]
            py = Zu[p, 1]
            zz = px * px + py * py + 1.0
            izz = 1.0 / zz
            c0x = 0.0
            c0y = 0.0
            c0z = 0.0
            for k in range(others.shape[1]):
                if act0[p, k]:
                    j = others[p, k]
                    c0x += v[j] * Zu[j, 0]
                    c0y += v[j] * Zu[j, 1]
                    c0z += v[j]
            for e in range(two_r):
                j = ev_idx[p, e]
                s = ev_sign[p, e] * v[j]
                c0x += s * Zu[j, 0]
                c0y += s * Zu[j, 1]
                c0z += s
                cx_ev[e] = c0x
                cy_ev[e] = c0y
                cz_ev[e] = c0z
            if phase == 0:
                for e in range(two_r):
                    cx = cx_ev[e]
                    cy = cy_ev[e]
                    cz = cz_ev[e]
                    # the vertex at the event: the unit neuron u = (w, -w . p) / ||.||
                    ux = u_x[p, e]
                    uy = u_y[p, e]
                    uz = u_z[p, e]
                    val = cx * ux + cy * uy + cz * uz
                    sv = abs(val)
                    sg = 1.0 if val >= 0.0 else -1.0
                    if sv > best[0]:
                        best[0] = sv
                        best[1] = ux
                        best[2] = uy
                        best[3] = uz
                        best[4] = sg
                    if collect:
                        if sv >= st[2] and sv >= st[1]:
                            _pool_add(sv, ux, uy, uz, sg, pv, pu, ps, st)
                        if -sv >= st[2] and -sv >= st[1]:
                            _pool_add(-sv, ux, uy, uz, -sg, pv, pu, ps, st)
                    if not edge[p, e]:
                        continue
                    # the edge after the event: c projected on the plane z_p . u = 0; its value R matters
                    # only above the running maximum (or above the pool's bar when collecting)
                    dot = (cx * px + cy * py + cz) * izz
                    qx = cx - dot * px
                    qy = cy - dot * py
                    qz = cz - dot
                    R2 = qx * qx + qy * qy + qz * qz
                    lim = best[0]
                    if collect:
                        lim = min(lim, max(st[2], st[1]))
                    if lim > 0.0 and R2 < lim * lim:
                        continue
                    R = np.sqrt(R2)
                    if R > 0.0:
                        en = e + 1 if e + 1 < two_r else 0
                        # (u_x, u_y) is the line normal w scaled by a positive number: the same signs
                        cs = ux * qy - uy * qx
                        ce = qx * u_y[p, en] - qy * u_x[p, en]
                        sg = 0.0
                        if cs > 0.0 and ce > 0.0:
                            sg = 1.0
                        elif cs < 0.0 and ce < 0.0:
                            sg = -1.0
                        if sg != 0.0:
                            if R > best[0]:
                                best[0] = R
                                best[1] = sg * qx / R
                                best[2] = sg * qy / R
                                best[3] = sg * qz / R
                                best[4] = sg
                            if collect and R >= st[2] and R >= st[1]:
                                _pool_add(R, sg * qx / R, sg * qy / R, sg * qz / R, sg, pv, pu, ps, st)
            else:
                # the cells on both sides of each edge: +-c/||c||, when they pass cheap necessary tests
                vp = v[p]
                bar = bar_of(best, st, collect)
                bar2 = bar * bar if bar > 0.0 else -1.0
                for e in range(two_r):
                    if not edge[p, e]:
                        continue
                    en = e + 1 if e + 1 < two_r else 0
                    j1 = ev_idx[p, e]
                    j2 = ev_idx[p, en]
                    s1 = float(ev_sign[p, e])
                    s2 = -float(ev_sign[p, en])
                    for side in (-1.0, 1.0):
                        cx = cx_ev[e]
                        cy = cy_ev[e]
                        cz = cz_ev[e]
                        if side > 0:
                            cx += vp * px
                            cy += vp * py
                            cz += vp
                        nrm2 = cx * cx + cy * cy + cz * cz
                        if not nrm2 > bar2:
                            continue
                        nrm = np.sqrt(nrm2)
                        sp = side * (cx * px + cy * py + cz)
                        t1 = s1 * (cx * Zu[j1, 0] + cy * Zu[j1, 1] + cz)
                        t2 = s2 * (cx * Zu[j2, 0] + cy * Zu[j2, 1] + cz)
                        for sg in (1.0, -1.0):
                            if sg * sp > 0 and sg * t1 >= 0 and sg * t2 >= 0:
                                # more necessary tests: the points of the nearest events before and after
                                # the edge keep their state on it (each point has one event per half-turn)
                                ok = True
                                for t in range(1, min(NEAR, (two_r // 2) - 1) + 1):
                                    ja = ev_idx[p, (e - t) % two_r]
                                    sa = float(ev_sign[p, (e - t) % two_r])
                                    if sg * sa * (cx * Zu[ja, 0] + cy * Zu[ja, 1] + cz) < 0:
                                        ok = False
                                        break
                                    jb = ev_idx[p, (e + 1 + t) % two_r]
                                    sb = -float(ev_sign[p, (e + 1 + t) % two_r])
                                    if sg * sb * (cx * Zu[jb, 0] + cy * Zu[jb, 1] + cz) < 0:
                                        ok = False
                                        break
                                if not ok:
                                    continue
                                cc, cn, ncell = _cell_add(cc, cn, ncell, sg * cx, sg * cy, sg * cz, nrm)
        if phase == 0 and lazy and collect and best[0] > threshold:
            return best, pv[: int(st[0])].copy(), pu[: int(st[0])].copy(), ps[: int(st[0])].copy()
    # the all-on cell (the all-off one has c = 0)
    ax = 0.0
    ay = 0.0
    az = 0.0
    for i in range(m):
        ax += v[i] * Zu[i, 0]
        ay += v[i] * Zu[i, 1]
        az += v[i]
    an = np.sqrt(ax * ax + ay * ay + az * az)
    for sg in (1.0, -1.0):
        cc, cn, ncell = _cell_add(cc, cn, ncell, sg * ax, sg * ay, sg * az, an)
    order = np.argsort(-cn[:ncell])
    for t in order:
        nrm = cn[t]
        if not nrm > 0.0 or not nrm > bar_of(best, st, collect):
            break
        ux = cc[t, 0] / nrm
        uy = cc[t, 1] / nrm
        uz = cc[t, 2] / nrm
        val = 0.0
        for i in range(m):
            a = Zu[i, 0] * ux + Zu[i, 1] * uy + uz
            if a > 0.0:
                val += v[i] * a
        sg = 1.0
        if val < 0.0:
            sg = -1.0
            val = -val
        if val > best[0]:
            best[0] = val
            best[1] = ux
            best[2] = uy
            best[3] = uz
            best[4] = sg
        if collect and val >= st[2] and val >= st[1]:
            _pool_add(val, ux, uy, uz, sg, pv, pu, ps, st)
    cnt = int(st[0])
    return best, pv[:cnt].copy(), pu[:cnt].copy(), ps[:cnt].copy()


@_jit
def bar_of(best, st, collect):
    """Candidates whose value cannot exceed this are irrelevant (``_Best.bar`` of :mod:`geometry.dual`)."""
    if not collect:
        return best[0]
    return max(min(st[2], best[0]), st[1])


@_jit
def separated_peaks(values, neurons, signs, keep, separation):
    """Indices of the greedy choice of :func:`geometry.dual.select_peaks`: the best remaining candidate, then
    drop the candidates of its sign within ``separation`` of it (``||u_j - u_i||^2`` from inner products), up
    to ``max(1, keep)`` picks; ties go to the earlier candidate (a stable sort)."""
    m = values.size
    k = neurons.shape[1]
    order = np.argsort(-values, kind="mergesort")
    sq = np.empty(m)
    for a in range(m):
        t = 0.0
        for c in range(k):
            t += neurons[a, c] * neurons[a, c]
        sq[a] = t
    sep2 = separation * separation
    alive = np.ones(m, np.bool_)
    picked = np.empty(min(max(keep, 1), m), np.int64)
    cnt = 0
    for ii in range(m):
        i = order[ii]
        if not alive[i]:
            continue
        picked[cnt] = i
        cnt += 1
        if cnt >= picked.size:
            break
        for jj in range(ii + 1, m):
            j = order[jj]
            if alive[j] and signs[j] == signs[i]:
                dot = 0.0
                for c in range(k):
                    dot += neurons[j, c] * neurons[i, c]
                if sq[j] + sq[i] - 2.0 * dot <= sep2:
                    alive[j] = False
    return picked[:cnt]


def ready() -> bool:
    """Compile the pass (or load it from numba's cache) on a tiny input, once per process: True when it runs.

    When the cache cannot be written the functions are compiled again without it; when numba cannot
    compile at all, the oracle keeps its numpy pass.  The first compilation takes a few seconds; later
    processes load it from the cache in well under a second."""
    global sweep_pass, _pool_add, bar_of, separated_peaks
    if "ok" in _state:
        return _state["ok"]
    ok = False
    if numba is not None:
        for attempt in range(2):
            try:
                _smoke()
                ok = True
                break
            except Exception:  # pragma: no cover - e.g. an unwritable cache: compile without it
                if attempt == 0:
                    _pool_add = numba.njit(nogil=True)(_pool_add.py_func)
                    bar_of = numba.njit(nogil=True)(bar_of.py_func)
                    sweep_pass = numba.njit(nogil=True)(sweep_pass.py_func)
                    separated_peaks = numba.njit(nogil=True)(separated_peaks.py_func)
    _state["ok"] = ok
    return ok


def _smoke() -> None:
    """Run the pass on three points (with and without collecting a pool) and check it against its value."""
    Zu = np.array([[0.0, 0.0, 1.0], [1.0, 0.0, 1.0], [0.0, 1.0, 1.0]])
    others = np.array([[1, 2], [0, 2], [0, 1]], np.int32)
    act0 = np.zeros((3, 2), np.bool_)
    ev = np.array([[1, 2, 1, 2], [0, 2, 0, 2], [0, 1, 0, 1]], np.int32)
    sign = np.array([[1, 1, -1, -1]] * 3, np.int8)
    edge = np.ones((3, 4), np.bool_)
    u = np.full((3, 4), 0.5)
    v = np.array([1.0, -2.0, 0.5])
    for collect in (False, True):
        best = sweep_pass(v, Zu, others, act0, ev, sign, edge, u, u, u, 0.1, collect, collect, 4)[0]
        if not np.isfinite(best[0]):
            raise RuntimeError("the compiled sweep pass returned no candidate")
    if list(separated_peaks(np.array([0.5, 1.0, 0.9]), Zu, np.array([1, 1, -1]), 2, 0.1)) != [1, 2]:
        raise RuntimeError("the compiled peak selection is wrong")
