"""Pages for registering a provider, inviting staff, and commissioners' decisions."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render

from accounts.models import Role
from accounts.permissions import WrongRole, role_required
from ledger.errors import MoneyError
from providers import services
from providers.forms import DecisionForm, InviteStaffForm, RegisterProviderForm
from providers.models import Provider, ProviderStatus


@login_required
def register(request):
    if request.user.role:
        raise PermissionDenied("Your account already has a role. To register an organisation, "
                               "sign out and create a new account.")
    form = RegisterProviderForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.register_provider(user=request.user, **form.cleaned_data)
        except MoneyError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, "Registered. Set up your sign-in security next; then a "
                                      "commissioner will review your organisation.")
            return redirect("provider_home")
    return render(request, "providers/register.html", {"form": form})


@role_required(Role.PROVIDER_ADMIN, Role.PROVIDER_STAFF)
def staff(request):
    provider = request.user.provider_membership.provider
    form = InviteStaffForm()
    invitation = None
    if request.method == "POST":
        if request.user.role != Role.PROVIDER_ADMIN:
            raise WrongRole(request.user, [Role.PROVIDER_ADMIN])
        form = InviteStaffForm(request.POST)
        if form.is_valid():
            invitation = services.invite_staff(actor=request.user, provider=provider,
                                               email=form.cleaned_data["email"])
            messages.success(request, f"Invitation sent to {invitation.email}.")
            form = InviteStaffForm()
    return render(request, "providers/staff.html", {
        "provider": provider, "form": form, "new_invitation": invitation,
        "members": provider.members.select_related("user"),
        "invitations": provider.invitations.filter(accepted_at__isnull=True),
    })


@login_required
def join(request, token):
    if request.method == "POST":
        try:
            services.accept_staff_invitation(user=request.user, token=token)
        except MoneyError as error:
            messages.error(request, str(error))
            return redirect("home")
        messages.success(request, "You have joined. Set up your sign-in security next.")
        return redirect("provider_home")
    return render(request, "providers/join.html", {"token": token})


@role_required(Role.COMMISSIONER_MANAGER, Role.COMMISSIONER_AUDITOR)
def approvals(request):
    providers = Provider.objects.order_by("status", "name")
    return render(request, "providers/approvals.html", {
        "pending": providers.filter(status=ProviderStatus.PENDING),
        "others": providers.exclude(status=ProviderStatus.PENDING),
    })


@role_required(Role.COMMISSIONER_MANAGER, Role.COMMISSIONER_AUDITOR)
def decide(request, provider_id):
    provider = get_object_or_404(Provider, pk=provider_id)
    form = DecisionForm()
    if request.method == "POST":
        if request.user.role != Role.COMMISSIONER_MANAGER:
            raise WrongRole(request.user, [Role.COMMISSIONER_MANAGER])
        form = DecisionForm(request.POST)
        if form.is_valid():
            action = {"approve": services.approve_provider, "refuse": services.refuse_provider,
                      "suspend": services.suspend_provider}[form.cleaned_data["decision"]]
            try:
                action(actor=request.user, provider=provider, reason=form.cleaned_data["reason"])
            except MoneyError as error:
                form.add_error(None, str(error))
            else:
                messages.success(request, f"Decision recorded for {provider.name}.")
                return redirect("provider_approvals")
    return render(request, "providers/decide.html", {"provider": provider, "form": form})
