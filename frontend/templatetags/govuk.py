"""Template helpers for GOV.UK components and money in pence."""

from django import template
from django.utils.html import format_html

register = template.Library()

WIDGET_CLASSES = {
    "select": "govuk-select",
    "textarea": "govuk-textarea",
    "file": "govuk-file-upload",
}


@register.filter
def govuk_widget(field):
    """Render a bound field's widget with GOV.UK classes and its hint/error described."""
    widget = field.field.widget
    kind = getattr(widget, "input_type", None) or (
        "textarea" if widget.__class__.__name__ == "Textarea" else "select"
    )
    css = WIDGET_CLASSES.get(kind, "govuk-input")
    if kind not in WIDGET_CLASSES and getattr(widget, "attrs", {}).get("size") is None:
        width = widget.attrs.get("data-width")
        if width:
            css += f" govuk-input--width-{width}"
    if field.errors:
        css += f" {css.split()[0]}--error"
    described = []
    if field.help_text:
        described.append(f"{field.auto_id}-hint")
    if field.errors:
        described.append(f"{field.auto_id}-error")
    attrs = {"class": css}
    if described:
        attrs["aria-describedby"] = " ".join(described)
    return field.as_widget(attrs=attrs)


def format_pence(pence) -> str:
    if pence is None or pence == "":
        return ""
    pence = int(pence)
    sign = "-" if pence < 0 else ""
    pounds, rest = divmod(abs(pence), 100)
    return f"{sign}£{pounds:,}.{rest:02d}"


@register.filter
def money(pence):
    """123456 → £1,234.56 (amounts are integer pence everywhere)."""
    return format_html('<span class="onward-money">{}</span>', format_pence(pence))


@register.filter
def money_text(pence):
    return format_pence(pence)


@register.filter
def percent(value, places=0):
    if value is None:
        return ""
    return f"{float(value) * 100:.{int(places)}f}%"


@register.filter
def date_input_parts(field):
    """The day, month and year inputs of a GovukDateField, for components/date_input.html.
    With an error, the parts left empty are marked (or all three if none is empty). The
    day input carries the field's own id, so the error summary's link lands on it."""
    values = field.value()
    empty = [not value for value in values]
    parts = []
    for index, name in enumerate(("day", "month", "year")):
        parts.append({
            "name": f"{field.html_name}_{name}",
            "id": field.auto_id if index == 0 else f"{field.auto_id}_{name}",
            "label": name.capitalize(), "value": values[index],
            "width": 4 if name == "year" else 2,
            "error": bool(field.errors) and (empty[index] or not any(empty)),
        })
    return parts
