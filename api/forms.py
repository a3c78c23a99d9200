"""The API token page's form."""

from django import forms

from api.serializers import TOKEN_ROLE_CHOICES


class TokenForm(forms.Form):
    name = forms.CharField(
        label="Name", max_length=100,
        help_text="What will use it, so you know which token to revoke. For example: "
                  "booking system",
        error_messages={"required": "Enter a name for the token"},
    )

    def __init__(self, *args, with_role: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if with_role:
            self.fields["role"] = forms.ChoiceField(
                label="What the token can do", choices=TOKEN_ROLE_CHOICES,
                widget=forms.RadioSelect,
                error_messages={"required": "Choose what the token can do"},
            )
