from django import forms

from budgets.csv_import import parse_pounds
from budgets.models import BASIS_POINTS, Programme
from marketplace.models import Category


class PoundsField(forms.CharField):
    """Pounds typed as "1200", "1,200.50" or "£1200"; cleaned to integer pence."""

    def to_python(self, value):
        value = super().to_python(value)
        if value in self.empty_values:
            return None
        try:
            return parse_pounds(value)
        except ValueError as error:
            raise forms.ValidationError(
                "Enter an amount in pounds, like 1200 or 1200.50, more than £0") from error


class PercentField(forms.DecimalField):
    def __init__(self, **kwargs):
        super().__init__(min_value=0, max_value=100, decimal_places=2, **kwargs)


# Model rule fields → the form fields people type in, for error messages.
RULE_FIELDS = {"budget_per_person": "budget_per_person_pounds",
               "outcome_share_bp": "outcome_share_percent", "milestones": "milestones_text",
               "tier_multipliers": "tier_1", "name": "name", "validity_months": "validity_months",
               "min_hours_per_week": "min_hours_per_week",
               "attribution_months": "attribution_months",
               "eligibility_months_unemployed": "eligibility_months_unemployed",
               "allowed_categories": "allowed_categories"}


class ProgrammeForm(forms.Form):
    name = forms.CharField(label="Programme name", max_length=200)
    description = forms.CharField(label="Description (optional)", required=False,
                                  widget=forms.Textarea(attrs={"rows": 3}))
    budget_per_person_pounds = PoundsField(label="Budget per person (£)")
    validity_months = forms.IntegerField(label="Budgets last (months)", min_value=1, initial=12)
    outcome_share_percent = PercentField(
        label="Share withheld until job outcomes (%)", initial=30,
        help_text="Paid to providers only when people are still in work. Default 30%.")
    milestones_text = forms.CharField(
        label="Milestones", widget=forms.Textarea(attrs={"rows": 4}),
        initial="Job start, 0, 20\n13 weeks in work, 13, 30\n26 weeks in work, 26, 50",
        help_text="One per line: name, weeks after the job starts, percent of the withheld "
                  "share. The percents must add up to 100.")
    min_hours_per_week = forms.IntegerField(label="Minimum hours a week for a job to count",
                                            min_value=1, initial=16)
    attribution_months = forms.IntegerField(
        label="Attribution window (months before the job start)", min_value=1, initial=12)
    tier_1 = forms.DecimalField(label="Tier 1 multiplier", min_value=1, decimal_places=2,
                                initial=1)
    tier_2 = forms.DecimalField(label="Tier 2 multiplier", min_value=1, decimal_places=2,
                                initial=1.5)
    tier_3 = forms.DecimalField(label="Tier 3 multiplier", min_value=1, decimal_places=2,
                                initial=2)
    eligibility_months_unemployed = forms.IntegerField(
        label="Months out of work to be eligible", min_value=0, initial=6)
    allowed_categories = forms.MultipleChoiceField(
        label="What budgets may buy", choices=Category.choices, required=False,
        widget=forms.CheckboxSelectMultiple, help_text="Leave all unticked to allow everything.")

    @classmethod
    def for_programme(cls, programme: Programme, data=None):
        initial = {
            "name": programme.name, "description": programme.description,
            "budget_per_person_pounds": f"{programme.budget_per_person / 100:.2f}",
            "validity_months": programme.validity_months,
            "outcome_share_percent": programme.outcome_share_bp / 100,
            "milestones_text": "\n".join(f"{m['label']}, {m['weeks']}, {m['share_bp'] / 100:g}"
                                         for m in programme.milestones),
            "min_hours_per_week": programme.min_hours_per_week,
            "attribution_months": programme.attribution_months,
            "eligibility_months_unemployed": programme.eligibility_months_unemployed,
            "allowed_categories": programme.allowed_categories,
            **{f"tier_{t}": programme.multiplier_bp(int(t)) / BASIS_POINTS for t in "123"},
        }
        return cls(data=data, initial=initial)

    def clean_milestones_text(self):
        milestones, errors = [], []
        lines = [line for line in self.cleaned_data["milestones_text"].splitlines()
                 if line.strip()]
        for number, line in enumerate(lines, start=1):
            parts = [p.strip() for p in line.split(",")]
            if len(parts) != 3:
                errors.append(f"Line {number}: write name, weeks, percent (for example "
                              f"“13 weeks in work, 13, 30”).")
                continue
            label, weeks, percent = parts
            try:
                weeks = int(weeks)
                share = round(float(percent.rstrip("%")) * 100)
            except ValueError:
                errors.append(f"Line {number}: weeks must be a whole number and percent a "
                              "number.")
                continue
            key = "start" if weeks == 0 else f"week_{weeks}"
            milestones.append({"key": key, "label": label, "weeks": weeks, "share_bp": share})
        if errors:
            raise forms.ValidationError(errors)
        return milestones

    def rules(self) -> dict:
        """The programme's fields, in the model's units (pence, basis points)."""
        data = self.cleaned_data
        return {
            "name": data["name"], "description": data["description"],
            "budget_per_person": data["budget_per_person_pounds"],
            "validity_months": data["validity_months"],
            "outcome_share_bp": int(data["outcome_share_percent"] * 100),
            "milestones": data["milestones_text"],
            "min_hours_per_week": data["min_hours_per_week"],
            "attribution_months": data["attribution_months"],
            "tier_multipliers": {t: int(data[f"tier_{t}"] * BASIS_POINTS) for t in "123"},
            "eligibility_months_unemployed": data["eligibility_months_unemployed"],
            "allowed_categories": data["allowed_categories"],
        }

    def add_rule_errors(self, error) -> None:
        for field, messages in error.message_dict.items():
            self.add_error(RULE_FIELDS.get(field), messages)


class FundForm(forms.Form):
    amount = PoundsField(label="Amount (£)")
    reference = forms.CharField(label="Reference", max_length=100,
                                help_text="The grant or purchase order number. Using the same "
                                          "reference twice adds the money only once.")


class IssueBudgetForm(forms.Form):
    reference = forms.CharField(label="Reference", max_length=64,
                                help_text="Your own reference for this person, unique in the "
                                          "programme.")
    name = forms.CharField(label="Full name", max_length=200)
    email = forms.EmailField(label="Email (optional)", required=False,
                             help_text="We send the invitation here.")
    months_unemployed = forms.IntegerField(label="Months out of work", min_value=0)
    amount = PoundsField(label="Amount (£, optional)", required=False,
                         help_text="Leave blank for the programme's budget per person.")


class CsvUploadForm(forms.Form):
    file = forms.FileField(label="CSV file", help_text="Columns: reference, name, email, "
                           "months_unemployed, amount (optional, in pounds).",
                           error_messages={"required": "Choose a CSV file to upload",
                                           "empty": "The file is empty: choose the CSV file "
                                                    "with the budgets to issue"})

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > 2 * 1024 * 1024:
            raise forms.ValidationError("The file must be smaller than 2 MB.")
        return upload


class ClaimForm(forms.Form):
    code = forms.CharField(label="Invitation code", max_length=64,
                           help_text="The 8 letters and numbers in your invitation, for "
                                     "example K7QX 2MPD.",
                           error_messages={"required": "Enter your invitation code"})
