"""The programme report's bar chart, drawn as SVG on the server beside its table (no JavaScript).

Readable in black and white: each measure has its own fill pattern (solid, hatched, dotted) named in the legend,
and every bar carries its figure as text. A figure printed "<5" is drawn as a dashed outline 2.5 units long (halfway
between 0 and 5), so the chart tells no more than the table. Coordinates leave here as strings (the template engine
would write "160,5").
"""

from dataclasses import dataclass

from lms.progress.programme import MEASURES, SMALLEST_SHOWN, ReportTable, shown

CHARTED = ("enrolments", "completions", "certificates")
PATTERNS = {"enrolments": "solid", "completions": "hatched", "certificates": "dotted"}
WIDTH = 640
BAR_HEIGHT = 12
LABEL_HEIGHT = 18
GAP = 12
BAR_SPACE = 560  # the longest bar; its figure is written after it
LEGEND_HEIGHT = 28


@dataclass
class Bar:
    measure: str
    pattern: str
    y: str
    width: str
    text: str
    text_x: str
    is_suppressed: bool


@dataclass
class Group:
    label: str
    label_y: str
    bars: list[Bar]


def _number(value: float) -> str:
    return f"{value:.1f}"


def _drawn(measure: str, value: int | None) -> float:
    """The length a figure is drawn at: a suppressed one ("<5") halfway to five, whatever it is."""
    if shown(measure, value).startswith("<"):
        return SMALLEST_SHOWN / 2
    return value or 0


def programme_chart(table: ReportTable) -> dict:
    """Bars of enrolments, completions and certificates per row of the table (its total row left out)."""
    values = [_drawn(measure, row.figures.get(measure)) for row in table.rows for measure in CHARTED]
    scale = BAR_SPACE / max([*values, 1])
    groups = []
    y = LEGEND_HEIGHT
    for row in table.rows:
        bars = []
        label_y = y + LABEL_HEIGHT - 5
        bar_y = y + LABEL_HEIGHT
        for measure in CHARTED:
            text = shown(measure, row.figures.get(measure))
            suppressed = text.startswith("<")
            value = _drawn(measure, row.figures.get(measure))
            width = max(value * scale, 1 if value else 0)
            bars.append(
                Bar(
                    measure,
                    PATTERNS[measure],
                    _number(bar_y),
                    _number(width),
                    text,
                    _number(width + 4),
                    suppressed,
                )
            )
            bar_y += BAR_HEIGHT + 2
        groups.append(Group(row.label, _number(label_y), bars))
        y = bar_y + GAP
    legend = [
        {"label": str(MEASURES[measure]), "pattern": PATTERNS[measure], "x": _number(index * 200)}
        for index, measure in enumerate(CHARTED)
    ]
    return {
        "view_box": f"0 0 {WIDTH} {max(y, LEGEND_HEIGHT + 1)}",
        "groups": groups,
        "legend": legend,
        "bar_height": BAR_HEIGHT,
        "measures": [str(MEASURES[measure]) for measure in CHARTED],
    }
