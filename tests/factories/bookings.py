"""A jobseeker with a claimed budget and an approved offer, ready to book."""

import itertools

from budgets import services as money
from tests.factories.accounts import (
    JobseekerFactory,
    ManagerFactory,
    ProviderAdminFactory,
    give_totp,
)
from tests.factories.marketplace import OfferFactory

__all__ = ["funded_programme", "budget_holder", "bookable_offer"]

_refs = itertools.count(1)


def funded_programme(manager=None, *, pot=10_000_000, per_person=100_000, **rules):
    manager = manager or give_totp(ManagerFactory())
    programme = money.create_programme(actor=manager, name=f"Programme {next(_refs)}",
                                       budget_per_person=per_person, **rules)
    money.fund_programme(actor=manager, programme=programme, amount=pot, reference="grant")
    programme.manager = manager
    return programme


def budget_holder(programme, *, amount=None, jobseeker=None):
    budget, _ = money.issue_budget(actor=programme.manager, programme=programme,
                                   external_reference=f"JS-{next(_refs)}", amount=amount)
    jobseeker = jobseeker or JobseekerFactory(
        jobseeker_profile__commissioner=programme.commissioner)
    budget = money.claim_invitation(user=jobseeker, code_or_token=budget.invitation.code)
    budget.manager = programme.manager
    return budget


def bookable_offer(*, provider_admin=None, **fields):
    admin = provider_admin or give_totp(ProviderAdminFactory())
    offer = OfferFactory(provider=admin.provider_membership.provider, **fields)
    offer.admin = admin
    return offer
