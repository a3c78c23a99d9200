"""Every page and API endpoint against every role, generated from the URL configuration.

The routes come from ``django.urls.get_resolver()`` (allauth's /accounts/, the Django
admin and static files aside), so a new URL without an entry in KWARGS fails
``test_every_url_has_an_entry``. Each role GETs each URL in one seeded world (one of each
object, owned by "jobseeker", provider P and commissioner A) and must get the status
the table says: 200, "login" (302 to the sign-in page), 302 (elsewhere), 401, 403, 404,
405 (a POST-only URL).

The table is compact: DEFAULTS by URL prefix, then per-URL overrides. Record the real
matrix with ``ACCESS_MATRIX_RECORD=1 pytest tests/test_access_matrix.py -s``.
"""

import logging
import os
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from accounts.models import User
from api.services import create_api_token
from bookings import services as bookings
from budgets import services as money
from outcomes import services as outcomes
from payouts import services as payouts
from providers.models import StaffInvitation
from tests.factories import (
    AdviserFactory,
    AuditorFactory,
    BankDetailsFactory,
    CommissionerFactory,
    JobseekerFactory,
    ManagerFactory,
    ProviderAdminFactory,
    ProviderStaffFactory,
    give_totp,
)
from tests.factories.bookings import bookable_offer

pytestmark = [pytest.mark.postgres]

SKIPPED_PREFIXES = ("accounts/", "django-admin/", "static/")
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"

ROLES = ["anonymous", "jobseeker", "other_jobseeker", "adviser", "other_adviser",
         "provider_staff", "provider_admin", "other_provider", "manager", "auditor",
         "other_manager"]


def routes():
    """(route, name) of every URL pattern, walking included URL confs."""

    def walk(resolver, prefix):
        for pattern in resolver.url_patterns:
            route = prefix + str(pattern.pattern)
            if isinstance(pattern, URLResolver):
                yield from walk(pattern, route)
            elif isinstance(pattern, URLPattern):
                yield route, pattern.name

    return [(route, name) for route, name in walk(get_resolver(), "")
            if not route.startswith(SKIPPED_PREFIXES)
            and not route.startswith("api/v1/^")]  # the API's catch-all JSON 404


# --- The seeded world ---------------------------------------------------------------------


