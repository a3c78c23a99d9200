"""API token pages for organisation admins: create (the secret is shown once) and revoke.
Thin: parse, call one service or selector, render."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from accounts.models import Role
from accounts.permissions import role_required
from api import selectors, services
from api.errors import TokenError
from api.forms import TokenForm

PAGE = {Role.PROVIDER_ADMIN: "provider_api_tokens",
        Role.COMMISSIONER_MANAGER: "commissioner_api_tokens"}


def _tokens_page(request):
    user = request.user
    with_role = user.role == Role.COMMISSIONER_MANAGER
    form = TokenForm(request.POST or None, with_role=with_role)
    secret = created = None
    if request.method == "POST" and form.is_valid():
        try:
            created, secret = services.create_api_token(
                actor=user, name=form.cleaned_data["name"],
                role=form.cleaned_data.get("role", ""))
        except TokenError as error:
            form.add_error(None, str(error))
        else:
            form = TokenForm(with_role=with_role)
    # The secret is shown in this response only, never stored: no redirect.
    return render(request, "api/tokens.html", {
        "form": form, "secret": secret, "created": created,
        "tokens": selectors.tokens_of(user).select_related("created_by"),
        "with_role": with_role, "revoke_url_name": PAGE[user.role] + "_revoke",
    })


@role_required(Role.PROVIDER_ADMIN)
def provider_api_tokens(request):
    return _tokens_page(request)


@role_required(Role.COMMISSIONER_MANAGER)
def commissioner_api_tokens(request):
    return _tokens_page(request)


def _revoke(request, pk):
    token = selectors.tokens_of(request.user).filter(pk=pk).first()
    if token is None:
        raise Http404("No such token")
    try:
        services.revoke_api_token(actor=request.user, token=token)
    except TokenError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, f"Token “{token.name}” revoked. It no longer works.")
    return redirect(PAGE[request.user.role])


@require_POST
@role_required(Role.PROVIDER_ADMIN)
def provider_api_token_revoke(request, pk):
    return _revoke(request, pk)


@require_POST
@role_required(Role.COMMISSIONER_MANAGER)
def commissioner_api_token_revoke(request, pk):
    return _revoke(request, pk)
