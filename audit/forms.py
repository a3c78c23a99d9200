"""The audit log's filter form."""

from django import forms

from accounts.models import User


class AuditFilterForm(forms.Form):
    action = forms.ChoiceField(label="Action", required=False)
    actor = forms.ModelChoiceField(label="Who", required=False, queryset=User.objects.none(),
                                   empty_label="Anyone")
    date_from = forms.DateField(label="From", required=False,
                                help_text="For example, 2026-11-01")
    date_to = forms.DateField(label="To", required=False, help_text="For example, 2026-11-30")

    def __init__(self, *args, actions=(), actors=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["action"].choices = [("", "Every action"), *[(a, a) for a in actions]]
        if actors is not None:
            self.fields["actor"].queryset = actors
        self.fields["actor"].label_from_instance = lambda user: user.display_name
        for name in ("date_from", "date_to"):
            self.fields[name].widget.attrs.update({"data-width": "10"})

    def clean(self):
        data = super().clean()
        if data.get("date_from") and data.get("date_to") and data["date_from"] > data["date_to"]:
            self.add_error("date_to", "The end date must be the same as or after the start date")
        return data