class World:
    def __init__(self):
        commissioner, elsewhere = CommissionerFactory(), CommissionerFactory()
        self.people = {
            "manager": give_totp(ManagerFactory(commissioner=commissioner)),
            "auditor": give_totp(AuditorFactory(commissioner=commissioner)),
            "adviser": give_totp(AdviserFactory(commissioner=commissioner)),
            "other_manager": give_totp(ManagerFactory(commissioner=elsewhere)),
            "other_adviser": give_totp(AdviserFactory(commissioner=elsewhere)),
            "provider_admin": give_totp(ProviderAdminFactory()),
            "other_provider": give_totp(ProviderAdminFactory()),
        }
        manager, admin = self.people["manager"], self.people["provider_admin"]
        provider = admin.provider_membership.provider
        self.people["provider_staff"] = give_totp(ProviderStaffFactory(provider=provider))
        for name in ("jobseeker", "other_jobseeker"):
            self.people[name] = JobseekerFactory(
                jobseeker_profile__commissioner=commissioner,
                jobseeker_profile__adviser=self.people["adviser"])
        jobseeker = self.people["jobseeker"]
        BankDetailsFactory(provider=provider)

        self.programme = money.create_programme(actor=manager, name="Leeds Back to Work",
                                                budget_per_person=100_000)
        money.fund_programme(actor=manager, programme=self.programme, amount=10_000_000,
                             reference="grant")
        self.budget = self._claimed_budget("A-1", jobseeker)
        self._claimed_budget("A-2", self.people["other_jobseeker"])
        unclaimed, _ = money.issue_budget(actor=manager, programme=self.programme,
                                          external_reference="A-3")
        self.claim_token = unclaimed.invitation.token

        self.offer = bookable_offer(provider_admin=admin, price=20_000)
        self.booking = self._delivered_booking("settled")
        bookings.confirm_delivery(actor=jobseeker, booking=self.booking)
        self.disputed = self._delivered_booking("disputed")
        bookings.dispute_delivery(actor=jobseeker, booking=self.disputed, reason="Not given")

        self.outcome = outcomes.report_outcome(
            actor=jobseeker, jobseeker=jobseeker, employer="Leeds Logistics",
            job_title="Driver", start_date=timezone.localdate() - timedelta(days=1),
            hours_per_week=30)
        self.evidence = outcomes.add_evidence(
            actor=jobseeker, outcome=self.outcome, kind="payslip",
            file=SimpleUploadedFile("payslip.pdf", PDF))
        self.milestone = self.outcome.milestones.first()
        self.goal = bookings.add_goal(jobseeker=jobseeker, text="Get a forklift licence")
        self.suggestion = bookings.suggest_offer(adviser=self.people["adviser"],
                                                 jobseeker=jobseeker, offer=self.offer)

        self.run = payouts.start_payout_run(actor=manager, commissioner=commissioner)
        self.payout = self.run.payouts.first()
        self.bacs_file = self.run.bacs_files.first() if hasattr(self.run, "bacs_files") \
            else None
        self.staff_token = StaffInvitation.objects.create(
            provider=provider, email="new@example.org", token="join-token-1",
            invited_by=admin).token
        self.provider_api_token, _ = create_api_token(actor=admin, name="matrix")
        self.commissioner_api_token, _ = create_api_token(actor=manager, name="matrix",
                                                          role="commissioner_manager")
        self.provider = provider

    def _claimed_budget(self, reference, person):
        budget, _ = money.issue_budget(actor=self.people["manager"], programme=self.programme,
                                       external_reference=reference)
        return money.claim_invitation(user=person, code_or_token=budget.invitation.code)

    def _delivered_booking(self, token):
        booking = bookings.request_booking(jobseeker=self.people["jobseeker"],
                                           offer=self.offer, request_token=token)
        bookings.accept_booking(actor=self.people["provider_admin"], booking=booking)
        return bookings.mark_delivered(actor=self.people["provider_admin"], booking=booking)


def _bacs_file_pk(w):
    from payouts.models import BacsFile

    return BacsFile.objects.filter(run=w.run).values_list("pk", flat=True).first()


def _flag_pk(w):
    from anomalies.models import Flag

    flag, _ = Flag.objects.get_or_create(
        commissioner=w.programme.commissioner, rule="whole_budget",
        subject_key=f"provider:{w.provider.pk}",
        defaults={"provider": w.provider, "summary": "A test flag",
                  "raised_at": timezone.now(), "last_seen_at": timezone.now()})
    return flag.pk


