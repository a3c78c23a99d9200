"""The data a journey starts from, made through the real services (never by writing
ledger rows directly): a funded programme, budgets with invitation codes, offers."""

from budgets import services as budget_services
from tests.factories import OfferFactory, ProviderStandingFactory


class World:
    def __init__(self, manager, *, budget_per_person=100_000, pot=1_000_000):
        self.manager = manager
        self.programme = budget_services.create_programme(
            actor=manager, name="Leeds Back to Work", budget_per_person=budget_per_person)
        budget_services.fund_programme(actor=manager, programme=self.programme, amount=pot,
                                       reference="grant-1")

    def invitation_code(self, reference="JS-1", **fields) -> str:
        budget, _ = budget_services.issue_budget(
            actor=self.manager, programme=self.programme, external_reference=reference,
            **fields)
        return budget.invitation.code

    def budget_for(self, jobseeker, reference="JS-1"):
        return budget_services.claim_invitation(
            user=jobseeker, code_or_token=self.invitation_code(reference))

    @staticmethod
    def offer(**fields):
        offer = OfferFactory(**fields)
        ProviderStandingFactory(provider=offer.provider)
        return offer
