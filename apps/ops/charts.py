"""Server-side SVG charts: geometry computed here, drawn by templates/ops/charts/*.html."""

from __future__ import annotations

COLORS = {
    "requested": "#8e9aaf", "approved": "#5c7cfa", "provisioning": "#4dabf7", "active": "#40c057",
    "suspended": "#fab005", "deleted": "#fa5252", "purged": "#495057", "failed": "#e8590c",
}


def horizontal_bars(rows: list[tuple[str, str, int]], *, width: int = 420, row_height: int = 26) -> dict:
    """rows: (key, label, value). Bars scaled to the largest value."""
    top = max([value for _key, _label, value in rows] + [1])
    label_width, value_width = 130, 40
    bar_space = width - label_width - value_width
    bars = []
    for index, (key, label, value) in enumerate(rows):
        bars.append({"key": key, "label": label, "value": value, "y": index * row_height,
                     "text_y": index * row_height + row_height * 0.65,
                     "width": max(round(bar_space * value / top), 2 if value else 0),
                     "color": COLORS.get(key, "#5c7cfa")})
    return {"bars": bars, "width": width, "height": max(len(rows) * row_height, row_height),
            "label_width": label_width, "bar_height": row_height - 8, "value_x_pad": 6}


def columns(points: list[tuple], *, width: int = 520, height: int = 180, top=None) -> dict:
    """points: (label, value) or (label, value, text shown over the column instead of the
    value: an amount, a percentage, "" for none), drawn as vertical columns with labels under them.
    Scaled to the largest value, or to `top` (100 for percentages)."""
    top = top or max([point[1] for point in points] + [1])
    plot_height = height - 36
    step = width / max(len(points), 1)
    cols = []
    for index, (label, value, *text) in enumerate(points):
        bar_height = round(plot_height * value / top) if value else 0
        cols.append({"label": label, "value": value, "text": text[0] if text else (value or ""),
                     "x": round(index * step + step * 0.15, 1),
                     "width": round(step * 0.7, 1), "y": 16 + plot_height - bar_height, "height": bar_height,
                     "center": round(index * step + step / 2, 1)})
    return {"columns": cols, "width": width, "height": height, "label_y": height - 4,
            "axis_y": 16 + plot_height}