# URL name → kwargs from the world. Every routed URL needs an entry (None: no kwargs).
KWARGS = {
    "home": None, "about": None, "healthz": None, "jobseeker_home": None,
    "adviser_home": None, "provider_home": None, "commissioner_home": None,
    "claim_invitation": None, "claim_by_link": lambda w: {"token": w.claim_token},
    "my_budget": None, "programmes": None, "programme_new": None,
    "programme_detail": lambda w: {"programme_id": w.programme.pk},
    "programme_edit": lambda w: {"programme_id": w.programme.pk},
    "programme_fund": lambda w: {"programme_id": w.programme.pk},
    "issue_budget": lambda w: {"programme_id": w.programme.pk},
    "upload_budgets": lambda w: {"programme_id": w.programme.pk},
    "budget_detail": lambda w: {"programme_id": w.programme.pk, "budget_id": w.budget.pk},
    "register_provider": None, "provider_staff": None,
    "join_provider": lambda w: {"token": w.staff_token},
    "provider_approvals": None, "provider_decide": lambda w: {"provider_id": w.provider.pk},
    "offer_search": None, "offer_detail": lambda w: {"offer_id": w.offer.pk},
    "provider_offers": None, "offer_create": None,
    "offer_edit": lambda w: {"offer_id": w.offer.pk},
    "offer_submit": lambda w: {"offer_id": w.offer.pk},
    "offer_withdraw": lambda w: {"offer_id": w.offer.pk},
    "offer_approvals": None, "offer_review": lambda w: {"offer_id": w.offer.pk},
    "offer_approve": lambda w: {"offer_id": w.offer.pk},
    "offer_refuse": lambda w: {"offer_id": w.offer.pk},
    "book_offer": lambda w: {"offer_id": w.offer.pk},
    "jobseeker_bookings": None, "jobseeker_booking": lambda w: {"booking_id": w.booking.pk},
    "my_plan": None, "provider_bookings": None,
    "provider_booking": lambda w: {"booking_id": w.booking.pk},
    "disputes": None, "dispute": lambda w: {"booking_id": w.disputed.pk},
    "caseload_person": lambda w: {"user_id": w.people["jobseeker"].pk},
    "record_assessment": lambda w: {"user_id": w.people["jobseeker"].pk},
    "outcome_list": None, "outcome_report": None, "outcome_queue": None,
    "outcome_detail": lambda w: {"pk": w.outcome.pk},
    "outcome_evidence_add": lambda w: {"pk": w.outcome.pk},
    "outcome_end": lambda w: {"pk": w.outcome.pk},
    "outcome_verify": lambda w: {"pk": w.outcome.pk},
    "outcome_reject": lambda w: {"pk": w.outcome.pk},
    "evidence_download": lambda w: {"pk": w.evidence.pk},
    "milestone_verify": lambda w: {"pk": w.milestone.pk},
    "milestone_reject": lambda w: {"pk": w.milestone.pk},
    "milestone_confirm": lambda w: {"pk": w.milestone.pk},
    "provider_earnings": None, "provider_outcomes": lambda w: {"pk": w.provider.pk},
    "payouts_commissioner": None, "payouts_start_run": None,
    "payouts_run": lambda w: {"pk": w.run.pk},
    "payouts_download_file": lambda w: {"pk": _bacs_file_pk(w)},
    "payouts_mark_file_paid": lambda w: {"pk": _bacs_file_pk(w)},
    "payouts_returned": lambda w: {"pk": w.payout.pk},
    "payouts_reconciliation": None, "payouts_provider": None, "payouts_bank_details": None,
    "payouts_stripe_connect": None, "payouts_stripe_refresh": None,
    "payouts_stripe_return": None, "payouts_stripe_webhook": None,
    "my_data": None, "my_data_json": None, "privacy_erase": None, "privacy_erased": None,
    "api_schema": None, "api_docs": None, "api_me": None, "api_offer_search": None,
    "api_offer_detail": lambda w: {"pk": w.offer.pk}, "api_my_budgets": None,
    "api_claim": None, "api_provider_offers": None,
    "api_provider_offer": lambda w: {"pk": w.offer.pk},
    "api_offer_submit": lambda w: {"pk": w.offer.pk},
    "api_offer_withdraw": lambda w: {"pk": w.offer.pk},
    "api_provider_outcomes": None,
    "api_outcome_evidence": lambda w: {"pk": w.outcome.pk},
    "api_programmes": None, "api_programme": lambda w: {"pk": w.programme.pk},
    "api_programme_fund": lambda w: {"pk": w.programme.pk},
    "api_programme_budgets": lambda w: {"pk": w.programme.pk},
    "api_programme_budgets_bulk": lambda w: {"pk": w.programme.pk},
    "api_pending_offers": None,
    "api_offer_approve": lambda w: {"pk": w.offer.pk},
    "api_offer_refuse": lambda w: {"pk": w.offer.pk},
    "api_verification_queue": None,
    "api_outcome_verify": lambda w: {"pk": w.outcome.pk},
    "api_outcome_reject": lambda w: {"pk": w.outcome.pk},
    "api_milestones_due": None,
    "api_milestone_verify": lambda w: {"pk": w.milestone.pk},
    "api_milestone_reject": lambda w: {"pk": w.milestone.pk},
    "api_my_bookings": None, "api_my_plan": None, "api_plan_goals": None,
    "api_plan_offers": None, "api_provider_bookings": None,
    "api_my_booking": lambda w: {"pk": w.booking.pk},
    "api_booking_cancel": lambda w: {"pk": w.booking.pk},
    "api_booking_confirm": lambda w: {"pk": w.booking.pk},
    "api_booking_dispute": lambda w: {"pk": w.booking.pk},
    "api_provider_booking": lambda w: {"pk": w.booking.pk},
    "api_booking_accept": lambda w: {"pk": w.booking.pk},
    "api_booking_decline": lambda w: {"pk": w.booking.pk},
    "api_booking_deliver": lambda w: {"pk": w.booking.pk},
    "api_plan_goal": lambda w: {"pk": w.goal.pk},
    "api_suggestion_accept": lambda w: {"pk": w.suggestion.pk},
    "api_suggestion_decline": lambda w: {"pk": w.suggestion.pk},
    "api_dashboard": None, "api_payout_runs": None,
    "api_payout_run": lambda w: {"pk": w.run.pk},
    "provider_api_tokens": None,
    "provider_api_tokens_revoke": lambda w: {"pk": w.provider_api_token.pk},
    "commissioner_api_tokens": None,
    "commissioner_api_tokens_revoke": lambda w: {"pk": w.commissioner_api_token.pk},
    "anomaly_flags": None, "anomaly_run": None,
    "anomaly_flag": lambda w: {"pk": _flag_pk(w)}, "anomaly_clear": lambda w: {"pk": _flag_pk(w)},
    "audit_log": None, "ledger_verification": None, "ledger_verify": None,
    "insights": None, "insights_dashboard": lambda w: {"programme_id": w.programme.pk},
    "insights_chart_csv": lambda w: {"programme_id": w.programme.pk, "key": "budgets"},
    "insights_export": lambda w: {"name": "bookings"}, "league_table": None,
    "api_programme_dashboard": lambda w: {"pk": w.programme.pk},
    "api_export": lambda w: {"name": "bookings"},
}


