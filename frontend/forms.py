"""Form fields for GOV.UK patterns that Django has no widget for.

Render a ``GovukDateField`` with ``{% include "components/date_input.html" with field=... %}``.
"""

from datetime import date

from django import forms
from django.core.exceptions import ValidationError

DATE_PARTS = ("day", "month", "year")


class GovukDateInput(forms.MultiWidget):
    """Day, month and year as three inputs (posted as <name>_day, _month, _year)."""

    def __init__(self, attrs=None):
        super().__init__({part: forms.TextInput for part in DATE_PARTS}, attrs)

    def decompress(self, value):
        if value:
            return [value.day, value.month, value.year]
        return [None, None, None]


class GovukDateField(forms.Field):
    """A date typed as day, month and year. What was typed is shown back unchanged when
    it is refused, with a plain message: which part is missing, or "Enter a real date"."""

    widget = GovukDateInput
    default_error_messages = {"required": "Enter the date", "invalid": "Enter a real date"}

    def to_python(self, value):
        parts = [str(part or "").strip() for part in (value or ["", "", ""])]
        if not any(parts):
            return None
        missing = [name for name, part in zip(DATE_PARTS, parts, strict=True) if not part]
        if missing:
            raise ValidationError(f"The date must include a {' and '.join(missing)}",
                                  code="incomplete")
        day, month, year = parts
        if not (day.isdigit() and month.isdigit() and year.isdigit() and len(year) == 4):
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        try:
            return date(int(year), int(month), int(day))
        except ValueError:
            raise ValidationError(self.error_messages["invalid"], code="invalid") from None

    def prepare_value(self, value):
        """The three parts to show: what was typed (a list) or the stored date."""
        if isinstance(value, date):
            return [str(value.day), str(value.month), str(value.year)]
        if isinstance(value, (list, tuple)):
            return [str(part or "") for part in value]
        return ["", "", ""]
