"""Server-rendered SVG charts (no script: the CSP allows none inline) and table cells.

``{% load insights_charts %}{% chart_svg chart %}`` draws a selectors.Chart: horizontal
bars for lists, vertical columns for time. Only SVG presentation attributes are used
(the CSP refuses inline styles).
"""

from django import template
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe

from frontend.templatetags.govuk import format_pence, money

register = template.Library()

WIDTH = 720
LABEL_WIDTH = 250
ROW_HEIGHT = 30
BAR_HEIGHT = 20
COLUMNS_HEIGHT = 260
COLUMNS_BASE = 220  # y of the columns' baseline; month labels go under it


def format_value(value, kind: str) -> str:
    if value is None:
        return "–"
    if kind == "money":
        return format_pence(value)
    if kind == "bp":
        return f"{value / 100:.1f}%"
    if kind == "month":
        return value.strftime("%B %Y")
    if kind == "count":
        return f"{value:,}"
    return str(value)


@register.filter
def cell(value, kind):
    """A table cell in the words and money format of the rest of the site."""
    if kind == "money" and value is not None:
        return money(value)
    return format_value(value, kind)


def _cell_html(i: int, value, kind: str) -> str:
    text = conditional_escape(cell(value, kind))
    if i == 0:
        return f'<th scope="row" class="govuk-table__header">{text}</th>'
    numeric = "" if kind == "text" else " govuk-table__cell--numeric"
    return f'<td class="govuk-table__cell{numeric}">{text}</td>'


@register.simple_tag
def chart_rows(chart):
    """The table view's body rows: a heading cell, then numbers aligned right. Built in
    Python because the longest tables have a row for every provider in the programme;
    every value is escaped on the way in."""
    return mark_safe("".join(  # each cell is escaped in _cell_html
        '<tr class="govuk-table__row">'
        + "".join(_cell_html(i, value, kind) for i, (value, kind) in enumerate(row))
        + "</tr>\n          "
        for row in chart.cells))


def _short(text: str, length: int = 34) -> str:
    return text if len(text) <= length else text[: length - 1] + "…"


@register.inclusion_tag("insights/_chart_svg.html")
def chart_svg(chart):
    rows = chart.plotted
    kind = chart.columns[chart.plot].kind
    label_kind = chart.columns[0].kind
    top = max((row[chart.plot] for row in rows), default=0) or 1
    context = {"chart": chart, "rows": rows, "width": WIDTH}
    if chart.layout == "columns":
        n = max(len(rows), 1)
        slot = (WIDTH - 20) / n
        bar = min(56.0, slot * 0.7)
        every = max(1, round(n / 12))  # at most about twelve labels under the axis
        bars = []
        for i, row in enumerate(rows):
            height = row[chart.plot] / top * (COLUMNS_BASE - 30)
            x = 10 + i * slot + (slot - bar) / 2
            label = row[0].strftime("%b %Y") if label_kind == "month" else _short(str(row[0]), 8)
            bars.append({"x": round(x, 1), "y": round(COLUMNS_BASE - height, 1),
                         "width": round(bar, 1), "height": round(height, 1),
                         "mid": round(x + bar / 2, 1), "label": label,
                         "show_label": i % every == 0,
                         "value": format_value(row[chart.plot], kind)})
        context.update(layout="columns", bars=bars, height=COLUMNS_HEIGHT, base=COLUMNS_BASE)
        return context
    plot_width = WIDTH - LABEL_WIDTH - 110
    bars = []
    for i, row in enumerate(rows):
        length = max(row[chart.plot] / top * plot_width, 1)
        y = 5 + i * ROW_HEIGHT
        bars.append({"y": y, "text_y": y + BAR_HEIGHT - 5, "width": round(length, 1),
                     "label": _short(format_value(row[0], label_kind)),
                     "value_x": round(LABEL_WIDTH + length + 8, 1),
                     "value": format_value(row[chart.plot], kind)})
    context.update(layout="bars", bars=bars, label_x=LABEL_WIDTH - 8, bar_x=LABEL_WIDTH,
                   bar_height=BAR_HEIGHT, height=max(len(rows), 1) * ROW_HEIGHT + 10)
    return context