def status_of(response) -> object:
    if response.status_code == 302 and response["Location"].startswith("/accounts/login/"):
        return "login"
    return response.status_code


def record(client, world):
    matrix = {}
    logging.disable(logging.WARNING)  # thousands of expected 403/404/405 warnings
    try:
        _record(client, world, matrix)
    finally:
        logging.disable(logging.NOTSET)
    return matrix


def _record(client, world, matrix):
    for role in ROLES:
        client.logout()
        if role != "anonymous":
            client.force_login(User.objects.get(pk=world.people[role].pk))
        for _, name in routes():
            builder = KWARGS[name]
            path = reverse(name, kwargs=builder(world) if builder else None)
            matrix[(name, role)] = status_of(client.get(path))


@pytest.mark.django_db
def test_every_url_has_an_entry():
    missing = sorted({name or route for route, name in routes()} - set(KWARGS))
    assert missing == [], f"add these URLs to the access matrix: {missing}"


def write(client, name, path):
    """An empty write: JSON to the API (PATCH where the URL takes no POST), a form elsewhere."""
    if not path.startswith("/api/"):
        return client.post(path, {})
    method = client.patch if name in PATCH_ONLY else client.post
    return method(path, "{}", content_type="application/json")


PATCH_ONLY = {"api_plan_goal"}


def record_writes(client, world, matrix):
    """POST an empty body, as each role, to every URL that refused somebody's GET with 405."""
    logging.disable(logging.WARNING)
    writes = {}
    try:
        for name in sorted({name for (name, _), status in matrix.items() if status == 405}):
            builder = KWARGS[name]
            path = reverse(name, kwargs=builder(world) if builder else None)
            for role in ROLES:
                client.logout()
                if role != "anonymous":
                    client.force_login(User.objects.get(pk=world.people[role].pk))
                writes[(name, role)] = status_of(write(client, name, path))
    finally:
        logging.disable(logging.NOTSET)
    return writes


