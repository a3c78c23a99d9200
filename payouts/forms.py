"""Forms for the payout pages. Validation in plain words, shown beside each field."""

import re

from django import forms

from payouts import bacs


class BankDetailsForm(forms.Form):
    account_name = forms.CharField(
        label="Name on the account", max_length=60,
        help_text="As the bank holds it. Letters, numbers, spaces and . & / - only.",
    )
    sort_code = forms.CharField(label="Sort code", max_length=8,
                                help_text="6 digits, for example 30-99-50.")
    account_number = forms.CharField(label="Account number", max_length=10,
                                     help_text="8 digits.")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["sort_code"].widget.attrs.update({"data-width": "5",
                                                      "inputmode": "numeric",
                                                      "autocomplete": "off"})
        self.fields["account_number"].widget.attrs.update({"data-width": "10",
                                                           "inputmode": "numeric",
                                                           "autocomplete": "off"})

    def clean_account_name(self):
        value = " ".join(self.cleaned_data["account_name"].split())
        if not bacs.ALLOWED_NAME.match(value):
            raise forms.ValidationError(
                "Name on the account must only use letters, numbers, spaces and . & / -")
        return value

    def clean_sort_code(self):
        value = re.sub(r"[\s-]", "", self.cleaned_data["sort_code"])
        if not re.fullmatch(r"\d{6}", value):
            raise forms.ValidationError("Enter a valid sort code, like 30-99-50")
        return value

    def clean_account_number(self):
        value = re.sub(r"[\s-]", "", self.cleaned_data["account_number"])
        if not re.fullmatch(r"\d{8}", value):
            raise forms.ValidationError("Enter a valid account number: it must be 8 digits")
        return value


class ReturnedPaymentForm(forms.Form):
    reason = forms.CharField(label="Why the bank returned it", max_length=200,
                             help_text="For example: account closed.")
