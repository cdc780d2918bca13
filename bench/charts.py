#!/usr/bin/env python3
"""SVG charts from a bench/load.sh result file, with the Python standard library only.

  bench/charts.py bench/results/load-<timestamp>.json [OUT_DIR] [--log | --linear]

Writes OUT_DIR/load-throughput.svg (requests per second against concurrency, one line per target) and
OUT_DIR/load-latency.svg (p50, p99 and p99.9 per target, grouped by concurrency; log scale when the values span
more than a factor of 20, unless --log or --linear says otherwise). OUT_DIR defaults to docs/perf.
"""
import json
import math
import os
import sys
from xml.sax.saxutils import escape

FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, Helvetica, Arial, sans-serif"
TARGETS = [("direct", "direct (1 worker)", "#6b7280"),
           ("haproxy", "HAProxy", "#2563eb"),
           ("switchboard", "Switchboard", "#ea580c")]
PERCENTILES = [("p50_ms", "p50", 0.40), ("p99_ms", "p99", 0.70), ("p999_ms", "p99.9", 1.0)]
WIDTH, HEIGHT = 960, 540
MARGIN = {"left": 90, "right": 30, "top": 92, "bottom": 92}
GRID, AXIS, INK, MUTED = "#e5e7eb", "#9ca3af", "#111827", "#4b5563"


class Svg:
    def __init__(self, width, height):
        self.width, self.height, self.parts = width, height, []

    def add(self, element):
        self.parts.append(element)

    def text(self, x, y, content, size=12, anchor="start", color=INK, weight="normal", rotate=None):
        transform = f' transform="rotate({rotate} {x:.1f} {y:.1f})"' if rotate is not None else ""
        self.add(f'<text x="{x:.1f}" y="{y:.1f}" font-size="{size}" text-anchor="{anchor}" fill="{color}" '
                 f'font-weight="{weight}"{transform}>{escape(str(content))}</text>')

    def line(self, x1, y1, x2, y2, color=AXIS, width=1, dash=None):
        dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
        self.add(f'<line x1="{x1:.1f}" y1="{y1:.1f}" x2="{x2:.1f}" y2="{y2:.1f}" stroke="{color}" '
                 f'stroke-width="{width}"{dash_attr}/>')

    def rect(self, x, y, w, h, color, opacity=1.0, title=None):
        tip = f"<title>{escape(title)}</title>" if title else ""
        self.add(f'<rect x="{x:.1f}" y="{y:.1f}" width="{max(w, 0):.1f}" height="{max(h, 0):.1f}" fill="{color}" '
                 f'fill-opacity="{opacity}">{tip}</rect>')

    def render(self):
        return (f'<svg xmlns="http://www.w3.org/2000/svg" width="{self.width}" height="{self.height}" '
                f'viewBox="0 0 {self.width} {self.height}" font-family="{FONT}">\n'
                f'<rect width="100%" height="100%" fill="#ffffff"/>\n' + "\n".join(self.parts) + "\n</svg>\n")


def nice_step(span, ticks=6):
    raw = span / ticks
    magnitude = 10 ** math.floor(math.log10(raw))
    for m in (1, 2, 2.5, 5, 10):
        if raw <= m * magnitude:
            return m * magnitude
    return 10 * magnitude


def linear_ticks(top):
    if top <= 0:
        return [0, 1], 1
    step = nice_step(top)
    upper = math.ceil(top / step) * step
    count = int(round(upper / step))
    return [i * step for i in range(count + 1)], upper


def log_ticks(low, high):
    """Ticks at 1, 2, 5 x 10^k covering [low, high]."""
    first, last = math.floor(math.log10(low)), math.ceil(math.log10(high))
    ticks = [m * 10 ** k for k in range(first, last + 1) for m in (1, 2, 5)]
    lo = max(t for t in ticks if t <= low)
    hi = min(t for t in ticks if t >= high)
    return [t for t in ticks if lo <= t <= hi], lo, hi


def fmt_number(v):
    if v >= 1000:
        return f"{v / 1000:g}k" if v % 1000 == 0 or v >= 10000 else f"{v:,.0f}"
    return f"{v:g}"


def fmt_ms(v):
    if v >= 100:
        return f"{v:.0f}"
    if v >= 10:
        return f"{v:.1f}"
    return f"{v:.2f}"