@pytest.mark.django_db
def test_write_matrix(client):
    """The GET matrix can only say 405 for a URL that takes writes; here each role writes,
    and everybody outside WRITERS must be refused before anything is checked or changed."""
    world = World()
    writes = record_writes(client, world, record(client, world))
    if os.environ.get("ACCESS_MATRIX_RECORD"):
        for name in sorted({name for name, _ in writes}):
            print(f"{name:32}", " ".join(f"{str(writes[(name, r)]):>5}" for r in ROLES))
    assert sorted({name for name, _ in writes}) == sorted(WRITERS), \
        "add these write URLs to WRITERS"
    wrong = {}
    for (name, role), got in writes.items():
        allowed = role in WRITERS[name]
        if allowed and (got in REFUSED or (isinstance(got, int) and got >= 500)):
            wrong[(name, role)] = (got, "let through")
        elif not allowed and got not in REFUSED:
            wrong[(name, role)] = (got, "refused")
    assert wrong == {}, "(url, role): (got, expected)\n" + "\n".join(
        f"{key}: {value}" for key, value in sorted(wrong.items()))


@pytest.mark.django_db
def test_access_matrix(client):
    world = World()
    matrix = record(client, world)
    if os.environ.get("ACCESS_MATRIX_RECORD"):
        for _, name in routes():
            print(f"{name:32}", " ".join(f"{str(matrix[(name, r)]):>5}" for r in ROLES))
    wrong = {key: (matrix[key], expected(*key)) for key in matrix
             if matrix[key] != expected(*key)}
    assert wrong == {}, "(url, role): (got, expected)\n" + "\n".join(
        f"{key}: {value}" for key, value in sorted(wrong.items()))


# --- What each role gets ---------------------------------------------------------------

GROUPS = {
    "signed_in": ROLES[1:],
    "jobseekers": ["jobseeker", "other_jobseeker"],
    "advisers": ["adviser", "other_adviser"],
    "providers": ["provider_staff", "provider_admin", "other_provider"],
    "commissioners": ["manager", "auditor", "other_manager"],
    # The world's objects belong to these; "other_*" see them only if shared.
    "others": ["other_jobseeker", "other_adviser", "other_provider", "other_manager"],
}


def only(group, status=200, *, anonymous="login", rest=403):
    """``group`` gets ``status``, anonymous ``anonymous``, every other role ``rest``."""
    table = {role: rest for role in ROLES}
    table["anonymous"] = anonymous
    for role in GROUPS[group]:
        table[role] = status
    return table


PUBLIC = {role: 200 for role in ROLES}

# Longest prefix wins.
DEFAULTS = {
    "": PUBLIC,
    "my/": only("jobseekers"),
    "adviser/": only("advisers"),
    "provider/": only("providers"),
    "commissioner/": only("commissioners"),
    "outcomes/": only("signed_in"),
    "milestones/": only("commissioners"),
    "earnings/": only("providers"),
    "api/v1/jobseeker/": only("jobseekers", anonymous=401),
    "api/v1/provider/": only("providers", anonymous=401),
    "api/v1/commissioner/": only("commissioners", anonymous=401),
}

POST_ONLY = {"anonymous": 405, "signed_in": 405}  # a GET is refused before any check
MANAGERS_POST = {"manager": 405, "other_manager": 405, "auditor": 403}  # auditors read only
OWN_COMMISSIONER = {"other_manager": 404}  # another commissioner's objects do not exist
MANAGER_PAGE = {"auditor": 403, "other_manager": 404}

