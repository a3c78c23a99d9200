"""The load benchmark's world, run as a child process with the bench's production settings.

``python -m bench.load_world seed OUT.json``: one commissioner and programme, JOBSEEKERS
jobseekers each with a claimed budget, PROVIDERS approved providers (an admin and a staff
member each, both with MFA set up) and their offers. Writes the signed-in session keys
(made server-side, so the load is not 200 sign-ins through the sign-in rate limit) and
the offer ids to OUT.json.

``python -m bench.load_world check``: prints JSON {"ledger_ok", "budgets_ok", ...}:
verify_ledger passes, and every budget's ledger balances equal what its bookings say.
"""

from __future__ import annotations

import json
import os
import sys

JOBSEEKERS = int(os.environ.get("BENCH_LOAD_JOBSEEKERS", 200))
PROVIDERS = 5
OFFERS_EACH = 8
BUDGET = 200_000  # £2,000 each
TOTP_SECRET = "JBSWY3DPEHPK3PXP"
WORDS = ["forklift", "cv", "interview", "childcare", "travel", "driving", "coaching",
         "english"]


def _django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "onward.settings")
    import django

    django.setup()


def _session_for(user) -> str:
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    return session.session_key


def seed(out_path: str) -> None:
    _django()
    from allauth.account.models import EmailAddress
    from allauth.mfa.totp.internal.auth import TOTP

    from accounts.models import Commissioner, JobseekerProfile, Role, User
    from budgets import services as money
    from marketplace.models import Category, DeliveryMode, Offer, OfferStatus
    from providers.models import Provider, ProviderMember, ProviderStatus, ProviderType

    commissioner = Commissioner.objects.create(name="Bench Council")
    manager = User.objects.create_user("manager@bench.test", "bench-password-1",
                                       role=Role.COMMISSIONER_MANAGER,
                                       commissioner=commissioner)
    programme = money.create_programme(actor=manager, name="Bench Back to Work",
                                       budget_per_person=BUDGET)
    money.fund_programme(actor=manager, programme=programme, amount=BUDGET * JOBSEEKERS,
                         reference="bench")

    categories = [Category.COACHING, Category.TRAINING]
    offers, providers = [], []
    for p in range(PROVIDERS):
        provider = Provider.objects.create(
            name=f"Bench Provider {p}", provider_type=ProviderType.SOCIAL_ENTERPRISE,
            areas_served="Leeds", description="Help back into work.",
            contact_email=f"hello{p}@provider.bench.test", status=ProviderStatus.APPROVED)
        staff_sessions = []
        for role in (Role.PROVIDER_ADMIN, Role.PROVIDER_STAFF):
            user = User.objects.create_user(f"{role}{p}@provider.bench.test", "bench-password-1",
                                            role=role)
            ProviderMember.objects.create(user=user, provider=provider)
            TOTP.activate(user, TOTP_SECRET)  # staff have MFA, as the middleware requires
            staff_sessions.append(_session_for(user))
        providers.append({"id": provider.pk, "sessions": staff_sessions})
        for n in range(OFFERS_EACH):
            word = WORDS[(p * OFFERS_EACH + n) % len(WORDS)]
            offers.append(Offer.objects.create(
                provider=provider, title=f"{word.title()} support {p}-{n}",
                what_you_get=f"Sessions on {word} with a coach.",
                who_it_is_for="Anyone looking for work.", category=categories[n % 2],
                price=2_000 + 500 * ((p * OFFERS_EACH + n) % 20), price_covers="Everything",
                delivery_mode=DeliveryMode.IN_PERSON, area="Leeds",
                status=OfferStatus.APPROVED).pk)

    jobseekers = []
    for j in range(JOBSEEKERS):
        user = User.objects.create_user(f"jobseeker{j}@bench.test", "bench-password-1",
                                        role=Role.JOBSEEKER, full_name=f"Jobseeker {j}")
        EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
        JobseekerProfile.objects.create(user=user, commissioner=commissioner)
        budget, _ = money.issue_budget(actor=manager, programme=programme,
                                       external_reference=f"BENCH-{j}")
        money.claim_invitation(user=user, code_or_token=budget.invitation.code)
        jobseekers.append(_session_for(user))

    with open(out_path, "w") as handle:
        json.dump({"jobseekers": jobseekers, "providers": providers, "offers": offers,
                   "words": WORDS}, handle)


def check() -> dict:
    _django()
    from django.db.models import Count, Q, Sum

    from bookings.models import Booking, BookingStatus
    from budgets.models import Budget
    from ledger.accounts import budget_accounts
    from ledger.models import Account
    from ledger.verification import verify_ledger

    open_statuses = [BookingStatus.REQUESTED, BookingStatus.ACCEPTED, BookingStatus.DELIVERED,
                     BookingStatus.DISPUTED]
    wrong = []
    budgets = Budget.objects.annotate(
        open_sum=Sum("bookings__price", filter=Q(bookings__status__in=open_statuses)),
        spent_sum=Sum("bookings__price", filter=Q(bookings__status=BookingStatus.CONFIRMED)),
    )
    for budget in budgets:
        available, committed = budget_accounts(budget)
        balances = dict(Account.objects.filter(pk__in=[available.pk, committed.pk])
                        .values_list("pk", "balance"))
        held = budget.open_sum or 0
        spent = budget.spent_sum or 0
        if (balances[committed.pk] != held
                or balances[available.pk] != budget.amount - held - spent):
            wrong.append(budget.pk)
    result = verify_ledger()
    counts = dict(Booking.objects.values_list("status").annotate(n=Count("id")))
    return {"ledger_ok": bool(result.ok), "budgets_ok": not wrong, "budgets_wrong": wrong[:10],
            "budgets": len(budgets), "bookings": counts}


if __name__ == "__main__":
    if sys.argv[1] == "seed":
        seed(sys.argv[2])
    else:
        print(json.dumps(check()))
