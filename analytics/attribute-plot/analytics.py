"""attribute-plot: a histogram of one attribute or a scatter of two, as inline SVG in HTML.

Kestrel v1 docker contract: the variable arrives as /data/input/0.parquet.gz and WITH
parameters as environment variables. This is a display analytic: it writes one HTML page to
/data/display/plot.html and no output Parquet, so the variable is left unchanged.

The SVG is written by hand (no matplotlib, no fonts, no external assets) and every number in
it is formatted with fixed precision, so the same input always gives the same bytes.
"""
import html
import math
import sys

import numpy as np
import pandas as pd

from kestrel_analytic import (ParamError, fail, param_int, param_list, param_str,
                              read_variable, write_display)

NAME = "attribute-plot"

WIDTH, HEIGHT = 640, 400
LEFT, RIGHT, TOP, BOTTOM = 72, 24, 40, 64
PLOT_W, PLOT_H = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
MAX_BARS = 30  # categories shown in a histogram of a text attribute


# ---- numbers and axes ----

def fmt(x):
    """A short, stable rendering of a tick or data value."""
    if x == 0:
        return "0"
    if abs(x) >= 1e6 or abs(x) < 1e-3:
        return f"{x:.3g}".replace("e+0", "e").replace("e+", "e").replace("e-0", "e-")
    if float(x).is_integer():
        return str(int(x))
    return f"{x:.4g}"


def coord(x):
    return f"{x:.2f}".rstrip("0").rstrip(".")


def nice_ticks(lo, hi, count=5):
    """Round tick values covering [lo, hi]: steps of 1, 2 or 5 times a power of ten."""
    if not (math.isfinite(lo) and math.isfinite(hi)):
        return [0.0, 1.0]
    if hi <= lo:
        pad = abs(lo) * 0.5 if lo != 0 else 1.0
        lo, hi = lo - pad, hi + pad
    raw = (hi - lo) / count
    power = 10.0 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 5, 10) if m * power >= raw)
    start = math.floor(lo / step) * step
    ticks = []
    t = start
    while t < hi + step * 0.5:
        ticks.append(round(t / step) * step)
        if ticks[-1] >= hi:
            break
        t += step
    return ticks


def numeric_or_none(series):
    """The series as float64 when it is numeric (or numeric text); None otherwise."""
    if pd.api.types.is_bool_dtype(series):
        return series.astype("float64")
    if pd.api.types.is_numeric_dtype(series):
        return series.astype("float64")
    if series.dtype == object:
        converted = pd.to_numeric(series, errors="coerce")
        if converted.notna().sum() == series.notna().sum() and converted.notna().any():
            return converted.astype("float64")
    return None


# ---- SVG ----

def svg_open(title):
    return [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{HEIGHT}" '
        f'viewBox="0 0 {WIDTH} {HEIGHT}" font-family="sans-serif" font-size="11">',
        f'<title>{html.escape(title)}</title>',
        f'<rect x="0" y="0" width="{WIDTH}" height="{HEIGHT}" fill="#ffffff"/>',
        f'<text x="{WIDTH // 2}" y="22" text-anchor="middle" font-size="14">'
        f'{html.escape(title)}</text>',
    ]


def axis_frame(parts, xlabel, ylabel):
    parts.append(f'<line x1="{LEFT}" y1="{TOP + PLOT_H}" x2="{LEFT + PLOT_W}" '
                 f'y2="{TOP + PLOT_H}" stroke="#333333"/>')
    parts.append(f'<line x1="{LEFT}" y1="{TOP}" x2="{LEFT}" y2="{TOP + PLOT_H}" '
                 f'stroke="#333333"/>')
    parts.append(f'<text x="{LEFT + PLOT_W // 2}" y="{HEIGHT - 12}" text-anchor="middle">'
                 f'{html.escape(xlabel)}</text>')
    parts.append(f'<text x="16" y="{TOP + PLOT_H // 2}" text-anchor="middle" '
                 f'transform="rotate(-90 16 {TOP + PLOT_H // 2})">{html.escape(ylabel)}</text>')


def y_ticks(parts, ticks, to_y):
    for t in ticks:
        y = coord(to_y(t))
        parts.append(f'<line x1="{LEFT - 4}" y1="{y}" x2="{LEFT}" y2="{y}" stroke="#333333"/>')
        parts.append(f'<text x="{LEFT - 6}" y="{y}" text-anchor="end" '
                     f'dominant-baseline="middle">{fmt(t)}</text>')


