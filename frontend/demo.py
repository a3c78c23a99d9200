"""Demo data: one commissioner, a funded programme, three providers with ten offers,
three jobseekers with budgets. Safe to load any number of times."""

from dataclasses import dataclass

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP
from django.db import transaction

from accounts.models import Commissioner, JobseekerProfile, Role, SupportTier, User
from budgets import services as budget_services
from budgets.models import Invitation, Programme
from marketplace.models import Category, DeliveryMode, Offer, OfferStatus
from providers.models import Provider, ProviderMember, ProviderStatus, ProviderType

PASSWORD = "onward-demo-2026"
# Fixed secrets so the printed sign-ins work; `manage.py demo_code EMAIL` prints a code.
TOTP_SECRETS = {
    "manager@demo.onward.test": "MANAGERDEMOONWARDSECRETAAAAAAAAA",
    "auditor@demo.onward.test": "AUDITORDEMOONWARDSECRETAAAAAAAAA",
    "adviser@demo.onward.test": "ADVISERDEMOONWARDSECRETAAAAAAAAA",
    "admin@skills-coop.demo.onward.test": "SKILLSCOOPDEMOONWARDSECRETAAAAAA",
    "staff@skills-coop.demo.onward.test": "SKILLSSTAFFDEMOONWARDSECRETAAAAA",
    "admin@northern-training.demo.onward.test": "NORTHERNDEMOONWARDSECRETAAAAAAAA",
    "admin@chapeltown-trust.demo.onward.test": "CHAPELTOWNDEMOONWARDSECRETAAAAAA",
}

PROVIDERS = [
    ("Leeds Skills Co-operative", ProviderType.SOCIAL_ENTERPRISE, "SE-40112",
     "admin@skills-coop.demo.onward.test", "Leeds, Bradford"),
    ("Northern Training Ltd", ProviderType.COMPANY, "09876543",
     "admin@northern-training.demo.onward.test", "Leeds, Wakefield, York"),
    ("Chapeltown Community Trust", ProviderType.CHARITY, "1180042",
     "admin@chapeltown-trust.demo.onward.test", "Chapeltown, Harehills"),
]

# (provider index, title, category, price in pence, mode, area, lat, lon, capacity)
OFFERS = [
    (0, "Forklift licence (counterbalance, 3 days)", Category.LICENCES, 45_000,
     DeliveryMode.IN_PERSON, "Leeds", "53.79480", "-1.54910", 8),
    (0, "CSCS card with health and safety test", Category.LICENCES, 18_000,
     DeliveryMode.BLENDED, "Leeds", "53.79480", "-1.54910", 20),
    (0, "One-to-one job coaching, 6 sessions", Category.COACHING, 36_000,
     DeliveryMode.IN_PERSON, "Bradford", "53.79590", "-1.75940", 12),
    (1, "Level 2 Food Hygiene certificate", Category.TRAINING, 9_500,
     DeliveryMode.ONLINE, "", None, None, None),
    (1, "CV rewrite and mock interview", Category.CV_INTERVIEW, 12_000,
     DeliveryMode.ONLINE, "", None, None, None),
    (1, "Essential digital skills: email, forms and video calls", Category.DIGITAL, 15_000,
     DeliveryMode.BLENDED, "Wakefield", "53.68330", "-1.49770", 15),
    (1, "Interview clothing voucher", Category.CLOTHING, 8_000,
     DeliveryMode.IN_PERSON, "York", "53.95990", "-1.08730", None),
    (2, "Childcare while you train (up to 4 weeks)", Category.CHILDCARE, 40_000,
     DeliveryMode.IN_PERSON, "Chapeltown", "53.81870", "-1.53250", 6),
    (2, "English for work (ESOL Entry 3)", Category.ENGLISH, 22_000,
     DeliveryMode.IN_PERSON, "Harehills", "53.81010", "-1.51630", 14),
    (2, "Confidence and wellbeing group, 8 weeks", Category.HEALTH, 16_000,
     DeliveryMode.IN_PERSON, "Chapeltown", "53.81870", "-1.53250", 10),
]

JOBSEEKERS = [
    ("amina@demo.onward.test", "Amina Hussain", "DEMO-JS-1", SupportTier.ENHANCED),
    ("dave@demo.onward.test", "Dave Walker", "DEMO-JS-2", SupportTier.STANDARD),
    ("kasia@demo.onward.test", "Kasia Nowak", "DEMO-JS-3", SupportTier.INTENSIVE),
]


@dataclass
class SignIn:
    role: str
    email: str
    totp_secret: str = ""


def _user(email, full_name, role, commissioner=None) -> User:
    user, created = User.objects.get_or_create(
        email=email, defaults={"full_name": full_name, "role": role, "commissioner": commissioner}
    )
    if created:
        user.set_password(PASSWORD)
        user.save(update_fields=["password"])
    EmailAddress.objects.get_or_create(user=user, email=email,
                                       defaults={"verified": True, "primary": True})
    secret = TOTP_SECRETS.get(email)
    if secret and not Authenticator.objects.filter(user=user, type="totp").exists():
        TOTP.activate(user, secret)
    return user


