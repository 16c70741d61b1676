"""A five-axis (spider) chart of progress per ILM element, drawn as SVG on the server: no JavaScript needed.

Coordinates leave here as strings: the template engine would write floats the French way ("160,5"), which SVG
cannot read.
"""

import math
from dataclasses import dataclass

SIZE = 320
CENTRE = SIZE / 2
RADIUS = 110
LABEL_RADIUS = RADIUS + 26


@dataclass
class Axis:
    number: int
    title: str
    percent: int
    total: int  # lessons and quizzes counted: none, and the chart says no percentage
    end: tuple[str, str]
    label: tuple[str, str]
    anchor: str


def _xy(index: int, count: int, radius: float) -> tuple[float, float]:
    angle = -math.pi / 2 + 2 * math.pi * index / count  # the first element points straight up
    return CENTRE + radius * math.cos(angle), CENTRE + radius * math.sin(angle)


def _point(index: int, count: int, radius: float) -> tuple[str, str]:
    x, y = _xy(index, count, radius)
    return f"{x:.1f}", f"{y:.1f}"


def _points(values: list[float]) -> str:
    return " ".join("{},{}".format(*_point(i, len(values), RADIUS * value)) for i, value in enumerate(values))


def element_chart(element_progress) -> dict:
    count = len(element_progress)
    axes = []
    for index, item in enumerate(element_progress):
        x, _y = _xy(index, count, LABEL_RADIUS)
        anchor = "middle" if abs(x - CENTRE) < 10 else ("start" if x > CENTRE else "end")
        axes.append(
            Axis(
                number=item.element.number,
                title=item.element.title,
                percent=item.percent,
                total=item.total,
                end=_point(index, count, RADIUS),
                label=_point(index, count, LABEL_RADIUS),
                anchor=anchor,
            )
        )
    return {
        "view_box": f"-64 -8 {SIZE + 128} {SIZE + 16}",
        "centre": f"{CENTRE:.1f}",
        "axes": axes,
        "rings": [_points([fraction] * count) for fraction in (0.25, 0.5, 0.75, 1)],
        "shape": _points([item.percent / 100 for item in element_progress]),
    }
