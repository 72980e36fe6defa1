"""Make the provision map's country shapes from the vendored ``@svg-maps/world`` package (run by ``make vendor``).

The package's SVG (CC BY 4.0) is 1.2 MB of paths, too much for a page: each ring is
simplified (Ramer-Douglas-Peucker, half a unit of its 1010-wide view box), rings
smaller than a unit square are dropped unless they are a country's largest, and
coordinates are rounded to tenths. The result, about 110 KB, is committed beside the
package's licence. Usage: ``python -m regulations.provisions.map_build INDEX_JS OUT_JSON``.
"""

from __future__ import annotations

import itertools
import json
import re
import sys
from pathlib import Path

TOLERANCE = 0.5
SMALLEST_RING = 1.0
NUMBER = re.compile(r"[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?|[mMzZ]")

Point = tuple[float, float]


def rings(path: str) -> list[list[Point]]:
    """The closed rings of a path written with relative ``m`` moves and implicit relative lines, ``z`` closing."""
    found, ring, x, y, start, moving = [], None, 0.0, 0.0, (0.0, 0.0), False
    tokens = NUMBER.findall(path)
    i = 0
    while i < len(tokens):
        command = tokens[i]
        if command in "mM":
            moving, i = True, i + 1
            continue
        if command in "zZ":
            if ring:
                found.append(ring)
            ring, (x, y), i = None, start, i + 1
            continue
        x, y, i = x + float(command), y + float(tokens[i + 1]), i + 2
        if moving:
            if ring:
                found.append(ring)
            ring, start, moving = [(x, y)], (x, y), False
        else:
            ring.append((x, y))
    if ring:
        found.append(ring)
    return found


def simplified(points: list[Point], tolerance: float) -> list[Point]:
    if len(points) < 3:
        return points
    (x1, y1), (x2, y2) = points[0], points[-1]
    dx, dy = x2 - x1, y2 - y1
    length = (dx * dx + dy * dy) ** 0.5
    far, index = 0.0, 0
    for k, (px, py) in enumerate(points[1:-1], 1):
        if length:
            distance = abs(dy * px - dx * py + x2 * y1 - y2 * x1) / length
        else:
            distance = ((px - x1) ** 2 + (py - y1) ** 2) ** 0.5
        if distance > far:
            far, index = distance, k
    if far <= tolerance:
        return [points[0], points[-1]]
    return simplified(points[: index + 1], tolerance)[:-1] + simplified(points[index:], tolerance)


def area(ring: list[Point]) -> float:
    return abs(sum(ring[i][0] * ring[i - 1][1] - ring[i - 1][0] * ring[i][1] for i in range(len(ring)))) / 2


def path_data(ring: list[Point]) -> str:
    tenths = [(round(x * 10), round(y * 10)) for x, y in ring]
    (x0, y0), steps = tenths[0], []
    for (ax, ay), (bx, by) in itertools.pairwise(tenths):
        if (ax, ay) != (bx, by):
            steps.append(f"{(bx - ax) / 10:g} {(by - ay) / 10:g}")
    return f"M{x0 / 10:g} {y0 / 10:g}l{' '.join(steps)}z"


def shape(path: str) -> dict:
    found = rings(path)
    largest = max(found, key=area)
    kept = [ring for ring in found if ring is largest or area(ring) >= SMALLEST_RING]
    parts = []
    for ring in kept:
        points = simplified([*ring, ring[0]], TOLERANCE)[:-1]
        parts.append(path_data(points if len(points) >= 3 else ring))
    xs, ys = [x for ring in kept for x, _ in ring], [y for ring in kept for _, y in ring]
    return {"d": "".join(parts), "box": [round(min(xs), 1), round(min(ys), 1), round(max(xs), 1), round(max(ys), 1)]}


def build(source: Path) -> dict:
    text = source.read_text(encoding="utf-8")
    data = json.loads(text[text.index("{") : text.rindex("}") + 1])
    countries = {loc["id"].upper(): {"name": loc["name"], **shape(loc["path"])} for loc in data["locations"]}
    return {
        "view_box": data["viewBox"],
        "source": "@svg-maps/world 2.0.0 (CC BY 4.0), simplified",
        "countries": countries,
    }


if __name__ == "__main__":
    out = Path(sys.argv[2])
    out.write_text(json.dumps(build(Path(sys.argv[1])), separators=(",", ":"), sort_keys=True), encoding="utf-8")
