"""Forms for outcomes: plain Django forms, rendered with the GOV.UK components."""

from django import forms

from outcomes.models import Evidence


class ReportOutcomeForm(forms.Form):
    jobseeker = forms.ModelChoiceField(
        queryset=None, label="Who started the job", required=True,
        error_messages={"required": "Choose who started the job",
                        "invalid_choice": "Choose someone you work with"})
    employer = forms.CharField(max_length=200, label="Employer",
                               error_messages={"required": "Enter the employer's name"})
    job_title = forms.CharField(max_length=200, label="Job title",
                                error_messages={"required": "Enter the job title"})
    start_date = forms.DateField(
        label="Start date", help_text="For example, 27 3 2027 or 2027-03-27",
        input_formats=["%Y-%m-%d", "%d %m %Y", "%d/%m/%Y"],
        error_messages={"required": "Enter the start date",
                        "invalid": "Enter the start date as a real date, like 27 3 2027"})
    hours_per_week = forms.IntegerField(
        min_value=1, max_value=100, label="Hours a week",
        error_messages={"required": "Enter how many hours a week the job is",
                        "min_value": "Hours a week must be at least 1",
                        "max_value": "Hours a week must be 100 or fewer",
                        "invalid": "Enter hours a week as a whole number, like 20"})
    weekly_pay = forms.DecimalField(
        required=False, min_value=0, max_digits=8, decimal_places=2,
        label="Pay a week before tax, in pounds (optional)",
        error_messages={"invalid": "Enter pay as an amount in pounds, like 350.00"})
    evidence_kind = forms.ChoiceField(choices=Evidence.KINDS, label="Kind of evidence")
    evidence = forms.FileField(
        required=False, label="Evidence (optional now, needed before verification)",
        help_text="A payslip, contract or letter from the employer: PDF, JPG or PNG.")

    def __init__(self, *args, jobseekers, fixed_jobseeker=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["jobseeker"].queryset = jobseekers
        if fixed_jobseeker is not None:
            self.fields["jobseeker"].widget = forms.HiddenInput()
            self.fields["jobseeker"].initial = fixed_jobseeker.pk

    def clean_weekly_pay(self):
        value = self.cleaned_data.get("weekly_pay")
        return None if value is None else int(value * 100)


class EvidenceForm(forms.Form):
    kind = forms.ChoiceField(choices=Evidence.KINDS, label="Kind of evidence")
    file = forms.FileField(label="File", help_text="PDF, JPG or PNG.",
                           error_messages={"required": "Choose a file to upload"})


class EndForm(forms.Form):
    ended_on = forms.DateField(
        label="Last day in the job", help_text="For example, 27 3 2027 or 2027-03-27",
        input_formats=["%Y-%m-%d", "%d %m %Y", "%d/%m/%Y"],
        error_messages={"required": "Enter the last day in the job",
                        "invalid": "Enter the last day as a real date, like 27 3 2027"})


class ReasonForm(forms.Form):
    reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), label="Reason",
                             error_messages={"required": "Give a reason"})
