"""Offers: providers manage only their own, commissioner managers approve or refuse,
and bad input gets a message beside the field."""

import pytest
from django.template.loader import render_to_string
from django.urls import reverse

from marketplace import services
from marketplace.errors import NotAllowed, NotYourOffer, ReasonRequired
from marketplace.models import Offer, OfferStatus
from marketplace.search import SearchQuery, search_offers
from tests.factories import OfferFactory, ProviderAdminFactory, give_totp

pytestmark = pytest.mark.django_db

GOOD = {
    "title": "Forklift licence",
    "what_you_get": "Five days of training and the test.",
    "who_it_is_for": "Anyone over 18 who wants warehouse work.",
    "category": "licences",
    "price": "450",
    "price_covers": "Training, test fee and certificate",
    "delivery_mode": "in_person",
    "area": "Leeds",
    "latitude": "",
    "longitude": "",
    "capacity": "8",
    "next_start": "",
    "start_dates": "Every month",
    "accessibility": "Step-free access",
    "languages": "English",
    "action": "submit",
}


@pytest.fixture
def own_offer(provider_admin):
    return OfferFactory(provider=provider_admin.provider_membership.provider,
                        title="Our coaching")


@pytest.fixture
def other_admin(db):
    return give_totp(ProviderAdminFactory())


@pytest.fixture
def other_draft(other_admin):
    return OfferFactory(provider=other_admin.provider_membership.provider,
                        title="Their secret draft", status=OfferStatus.DRAFT)


def listed_titles():
    return [o.title for o in search_offers(SearchQuery()).offers]


# --- Creating and changing -------------------------------------------------------


def test_a_new_offer_waits_for_approval_and_is_not_in_search(client, provider_staff):
    client.force_login(provider_staff)
    response = client.post(reverse("offer_create"), GOOD)
    assert response.status_code == 302
    offer = Offer.objects.get(title="Forklift licence")
    assert offer.status == OfferStatus.PENDING
    assert offer.provider == provider_staff.provider_membership.provider
    assert offer.price == 45000
    assert listed_titles() == []


def test_an_offer_can_be_saved_as_a_draft(client, provider_admin):
    client.force_login(provider_admin)
    client.post(reverse("offer_create"), {**GOOD, "action": "draft"})
    assert Offer.objects.get(title="Forklift licence").status == OfferStatus.DRAFT


def test_changing_an_approved_offer_sends_it_back_for_approval(provider_admin, own_offer):
    assert listed_titles() == ["Our coaching"]
    services.update_offer(actor=provider_admin, offer=own_offer, price=30000)
    own_offer.refresh_from_db()
    assert own_offer.status == OfferStatus.PENDING and own_offer.price == 30000
    assert listed_titles() == []


def test_the_edit_page_changes_the_offer(client, provider_admin, own_offer):
    client.force_login(provider_admin)
    response = client.post(reverse("offer_edit", args=[own_offer.pk]),
                           {**GOOD, "title": "Our better coaching", "price": "99.99"})
    assert response.status_code == 302
    own_offer.refresh_from_db()
    assert (own_offer.title, own_offer.price, own_offer.status) == (
        "Our better coaching", 9999, OfferStatus.PENDING)


def test_withdrawing_takes_an_offer_out_of_search(client, provider_admin, own_offer):
    client.force_login(provider_admin)
    client.post(reverse("offer_withdraw", args=[own_offer.pk]))
    own_offer.refresh_from_db()
    assert own_offer.status == OfferStatus.WITHDRAWN and listed_titles() == []


def test_a_withdrawn_offer_can_be_sent_for_approval_again(client, provider_admin, own_offer):
    services.withdraw_offer(actor=provider_admin, offer=own_offer)
    client.force_login(provider_admin)
    client.post(reverse("offer_submit", args=[own_offer.pk]))
    own_offer.refresh_from_db()
    assert own_offer.status == OfferStatus.PENDING


# --- Another provider's offers -----------------------------------------------------------


def test_a_provider_cannot_see_another_providers_draft(client, provider_admin, other_draft):
    client.force_login(provider_admin)
    assert client.get(reverse("offer_detail", args=[other_draft.pk])).status_code == 404
    assert client.get(reverse("offer_edit", args=[other_draft.pk])).status_code == 404
    assert "Their secret draft" not in client.get(reverse("provider_offers")).content.decode()