# Per URL: changes to its prefix's default, by role or group (applied in order).
OVERRIDES = {
    # Public pages with something for signed-in people.
    "home": {"signed_in": 302},  # straight to each role's home
    "claim_by_link": {"anonymous": 302, "jobseeker": 302},  # sign up first; already has one
    "join_provider": {"signed_in": 200, "anonymous": "login"},
    "book_offer": only("jobseekers"),
    "privacy_erased": PUBLIC,
    # Commissioner pages: a manager's own programmes only; auditors read, never change.
    "programme_new": {"auditor": 403},
    "programme_detail": OWN_COMMISSIONER,
    "budget_detail": OWN_COMMISSIONER,
    "programme_edit": MANAGER_PAGE,
    "programme_fund": MANAGER_PAGE,
    "issue_budget": MANAGER_PAGE,
    "upload_budgets": MANAGER_PAGE,
    "dispute": OWN_COMMISSIONER,
    "payouts_run": OWN_COMMISSIONER,
    "payouts_download_file": OWN_COMMISSIONER,
    "payouts_returned": MANAGER_PAGE,
    "commissioner_api_tokens": {"auditor": 403},
    "offer_approve": MANAGERS_POST,
    "offer_refuse": MANAGERS_POST,
    # Provider pages: another provider's objects do not exist; some are for admins only.
    "register_provider": {"providers": 403},
    "offer_edit": {"other_provider": 404},
    "offer_submit": {"providers": 405},
    "offer_withdraw": {"providers": 405},
    "provider_booking": {"other_provider": 404},
    "payouts_bank_details": {"provider_staff": 403},
    "payouts_stripe_refresh": {"provider_staff": 403, "provider_admin": 302,
                               "other_provider": 302},  # on to Stripe's onboarding
    "payouts_stripe_return": {"provider_staff": 403, "provider_admin": 302,
                              "other_provider": 302},
    "provider_api_tokens": {"provider_staff": 403},
    # A jobseeker's own records; an adviser's own caseload.
    "jobseeker_booking": {"other_jobseeker": 404},
    "caseload_person": {"other_adviser": 404},
    # Outcomes: seen by the people the job concerns, nobody else.
    "outcome_report": {"commissioners": 403},
    "outcome_queue": {"jobseekers": 403, "advisers": 403, "providers": 403},
    "outcome_detail": {"others": 403},
    "evidence_download": {"others": 403},
    "outcome_evidence_add": {"jobseekers": 405, "advisers": 405, "providers": 405,
                             "commissioners": 403},
    "outcome_end": {"jobseekers": 405, "advisers": 405, "providers": 405,
                    "commissioners": 403},
    "outcome_verify": {"signed_in": 403, **MANAGERS_POST},
    "outcome_reject": {"signed_in": 403, **MANAGERS_POST},
    "milestone_verify": MANAGERS_POST,
    "milestone_reject": MANAGERS_POST,
    "milestone_confirm": {"jobseekers": 405, "commissioners": 403},
    # POST-only endpoints.
    "record_assessment": POST_ONLY,
    "payouts_start_run": POST_ONLY,
    "payouts_mark_file_paid": POST_ONLY,
    "payouts_stripe_connect": POST_ONLY,
    "payouts_stripe_webhook": POST_ONLY,
    "provider_api_tokens_revoke": POST_ONLY,
    "commissioner_api_tokens_revoke": POST_ONLY,
    "anomaly_run": POST_ONLY, "anomaly_clear": POST_ONLY, "ledger_verify": POST_ONLY,
    "anomaly_flag": OWN_COMMISSIONER,
    "insights_dashboard": OWN_COMMISSIONER,
    "insights_chart_csv": OWN_COMMISSIONER,
    "api_programme_dashboard": OWN_COMMISSIONER,
    # The API: 401 without credentials, 404 for another organisation's objects.
    "api_me": {"anonymous": 401},
    "api_claim": {"jobseekers": 405},
    "api_provider_offer": {"other_provider": 404},
    "api_offer_submit": {"providers": 405},
    "api_offer_withdraw": {"providers": 405},
    "api_outcome_evidence": {"providers": 405},
    "api_programme": OWN_COMMISSIONER,
    "api_programme_budgets": OWN_COMMISSIONER,
    "api_payout_run": OWN_COMMISSIONER,
    "api_programme_fund": {"commissioners": 405},
    "api_programme_budgets_bulk": {"commissioners": 405},
    "api_offer_approve": {"commissioners": 405},
    "api_offer_refuse": {"commissioners": 405},
    "api_outcome_verify": {"commissioners": 405},
    "api_outcome_reject": {"commissioners": 405},
    "api_milestone_verify": {"commissioners": 405},
    "api_milestone_reject": {"commissioners": 405},
    "api_my_booking": {"other_jobseeker": 404},
    "api_booking_cancel": {"jobseekers": 405},
    "api_booking_confirm": {"jobseekers": 405},
    "api_booking_dispute": {"jobseekers": 405},
    "api_plan_goals": {"jobseekers": 405},
    "api_plan_goal": {"jobseekers": 405},
    "api_plan_offers": {"jobseekers": 405},
    "api_suggestion_accept": {"jobseekers": 405},
    "api_suggestion_decline": {"jobseekers": 405},
    "api_provider_booking": {"other_provider": 404},
    "api_booking_accept": {"providers": 405},
    "api_booking_decline": {"providers": 405},
    "api_booking_deliver": {"providers": 405},
}


