"""Property: whatever sequence of money services runs, the books stay straight.

After every step: all accounts sum to zero, no internal account is negative, and
every account's balance equals the sum of its entries (and verify_ledger agrees).
"""

from django.db.models import Sum
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase

from budgets import services
from budgets.models import Budget
from ledger.errors import MoneyError
from ledger.models import Account, AccountKind, Transfer
from ledger.verification import verify_ledger
from tests.factories import JobseekerFactory, ManagerFactory, ProviderFactory, give_totp

amounts = st.integers(min_value=1, max_value=120_000)
index = st.integers(min_value=0, max_value=5)

operations = st.lists(
    st.one_of(
        st.tuples(st.just("fund"), amounts),
        st.tuples(st.just("issue"), amounts),
        st.tuples(st.just("commit"), index, amounts),
        st.tuples(st.just("release"), index),
        st.tuples(st.just("settle"), index, index),
        st.tuples(st.just("escrow_release"), index, st.integers(0, 5_000), st.integers(0, 3_000)),
        st.tuples(st.just("escrow_return"), index),
        st.tuples(st.just("expire"), index),
        st.tuples(st.just("payout"), index),
        st.tuples(st.just("reverse"), index),
        st.tuples(st.just("replay"),),
    ),
    min_size=1,
    max_size=25,
)


class LedgerInvariants(TestCase):
    def assert_books_balance(self):
        accounts = list(Account.objects.all())
        self.assertEqual(sum(a.balance for a in accounts), 0)
        for account in accounts:
            if not account.is_external:
                self.assertGreaterEqual(account.balance, 0, account.key)
            entries = account.entries.aggregate(total=Sum("amount"))["total"] or 0
            self.assertEqual(account.balance, entries, account.key)

    @settings(max_examples=40, deadline=None,
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
    @given(steps=operations)
    def test_random_sequences_of_services_keep_the_books_straight(self, steps):
        manager = give_totp(ManagerFactory())
        programme = services.create_programme(actor=manager, name="Prop",
                                              budget_per_person=50_000)
        providers = [ProviderFactory(), ProviderFactory()]
        bookings: list[tuple[int, Budget, int]] = []  # (booking id, budget, amount)
        settled: list[int] = []
        payouts: list[Transfer] = []
        last = None
        counter = 0

        for step in steps:
            counter += 1
            operation, *args = step
            budgets = list(Budget.objects.filter(programme=programme).order_by("pk"))
            try:
                if operation == "fund":
                    last = ("fund", dict(actor=manager, programme=programme, amount=args[0],
                                         reference=f"r{counter}"))
                    services.fund_programme(**last[1])
                elif operation == "issue":
                    budget, _ = services.issue_budget(
                        actor=manager, programme=programme, external_reference=f"B{counter}",
                        amount=args[0])
                    services.claim_invitation(user=JobseekerFactory(),
                                              code_or_token=budget.invitation.code)
                elif operation == "commit" and budgets:
                    budget = budgets[args[0] % len(budgets)]
                    last = ("commit", dict(actor=None, budget=budget, amount=args[1],
                                           booking_id=counter, key=f"c{counter}"))
                    services.commit_for_booking(**last[1])
                    bookings.append((counter, budget, args[1]))
                elif operation == "release" and bookings:
                    booking_id, budget, amount = bookings.pop(args[0] % len(bookings))
                    budget.refresh_from_db()
                    services.release_commitment(budget=budget, amount=amount,
                                                booking_id=booking_id, key=f"rel{booking_id}")
                elif operation == "settle" and bookings:
                    booking_id, budget, amount = bookings.pop(args[0] % len(bookings))
                    services.settle_delivery(budget=budget, provider=providers[args[1] % 2],
                                             amount=amount, booking_id=booking_id,
                                             key=f"set{booking_id}")
                    settled.append(booking_id)
                elif operation == "escrow_release" and settled:
                    booking_id = settled[args[0] % len(settled)]
                    if args[1] or args[2]:
                        services.release_escrow(booking_id=booking_id, amount=args[1],
                                                bonus=args[2], key=f"esc{counter}")
                elif operation == "escrow_return" and settled:
                    booking_id = settled[args[0] % len(settled)]
                    services.return_escrow(booking_id=booking_id, key=f"ret{counter}")
                elif operation == "expire" and budgets:
                    services.expire_budget(budget=budgets[args[0] % len(budgets)])
                elif operation == "payout":
                    provider = providers[args[0] % 2]
                    payable = Account.objects.filter(
                        provider=provider, kind=AccountKind.PROVIDER_PAYABLE, programme=programme,
                    ).first()
                    if payable and payable.balance:
                        payouts.append(services.pay_out(
                            provider=provider, amounts={programme: payable.balance},
                            key=f"pay{counter}"))
                elif operation == "reverse" and payouts:
                    payout = payouts.pop(args[0] % len(payouts))
                    services.reverse_payout(payout_transfer=payout, key=f"rev{payout.pk}")
                elif operation == "replay" and last:
                    name, kwargs = last
                    getattr(services, {"fund": "fund_programme",
                                       "commit": "commit_for_booking"}[name])(**kwargs)
            except MoneyError:
                pass  # refused cleanly: nothing may have moved
            self.assert_books_balance()
        self.assertTrue(verify_ledger().ok, verify_ledger().summary())