def test_a_provider_cannot_change_or_withdraw_another_providers_offer(client, provider_admin,
                                                                       other_draft):
    client.force_login(provider_admin)
    edit = client.post(reverse("offer_edit", args=[other_draft.pk]), GOOD)
    withdraw = client.post(reverse("offer_withdraw", args=[other_draft.pk]))
    submit = client.post(reverse("offer_submit", args=[other_draft.pk]))
    assert (edit.status_code, withdraw.status_code, submit.status_code) == (404, 404, 404)
    other_draft.refresh_from_db()
    assert other_draft.status == OfferStatus.DRAFT and other_draft.title == "Their secret draft"


def test_the_service_refuses_another_providers_offer(provider_admin, other_draft):
    with pytest.raises(NotYourOffer):
        services.update_offer(actor=provider_admin, offer=other_draft, title="Mine now")
    with pytest.raises(NotYourOffer):
        services.withdraw_offer(actor=provider_admin, offer=other_draft)


def test_a_provider_sees_its_own_draft(client, provider_staff):
    draft = OfferFactory(provider=provider_staff.provider_membership.provider,
                         status=OfferStatus.DRAFT, title="Our draft")
    client.force_login(provider_staff)
    assert client.get(reverse("offer_detail", args=[draft.pk])).status_code == 200
    assert "Our draft" in client.get(reverse("provider_offers")).content.decode()


def test_nobody_else_sees_an_unapproved_offer(client, jobseeker, other_draft):
    assert client.get(reverse("offer_detail", args=[other_draft.pk])).status_code == 404
    client.force_login(jobseeker)
    assert client.get(reverse("offer_detail", args=[other_draft.pk])).status_code == 404


@pytest.mark.parametrize("who", ["jobseeker", "adviser", "manager", "auditor"])
def test_only_provider_members_reach_the_offer_management_pages(client, request, who):
    client.force_login(request.getfixturevalue(who))
    assert client.get(reverse("provider_offers")).status_code == 403
    assert client.get(reverse("offer_create")).status_code == 403


# --- Approval ------------------------------------------------------------------------------


def test_a_manager_approves_an_offer_into_search(client, manager):
    offer = OfferFactory(status=OfferStatus.PENDING, title="Waiting")
    client.force_login(manager)
    assert "Waiting" in client.get(reverse("offer_approvals")).content.decode()
    response = client.post(reverse("offer_approve", args=[offer.pk]))
    assert response.status_code == 302
    offer.refresh_from_db()
    assert offer.status == OfferStatus.APPROVED and offer.reviewed_by == manager
    assert listed_titles() == ["Waiting"]


def test_a_refusal_carries_a_reason_the_provider_sees(client, manager, provider_admin):
    offer = OfferFactory(provider=provider_admin.provider_membership.provider,
                         status=OfferStatus.PENDING)
    client.force_login(manager)
    client.post(reverse("offer_refuse", args=[offer.pk]),
                {"reason": "Say how long the course lasts."})
    offer.refresh_from_db()
    assert offer.status == OfferStatus.REFUSED
    client.force_login(provider_admin)
    body = client.get(reverse("provider_offers")).content.decode()
    assert "Say how long the course lasts." in body


def test_a_refusal_without_a_reason_is_an_error_beside_the_field(client, manager):
    offer = OfferFactory(status=OfferStatus.PENDING)
    client.force_login(manager)
    response = client.post(reverse("offer_refuse", args=[offer.pk]), {"reason": "  "})
    body = response.content.decode()
    assert response.status_code == 400
    assert "There is a problem" in body and 'id="id_reason-error"' in body
    offer.refresh_from_db()
    assert offer.status == OfferStatus.PENDING
    with pytest.raises(ReasonRequired):
        services.refuse_offer(actor=manager, offer=offer, reason="")


@pytest.mark.parametrize("who", ["jobseeker", "adviser", "auditor", "provider_admin"])
def test_only_managers_can_approve_or_refuse(client, request, who):
    offer = OfferFactory(status=OfferStatus.PENDING)
    person = request.getfixturevalue(who)
    client.force_login(person)
    assert client.post(reverse("offer_approve", args=[offer.pk])).status_code == 403
    assert client.post(reverse("offer_refuse", args=[offer.pk]),
                       {"reason": "no"}).status_code == 403
    with pytest.raises(NotAllowed):
        services.approve_offer(actor=person, offer=offer)
    offer.refresh_from_db()
    assert offer.status == OfferStatus.PENDING