def header(svg, title, doc):
    machine = doc.get("machine", {})
    settings = doc.get("settings", {})
    svg.text(MARGIN["left"], 34, title, size=20, weight="600")
    sub = (f"{doc.get('date', '')}  ·  {machine.get('nproc', '?')} cores, {machine.get('cpu', '?')}, "
           f"{machine.get('memory', '?')}  ·  wrk POST ~{settings.get('body_bytes', '?')} B, "
           f"{settings.get('warmup', '?')} warmup + {settings.get('duration', '?')} measured, "
           f"{settings.get('workers', '?')} nginx workers")
    svg.text(MARGIN["left"], 56, sub, size=12, color=MUTED)


def present_targets(results):
    names = {r["target"] for r in results}
    return [t for t in TARGETS if t[0] in names]


def throughput_chart(doc):
    results = doc["results"]
    svg = Svg(WIDTH, HEIGHT)
    header(svg, "Throughput vs concurrency (requests per second, higher is better)", doc)
    left, right = MARGIN["left"], WIDTH - MARGIN["right"] - 170
    top, bottom = MARGIN["top"], HEIGHT - MARGIN["bottom"]
    levels = sorted({r["concurrency"] for r in results})
    # concurrency levels usually grow geometrically, so they are spaced evenly (a log axis) and labelled exactly
    if len(levels) == 1:
        xs = {levels[0]: (left + right) / 2}
    else:
        pad = 40
        xs = {c: left + pad + i * (right - left - 2 * pad) / (len(levels) - 1) for i, c in enumerate(levels)}
    ticks, upper = linear_ticks(max(r["rps"] for r in results) * 1.08)

    def y(v):
        return bottom - (v / upper) * (bottom - top)

    for t in ticks:
        svg.line(left, y(t), right, y(t), color=GRID)
        svg.text(left - 10, y(t) + 4, fmt_number(t), size=12, anchor="end", color=MUTED)
    svg.line(left, bottom, right, bottom, color=AXIS)
    svg.line(left, top, left, bottom, color=AXIS)
    for c in levels:
        svg.line(xs[c], bottom, xs[c], bottom + 5, color=AXIS)
        svg.text(xs[c], bottom + 22, str(c), size=12, anchor="middle", color=MUTED)
    svg.text((left + right) / 2, bottom + 50, "concurrent connections (wrk -c)", size=13, anchor="middle")
    svg.text(24, (top + bottom) / 2, "requests per second", size=13, anchor="middle", rotate=-90)

    for name, label, color in present_targets(results):
        points = sorted((r["concurrency"], r["rps"], r["errors_total"]) for r in results if r["target"] == name)
        path = " ".join(f"{'M' if i == 0 else 'L'}{xs[c]:.1f},{y(v):.1f}" for i, (c, v, _) in enumerate(points))
        svg.add(f'<path d="{path}" fill="none" stroke="{color}" stroke-width="2.5" stroke-linejoin="round"/>')
        for c, v, errors in points:
            tip = f"{label}, {c} connections: {v:,.0f} req/s, {errors} errors"
            svg.add(f'<circle cx="{xs[c]:.1f}" cy="{y(v):.1f}" r="4.5" fill="#ffffff" stroke="{color}" '
                    f'stroke-width="2.5"><title>{escape(tip)}</title></circle>')
            svg.text(xs[c] + 8, y(v) - 9, f"{v:,.0f}" + (f" ({errors} err)" if errors else ""), size=11,
                     color=color)

    lx, ly = right + 24, top + 8
    svg.text(lx, ly, "target", size=12, color=MUTED, weight="600")
    for i, (_, label, color) in enumerate(present_targets(results)):
        yy = ly + 24 + i * 24
        svg.line(lx, yy - 4, lx + 26, yy - 4, color=color, width=3)
        svg.text(lx + 34, yy, label, size=13)
    return svg.render()