def x_ticks(parts, ticks, to_x):
    for t in ticks:
        x = coord(to_x(t))
        parts.append(f'<line x1="{x}" y1="{TOP + PLOT_H}" x2="{x}" y2="{TOP + PLOT_H + 4}" '
                     f'stroke="#333333"/>')
        parts.append(f'<text x="{x}" y="{TOP + PLOT_H + 16}" text-anchor="middle">{fmt(t)}</text>')


def scale(lo, hi, out_lo, out_hi):
    span = hi - lo if hi > lo else 1.0
    return lambda v: out_lo + (v - lo) / span * (out_hi - out_lo)


def histogram_numeric(values, column, bins):
    lo, hi = float(values.min()), float(values.max())
    if lo == hi:  # one value: one bar around it
        bins, lo, hi = 1, lo - 0.5, hi + 0.5
    counts, edges = np.histogram(values, bins=bins, range=(lo, hi))
    xt = nice_ticks(float(edges[0]), float(edges[-1]))
    x_lo, x_hi = min(xt[0], edges[0]), max(xt[-1], edges[-1])
    yt = nice_ticks(0, float(counts.max()))
    to_x = scale(x_lo, x_hi, LEFT, LEFT + PLOT_W)
    to_y = scale(0, yt[-1], TOP + PLOT_H, TOP)
    parts = svg_open(f"Histogram of {column}")
    for i, c in enumerate(counts):
        if c == 0:
            continue
        x0, x1 = to_x(edges[i]), to_x(edges[i + 1])
        y = to_y(c)
        parts.append(f'<rect x="{coord(x0)}" y="{coord(y)}" width="{coord(max(x1 - x0 - 1, 1))}" '
                     f'height="{coord(TOP + PLOT_H - y)}" fill="#4c78a8">'
                     f'<title>{fmt(edges[i])} to {fmt(edges[i + 1])}: {int(c)}</title></rect>')
    axis_frame(parts, column, "count")
    x_ticks(parts, [t for t in xt if x_lo <= t <= x_hi], to_x)
    y_ticks(parts, yt, to_y)
    parts.append("</svg>")
    return parts, bins


def histogram_text(series, column):
    counts = series.astype(str).value_counts()
    ordered = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    shown, rest = ordered[:MAX_BARS], ordered[MAX_BARS:]
    yt = nice_ticks(0, float(shown[0][1]))
    to_y = scale(0, yt[-1], TOP + PLOT_H, TOP)
    slot = PLOT_W / len(shown)
    parts = svg_open(f"Values of {column}")
    for i, (value, c) in enumerate(shown):
        x = LEFT + i * slot
        y = to_y(c)
        parts.append(f'<rect x="{coord(x + slot * 0.1)}" y="{coord(y)}" width="{coord(slot * 0.8)}" '
                     f'height="{coord(TOP + PLOT_H - y)}" fill="#4c78a8">'
                     f'<title>{html.escape(value)}: {int(c)}</title></rect>')
        label = value if len(value) <= 16 else value[:15] + "\u2026"
        cx, ly = coord(x + slot / 2), TOP + PLOT_H + 10
        parts.append(f'<text x="{cx}" y="{ly}" text-anchor="end" font-size="9" '
                     f'transform="rotate(-35 {cx} {ly})">{html.escape(label)}</text>')
    axis_frame(parts, "", "count")
    y_ticks(parts, yt, to_y)
    parts.append("</svg>")
    note = ""
    if rest:
        note = f"{len(rest)} less frequent values ({sum(c for _, c in rest)} rows) not drawn."
    return parts, note


def scatter(x, y, xcol, ycol):
    xt = nice_ticks(float(x.min()), float(x.max()))
    yt = nice_ticks(float(y.min()), float(y.max()))
    to_x = scale(xt[0], xt[-1], LEFT, LEFT + PLOT_W)
    to_y = scale(yt[0], yt[-1], TOP + PLOT_H, TOP)
    parts = svg_open(f"{ycol} against {xcol}")
    for xv, yv in zip(x, y):
        parts.append(f'<circle cx="{coord(to_x(xv))}" cy="{coord(to_y(yv))}" r="3" '
                     f'fill="#4c78a8" fill-opacity="0.7"><title>({fmt(xv)}, {fmt(yv)})</title>'
                     f'</circle>')
    axis_frame(parts, xcol, ycol)
    x_ticks(parts, xt, to_x)
    y_ticks(parts, yt, to_y)
    parts.append("</svg>")
    return parts