# --- Who may write --------------------------------------------------------------------
# For each URL that takes only writes: who gets past the access checks with an empty body
# (to a validation error, a "wrong state" answer or success). Everybody else must get one
# of REFUSED. Offers and providers are approved marketplace-wide, so any commissioner's
# manager may decide them; everything else is the owner's alone.

REFUSED = {401, 403, 404, "login"}
JOBSEEKER = ["jobseeker"]
PROVIDER = ["provider_staff", "provider_admin"]
MANAGER = ["manager"]
ANY_MANAGER = ["manager", "other_manager"]
WRITERS = {
    "anomaly_clear": MANAGER, "anomaly_run": ANY_MANAGER,
    "api_booking_accept": PROVIDER, "api_booking_decline": PROVIDER,
    "api_booking_deliver": PROVIDER,
    "api_booking_cancel": JOBSEEKER, "api_booking_confirm": JOBSEEKER,
    "api_booking_dispute": JOBSEEKER,
    "api_claim": ["jobseeker", "other_jobseeker"],
    "api_milestone_reject": MANAGER, "api_milestone_verify": MANAGER,
    "api_outcome_reject": MANAGER, "api_outcome_verify": MANAGER,
    "api_programme_budgets_bulk": MANAGER, "api_programme_fund": MANAGER,
    "api_offer_approve": ANY_MANAGER, "api_offer_refuse": ANY_MANAGER,
    "api_offer_submit": PROVIDER, "api_offer_withdraw": PROVIDER,
    "api_outcome_evidence": PROVIDER,
    "api_plan_goal": JOBSEEKER,
    "api_plan_goals": ["jobseeker", "other_jobseeker"],  # each adds to their own plan
    "api_plan_offers": ["jobseeker", "other_jobseeker"],
    "api_suggestion_accept": JOBSEEKER, "api_suggestion_decline": JOBSEEKER,
    "commissioner_api_tokens_revoke": MANAGER,
    # Reading the ledger and recording the result: auditors may, for their own programmes.
    "ledger_verify": ["manager", "auditor", "other_manager"],
    "milestone_confirm": JOBSEEKER,
    "milestone_reject": MANAGER, "milestone_verify": MANAGER,
    "offer_approve": ANY_MANAGER, "offer_refuse": ANY_MANAGER,
    "offer_submit": PROVIDER, "offer_withdraw": PROVIDER,
    # The people a job concerns: the jobseeker, their adviser, the provider they booked.
    "outcome_end": ["jobseeker", "adviser", *PROVIDER],
    "outcome_evidence_add": ["jobseeker", "adviser", *PROVIDER],
    "outcome_reject": MANAGER, "outcome_verify": MANAGER,
    "payouts_mark_file_paid": MANAGER, "payouts_start_run": ANY_MANAGER,
    "payouts_stripe_connect": ["provider_admin", "other_provider"],  # their own organisation
    "payouts_stripe_webhook": ROLES,  # Stripe's signature decides, not a session
    "provider_api_tokens_revoke": ["provider_admin"],
    "record_assessment": ["adviser"],
}


def expected(name, role):
    route = ROUTE_OF[name]
    prefix = max((p for p in DEFAULTS if route.startswith(p)), key=len)
    table = dict(DEFAULTS[prefix])
    for who, status in OVERRIDES.get(name, {}).items():
        for member in GROUPS.get(who, [who]):
            table[member] = status
    return table[role]


ROUTE_OF = {name: route for route, name in routes()}