def test_an_auditor_reads_the_queue_but_has_no_buttons(client, auditor):
    offer = OfferFactory(status=OfferStatus.PENDING, title="Waiting")
    client.force_login(auditor)
    assert "Waiting" in client.get(reverse("offer_approvals")).content.decode()
    body = client.get(reverse("offer_review", args=[offer.pk])).content.decode()
    assert "Waiting" in body and "Approve" not in body and "Refuse" not in body


@pytest.mark.parametrize("who", ["jobseeker", "adviser", "provider_admin"])
def test_the_queue_is_only_for_commissioner_managers_and_auditors(client, request, who):
    client.force_login(request.getfixturevalue(who))
    assert client.get(reverse("offer_approvals")).status_code == 403


# --- Field-level errors ---------------------------------------------------------------------


def errors_for(client, provider_admin, **changes):
    client.force_login(provider_admin)
    response = client.post(reverse("offer_create"), {**GOOD, **changes})
    assert response.status_code == 200, "expected the form again with errors"
    assert not Offer.objects.exists()
    return response.context["form"].errors, response.content.decode()


@pytest.mark.parametrize("typed, pence", [("120", 12000), ("120.50", 12050), ("£1,250", 125000),
                                          ("0.5", 50)])
def test_price_is_typed_in_pounds_and_stored_in_pence(client, provider_admin, typed, pence):
    client.force_login(provider_admin)
    client.post(reverse("offer_create"), {**GOOD, "price": typed})
    assert Offer.objects.get().price == pence


@pytest.mark.parametrize("typed, message", [
    ("", "Enter the price in pounds"),
    ("12o", "Enter the price in pounds, like 120 or 120.50"),
    ("120.505", "Enter the price in pounds, like 120 or 120.50"),
    ("-5", "Enter the price in pounds, like 120 or 120.50"),
    ("0", "The price must be more than £0"),
])
def test_a_bad_price_gets_a_message_beside_it(client, provider_admin, typed, message):
    errors, body = errors_for(client, provider_admin, price=typed)
    assert message in errors["price"][0]
    assert 'id="id_price-error"' in body and 'href="#id_price"' in body


def test_coordinates_must_come_in_pairs(client, provider_admin):
    errors, _ = errors_for(client, provider_admin, latitude="53.8")
    assert errors["longitude"] == ["Enter the longitude too, or remove the latitude"]


def test_coordinates_must_be_in_range(client, provider_admin):
    errors, _ = errors_for(client, provider_admin, latitude="95", longitude="-200")
    assert errors["latitude"] == ["The latitude must be between -90 and 90"]
    assert errors["longitude"] == ["The longitude must be between -180 and 180"]


def test_coordinates_are_stored_rounded(client, provider_admin):
    client.force_login(provider_admin)
    client.post(reverse("offer_create"), {**GOOD, "latitude": "53.7997123",
                                          "longitude": "-1.549"})
    offer = Offer.objects.get()
    assert (str(offer.latitude), str(offer.longitude)) == ("53.79971", "-1.54900")


def test_required_fields_and_past_dates_are_named(client, provider_admin):
    errors, _ = errors_for(client, provider_admin, title="", category="", area="",
                           next_start="01/01/2020")
    assert errors["title"] == ["Enter a title"]
    assert errors["category"] == ["Choose a category"]
    assert errors["area"] == ["Enter the town or area where it takes place"]
    assert errors["next_start"] == ["The next start date must be today or in the future"]


# --- Panels ----------------------------------------------------------------------------------


def test_commissioner_home_counts_offers_waiting(client, manager):
    OfferFactory.create_batch(3, status=OfferStatus.PENDING)
    client.force_login(manager)
    body = client.get(reverse("commissioner_home")).content.decode()
    assert "3</span> offers waiting for approval" in body
    assert reverse("offer_approvals") in body


def test_provider_panel_shows_its_offers_by_status(rf, provider_admin, own_offer):
    OfferFactory(provider=own_offer.provider, status=OfferStatus.DRAFT)
    OfferFactory(status=OfferStatus.DRAFT)  # another provider's: not counted
    request = rf.get("/")
    request.user = provider_admin
    body = render_to_string("marketplace/panels/provider.html", request=request)
    assert "Approved: <strong>1</strong>" in body and "Draft: <strong>1</strong>" in body
    assert reverse("provider_offers") in body