def page(title, body, notes):
    lines = [
        "<!DOCTYPE html>",
        '<html lang="en">',
        '<head><meta charset="utf-8"><title>' + html.escape(title) + "</title></head>",
        '<body style="font-family: sans-serif">',
    ]
    lines.extend(body)
    for note in notes:
        lines.append(f"<p>{html.escape(note)}</p>")
    lines.extend(["</body>", "</html>", ""])
    return "\n".join(lines)


def require(df, column):
    if column not in df.columns:
        have = ", ".join(sorted(map(str, df.columns)))
        raise ParamError(f"attribute {column!r} is not in the input (it has: {have})")
    return df[column]


def analytics(df, xparam, yparam=None, plottype="hist", bins=20):
    """Returns the HTML page (a string) plotting df; raises ParamError on bad attributes."""
    notes = []
    if plottype == "hist":
        series = require(df, xparam)
        present = series.dropna()
        if len(series) > len(present):
            notes.append(f"{len(series) - len(present)} of {len(series)} rows have no "
                         f"{xparam} and are not drawn.")
        if present.empty:
            return page(f"Histogram of {xparam}", [f"<p>No values of {html.escape(xparam)} "
                                                   "to plot.</p>"], notes)
        numbers = numeric_or_none(present)
        if numbers is not None:
            body, used = histogram_numeric(numbers.to_numpy(), xparam, bins)
            notes.insert(0, f"{len(present)} values, {used} bin{'s' if used > 1 else ''}.")
            return page(f"Histogram of {xparam}", body, notes)
        body, note = histogram_text(present, xparam)
        notes.insert(0, f"{len(present)} values, {present.astype(str).nunique()} distinct.")
        if note:
            notes.append(note)
        return page(f"Values of {xparam}", body, notes)

    xs, ys = require(df, xparam), require(df, yparam)
    for column, series in ((xparam, xs), (yparam, ys)):
        if series.notna().any() and numeric_or_none(series.dropna()) is None:
            raise ParamError(f"attribute {column!r} is not numeric; a scatter needs numbers")
    both = pd.DataFrame({"x": xs, "y": ys}).dropna()
    title = f"{yparam} against {xparam}"
    if len(both) < len(df):
        notes.append(f"{len(df) - len(both)} of {len(df)} rows lack {xparam} or {yparam} and "
                     "are not drawn.")
    if both.empty:
        return page(title, [f"<p>No rows with both {html.escape(xparam)} and "
                            f"{html.escape(yparam)} to plot.</p>"], notes)
    x = numeric_or_none(both["x"]).to_numpy()
    y = numeric_or_none(both["y"]).to_numpy()
    notes.insert(0, f"{len(both)} points.")
    return page(title, scatter(x, y, xparam, yparam), notes)


def read_parameters():
    xs = param_list("XPARAM", required=True)
    y = param_str("YPARAM")
    plottype = param_str("PLOTTYPE", None, choices=["hist", "scatter"])
    if plottype is None:
        plottype = "scatter" if y is not None or len(xs) == 2 else "hist"
    if plottype == "scatter" and y is None and len(xs) == 2:
        xs, y = xs[:1], xs[1]  # XPARAM=(x,y), as the community analytic accepted
    if len(xs) != 1:
        raise ParamError(f"parameter XPARAM={','.join(xs)!r}: expected one attribute "
                         "(or two for a scatter without YPARAM)")
    if plottype == "scatter" and y is None:
        raise ParamError("PLOTTYPE=scatter needs YPARAM (the attribute on the vertical axis)")
    if plottype == "hist" and y is not None:
        raise ParamError("PLOTTYPE=hist draws one attribute; leave out YPARAM")
    return {"xparam": xs[0], "yparam": y, "plottype": plottype,
            "bins": param_int("BINS", 20, minimum=1, maximum=200)}


def main():
    try:
        params = read_parameters()
        document = analytics(read_variable(NAME, usage="var WITH XPARAM=attr"), **params)
    except ParamError as e:
        fail(NAME, f"error: {e}")
    write_display("plot", document)
    return 0


if __name__ == "__main__":
    sys.exit(main())
