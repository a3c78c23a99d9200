"""The dashboard's filters (a GET form: it changes nothing)."""

from django import forms

from accounts.models import SupportTier
from insights.exports import PeriodError, parse_day
from insights.selectors import Filters
from marketplace.models import Category
from providers.models import Provider


class DateText(forms.CharField):
    """A YYYY-MM-DD date, with the exports' message when it cannot be read."""

    def __init__(self, *, which: str, **kwargs):
        self.which = which
        super().__init__(required=False, max_length=10, **kwargs)

    def clean(self, value):
        try:
            return parse_day(super().clean(value), self.which)
        except PeriodError as error:
            raise forms.ValidationError(str(error)) from error


class DashboardFilterForm(forms.Form):
    start = DateText(which="start", label="From", help_text="For example, 2026-04-01")
    end = DateText(which="end", label="To", help_text="For example, 2027-03-31")
    provider = forms.ModelChoiceField(queryset=Provider.objects.order_by("name"),
                                      required=False, empty_label="All providers")
    category = forms.ChoiceField(choices=[("", "All categories"), *Category.choices],
                                 required=False)
    tier = forms.TypedChoiceField(label="Support tier", coerce=int, empty_value=None,
                                  choices=[("", "All tiers"), *SupportTier.choices],
                                  required=False)

    def clean(self):
        data = super().clean()
        if data.get("start") and data.get("end") and data["end"] < data["start"]:
            self.add_error("end", "The end date must be the same as or after the start date.")
        return data

    def filters(self, programme) -> Filters:
        data = self.cleaned_data
        return Filters(programme=programme, start=data.get("start"), end=data.get("end"),
                       provider_id=data["provider"].pk if data.get("provider") else None,
                       category=data.get("category") or "", tier=data.get("tier"))