def _demo_bookings(provider_admins) -> None:
    """A little history: Dave's forklift licence delivered and paid, Amina's coaching
    requested and waiting for the provider's answer."""
    from bookings import services as bookings

    skills_coop, skills_admin = provider_admins[0]
    forklift = Offer.objects.get(provider=skills_coop, title__startswith="Forklift")
    coaching = Offer.objects.get(provider=skills_coop, title__startswith="One-to-one")
    dave = User.objects.get(email="dave@demo.onward.test")
    amina = User.objects.get(email="amina@demo.onward.test")
    done = bookings.request_booking(jobseeker=dave, offer=forklift, request_token="demo-1")
    if done.status == "requested":
        bookings.accept_booking(actor=skills_admin, booking=done)
        bookings.mark_delivered(actor=skills_admin, booking=done)
        bookings.confirm_delivery(actor=dave, booking=done)
    bookings.request_booking(jobseeker=amina, offer=coaching, request_token="demo-2",
                             message="I can come on Tuesday and Thursday mornings.")


@transaction.atomic
def load_demo() -> tuple[list[SignIn], str]:
    council = Commissioner.objects.get_or_create(name="Leeds City Council")[0]
    manager = _user("manager@demo.onward.test", "Priya Shah", Role.COMMISSIONER_MANAGER, council)
    _user("auditor@demo.onward.test", "Tom Ellis", Role.COMMISSIONER_AUDITOR, council)
    adviser = _user("adviser@demo.onward.test", "Grace Okafor", Role.ADVISER, council)

    programme = Programme.objects.filter(commissioner=council, name="Back to Work Leeds").first()
    if programme is None:
        programme = budget_services.create_programme(
            actor=manager, name="Back to Work Leeds", budget_per_person=120_000,
            description="Personal budgets for people out of work for six months or more.")
    budget_services.fund_programme(actor=manager, programme=programme, amount=25_000_000,
                                   reference="DEMO-GRANT-2026")

    provider_admins = []
    for name, kind, number, email, areas in PROVIDERS:
        provider, _ = Provider.objects.get_or_create(name=name, defaults={
            "provider_type": kind, "registration_number": number, "areas_served": areas,
            "description": f"{name} helps people in {areas} back into work.",
            "contact_email": email, "status": ProviderStatus.APPROVED,
        })
        admin = _user(email, f"{name} admin", Role.PROVIDER_ADMIN)
        ProviderMember.objects.get_or_create(user=admin, defaults={"provider": provider})
        provider_admins.append((provider, admin))
    staff = _user("staff@skills-coop.demo.onward.test", "Sam Reid", Role.PROVIDER_STAFF)
    ProviderMember.objects.get_or_create(user=staff, defaults={"provider": provider_admins[0][0]})

    for index, title, category, price, mode, area, lat, lon, capacity in OFFERS:
        provider = provider_admins[index][0]
        Offer.objects.get_or_create(provider=provider, title=title, defaults={
            "what_you_get": f"{title}. Everything you need is included.",
            "who_it_is_for": "Anyone looking for work who would like this support.",
            "category": category, "price": price, "price_covers": "All sessions and materials",
            "delivery_mode": mode, "area": area, "latitude": lat, "longitude": lon,
            "capacity": capacity, "start_dates": "Starts every month",
            "accessibility": "Step-free access. Large print on request.",
            "languages": "English", "status": OfferStatus.APPROVED, "reviewed_by": manager,
        })

    for email, name, reference, tier in JOBSEEKERS:
        jobseeker = _user(email, name, Role.JOBSEEKER)
        budget, _ = budget_services.issue_budget(
            actor=manager, programme=programme, external_reference=reference,
            recipient_name=name, recipient_email=email, months_unemployed=9)
        if budget.jobseeker_id is None:
            budget_services.claim_invitation(user=jobseeker, code_or_token=budget.invitation.code)
        JobseekerProfile.objects.filter(user=jobseeker).update(adviser=adviser, support_tier=tier)

    _demo_bookings(provider_admins)

    # One invitation left unclaimed, to try the claim journey.
    spare, _ = budget_services.issue_budget(
        actor=manager, programme=programme, external_reference="DEMO-SPARE-1",
        recipient_name="New Jobseeker", months_unemployed=12)
    code = Invitation.objects.get(budget=spare).code

    sign_ins = [
        SignIn("Jobseeker", "amina@demo.onward.test"),
        SignIn("Adviser", "adviser@demo.onward.test", TOTP_SECRETS["adviser@demo.onward.test"]),
        SignIn("Provider admin (social enterprise)", "admin@skills-coop.demo.onward.test",
               TOTP_SECRETS["admin@skills-coop.demo.onward.test"]),
        SignIn("Provider staff", "staff@skills-coop.demo.onward.test",
               TOTP_SECRETS["staff@skills-coop.demo.onward.test"]),
        SignIn("Commissioner manager", "manager@demo.onward.test",
               TOTP_SECRETS["manager@demo.onward.test"]),
        SignIn("Commissioner auditor", "auditor@demo.onward.test",
               TOTP_SECRETS["auditor@demo.onward.test"]),
    ]
    return sign_ins, code
