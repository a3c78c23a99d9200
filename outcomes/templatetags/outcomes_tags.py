"""Outcome template tags: the provider outcome record and the role home panels.

``{% load outcomes_tags %}{% provider_record provider %}`` renders
outcomes/provider_record.html (used on offer pages and the public provider page).
"""

from django import template

from outcomes import selectors

register = template.Library()


@register.inclusion_tag("outcomes/provider_record.html")
def provider_record(provider, heading_level=2):
    record = selectors.provider_record(provider) if provider is not None else None
    return {"record": record, "provider": provider,
            "heading": f"h{heading_level}", "too_few": "too few to show"}


@register.filter
def suppressed(count):
    """Counts from 1 to 4 are not published: people could be recognised."""
    return selectors.ProviderRecord.shown(count)


@register.filter
def bp_percent(value):
    if value is None:
        return None
    return f"{value / 100:.0f}%"


@register.simple_tag
def jobseeker_outcomes(user):
    return selectors.outcomes_for(user)[:5]


@register.simple_tag
def commissioner_queue(user):
    outcomes, milestones = selectors.verification_queue(user.commissioner_id)
    return {"outcomes": outcomes.count(), "milestones": milestones.count(),
            "owed": selectors.owed_bonuses(user.commissioner_id)}


@register.simple_tag
def adviser_caseload_outcomes(user):
    return selectors.caseload_outcomes(user)


@register.simple_tag
def provider_earnings_summary(provider):
    if provider is None:
        return None
    return selectors.provider_earnings(provider)
