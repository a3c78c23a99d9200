from django import forms

from bookings.models import PlanGoal
from frontend.forms import GovukDateField


class BookingRequestForm(forms.Form):
    request_token = forms.CharField(widget=forms.HiddenInput)
    message = forms.CharField(
        label="Anything the provider should know (optional)", required=False,
        widget=forms.Textarea(attrs={"rows": 3}), max_length=1000,
        help_text="For example, the days you can attend or help you need to take part.")


class ReasonForm(forms.Form):
    reason = forms.CharField(label="Reason", widget=forms.Textarea(attrs={"rows": 3}),
                             max_length=1000,
                             error_messages={"required": "Enter a reason"})


class DisputeForm(forms.Form):
    reason = forms.CharField(label="What went wrong?", widget=forms.Textarea(attrs={"rows": 4}),
                             max_length=2000,
                             error_messages={"required": "Tell us what went wrong"})


class ReviewForm(forms.Form):
    rating = forms.TypedChoiceField(
        label="How good was it?", coerce=int, widget=forms.RadioSelect,
        choices=[(5, "5 – very good"), (4, "4 – good"), (3, "3 – OK"), (2, "2 – poor"),
                 (1, "1 – very poor")],
        error_messages={"required": "Choose a rating from 1 to 5"})
    text = forms.CharField(label="Tell other people about it (optional)", required=False,
                           widget=forms.Textarea(attrs={"rows": 4}), max_length=2000)


class ResolveForm(forms.Form):
    decision = forms.ChoiceField(
        label="Decision", widget=forms.RadioSelect,
        choices=[("settle", "Pay the provider: the support was delivered"),
                 ("refund", "Refund the jobseeker's budget")],
        error_messages={"required": "Choose whether to pay the provider or refund the budget"})
    note = forms.CharField(label="Reason for your decision",
                           widget=forms.Textarea(attrs={"rows": 3}), max_length=2000,
                           error_messages={"required": "Enter the reason for your decision"})


class GoalForm(forms.ModelForm):
    # Day, month and year boxes for people; the API takes ISO dates (api.serializers).
    target_date = GovukDateField(label="By when (optional)", required=False,
                                 help_text="For example, 31 3 2027")

    class Meta:
        model = PlanGoal
        fields = ["text", "target_date"]
        labels = {"text": "Your goal"}
        error_messages = {"text": {"required": "Enter your goal"}}


class SuggestForm(forms.Form):
    offer = forms.IntegerField(label="Offer number", min_value=1,
                               help_text="The number at the end of the offer's web address.",
                               error_messages={"required": "Enter the offer number"})
    note = forms.CharField(label="Why you suggest it (optional)", required=False,
                           widget=forms.Textarea(attrs={"rows": 3}), max_length=1000)