def latency_chart(doc, scale):
    results = doc["results"]
    svg = Svg(WIDTH, HEIGHT)
    targets = present_targets(results)
    levels = sorted({r["concurrency"] for r in results})
    values = [r[key] for r in results for key, _, _ in PERCENTILES if r[key] > 0]
    low, high = (min(values), max(values)) if values else (0.1, 1)
    use_log = scale == "log" or (scale == "auto" and high / low > 20)
    header(svg, "Latency percentiles by concurrency (ms, lower is better" + (", log scale)" if use_log else ")"),
           doc)
    left, right = MARGIN["left"], WIDTH - MARGIN["right"] - 170
    top, bottom = MARGIN["top"], HEIGHT - MARGIN["bottom"]

    if use_log:
        ticks, lo, hi = log_ticks(low, high * 1.5)

        def y(v):
            v = max(v, lo)
            return bottom - (math.log10(v) - math.log10(lo)) / (math.log10(hi) - math.log10(lo)) * (bottom - top)
    else:
        ticks, hi = linear_ticks(high * 1.12)

        def y(v):
            return bottom - (v / hi) * (bottom - top)

    for t in ticks:
        svg.line(left, y(t), right, y(t), color=GRID)
        svg.text(left - 10, y(t) + 4, fmt_number(t), size=12, anchor="end", color=MUTED)
    svg.line(left, bottom, right, bottom, color=AXIS)
    svg.line(left, top, left, bottom, color=AXIS)
    svg.text(24, (top + bottom) / 2, "latency (ms)", size=13, anchor="middle", rotate=-90)

    group_w = (right - left) / max(len(levels), 1)
    cluster_w = group_w * 0.84 / max(len(targets), 1)
    bar_w = cluster_w * 0.78 / len(PERCENTILES)
    by = {(r["target"], r["concurrency"]): r for r in results}
    for g, c in enumerate(levels):
        gx = left + g * group_w + group_w * 0.08
        if g:
            svg.line(left + g * group_w, top, left + g * group_w, bottom, color=GRID, dash="4 4")
        svg.text(left + g * group_w + group_w / 2, bottom + 44, f"{c} connections", size=13, anchor="middle",
                 weight="600")
        for k, (name, label, color) in enumerate(targets):
            cx = gx + k * cluster_w + cluster_w * 0.11
            svg.text(cx + bar_w * len(PERCENTILES) / 2, bottom + 20, label.split(" ")[0], size=11,
                     anchor="middle", color=MUTED)
            r = by.get((name, c))
            if not r:
                continue
            for j, (key, pname, opacity) in enumerate(PERCENTILES):
                v = r[key]
                x = cx + j * bar_w
                svg.rect(x + 1, y(v), bar_w - 2, bottom - y(v), color, opacity,
                         title=f"{label}, {c} connections, {pname}: {fmt_ms(v)} ms")
                svg.text(x + bar_w / 2 + 3.5, y(v) - 4, fmt_ms(v), size=9, color=MUTED, rotate=-90)

    lx, ly = right + 24, top + 8
    svg.text(lx, ly, "target", size=12, color=MUTED, weight="600")
    for i, (_, label, color) in enumerate(targets):
        yy = ly + 24 + i * 24
        svg.rect(lx, yy - 12, 16, 14, color)
        svg.text(lx + 24, yy, label, size=13)
    py = ly + 24 + len(targets) * 24 + 20
    svg.text(lx, py, "percentile (shade)", size=12, color=MUTED, weight="600")
    for i, (_, pname, opacity) in enumerate(PERCENTILES):
        yy = py + 24 + i * 22
        svg.rect(lx, yy - 12, 16, 14, "#374151", opacity)
        svg.text(lx + 24, yy, pname, size=13)
    return svg.render()


def main(argv):
    args = [a for a in argv[1:] if not a.startswith("--")]
    flags = {a for a in argv[1:] if a.startswith("--")}
    if not args or len(args) > 2 or flags - {"--log", "--linear"} or {"--log", "--linear"} <= flags:
        sys.exit(__doc__)
    with open(args[0]) as f:
        doc = json.load(f)
    if not doc.get("results"):
        sys.exit(f"{args[0]}: no results to chart")
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    out_dir = args[1] if len(args) == 2 else os.path.join(root, "docs", "perf")
    os.makedirs(out_dir, exist_ok=True)
    scale = "log" if "--log" in flags else "linear" if "--linear" in flags else "auto"
    for name, content in [("load-throughput.svg", throughput_chart(doc)),
                          ("load-latency.svg", latency_chart(doc, scale))]:
        path = os.path.join(out_dir, name)
        with open(path, "w") as f:
            f.write(content)
        print(f"wrote {path}")


if __name__ == "__main__":
    main(sys.argv)
