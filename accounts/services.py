"""Writes about people: an adviser's assessment and support tier."""

from django.utils import timezone

from accounts.models import JobseekerProfile, Role, SupportTier
from audit.services import record
from budgets.errors import NotAllowed


def record_assessment(*, adviser, profile: JobseekerProfile, support_tier: int,
                      assessment: str) -> JobseekerProfile:
    """The jobseeker's own adviser records the assessment and support tier (the tier sets
    the outcome bonus providers earn)."""
    if adviser.role != Role.ADVISER or profile.adviser_id != adviser.pk:
        raise NotAllowed("Only this person's adviser can record their assessment.")
    if support_tier not in SupportTier.values:
        raise ValueError("Choose a support tier.")
    before = {"support_tier": profile.support_tier, "assessment": profile.assessment}
    profile.support_tier = support_tier
    profile.assessment = assessment.strip()
    profile.assessed_at = timezone.now()
    profile.save(update_fields=["support_tier", "assessment", "assessed_at"])
    record(actor=adviser, action="jobseeker.assessed", obj=profile,
           summary="Assessment and support tier recorded", before=before,
           after={"support_tier": support_tier, "assessment": profile.assessment})
    return profile
