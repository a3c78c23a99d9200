from django import forms

from providers.models import Provider


class RegisterProviderForm(forms.ModelForm):
    website = forms.URLField(label="Website (optional)", required=False, assume_scheme="https",
                             error_messages={"invalid": "Enter a web address like example.org"})

    class Meta:
        model = Provider
        fields = ["name", "provider_type", "registration_number", "areas_served", "description",
                  "contact_email", "contact_phone", "website"]
        labels = {"name": "Organisation name", "provider_type": "Type of organisation",
                  "contact_email": "Contact email", "contact_phone": "Contact phone (optional)",
                  "website": "Website (optional)"}
        widgets = {"provider_type": forms.RadioSelect, "description": forms.Textarea(
            attrs={"rows": 5})}
        error_messages = {
            "name": {"required": "Enter your organisation's name",
                     "unique": "An organisation with this name is already registered"},
            "provider_type": {"required": "Choose the type of organisation"},
            "areas_served": {"required": "Enter the towns or areas you work in"},
            "description": {"required": "Describe what your organisation does"},
            "contact_email": {"required": "Enter a contact email",
                              "invalid": "Enter an email address like name@example.org"},
            "website": {"invalid": "Enter a web address like https://example.org"},
        }


class InviteStaffForm(forms.Form):
    email = forms.EmailField(label="Their email address", error_messages={
        "required": "Enter their email address",
        "invalid": "Enter an email address like name@example.org"})


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(label="Decision", widget=forms.RadioSelect, choices=[
        ("approve", "Approve: list its offers"), ("refuse", "Refuse"),
        ("suspend", "Suspend: take its offers out of search")],
        error_messages={"required": "Choose a decision"})
    reason = forms.CharField(label="Reason (the provider sees this)", required=False,
                             widget=forms.Textarea(attrs={"rows": 3}), max_length=2000)

    def clean(self):
        data = super().clean()
        if data.get("decision") in ("refuse", "suspend") and not data.get("reason", "").strip():
            self.add_error("reason", "Give the provider a reason")
        return data
