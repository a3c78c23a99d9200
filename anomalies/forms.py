"""Forms for the anomaly pages. Validation in plain words, shown beside each field."""

from django import forms

from anomalies.models import FlagStatus, Rule


class FlagFilterForm(forms.Form):
    status = forms.ChoiceField(label="Status", required=False,
                               choices=[("", "Open and cleared"), *FlagStatus.choices])
    rule = forms.ChoiceField(label="Rule", required=False,
                             choices=[("", "Every rule"), *Rule.choices])


class ClearFlagForm(forms.Form):
    note = forms.CharField(
        label="Why you are clearing this flag", widget=forms.Textarea(attrs={"rows": 4}),
        max_length=2000,
        help_text="Say what you checked and what you found. Auditors will read this.",
        error_messages={"required": "Enter a note saying why you are clearing this flag"},
    )

    def clean_note(self):
        note = self.cleaned_data["note"].strip()
        if not note:
            raise forms.ValidationError("Enter a note saying why you are clearing this flag")
        return note
