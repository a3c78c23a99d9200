"""A jobseeker's own data: read it, download it as JSON, erase it."""

import json

from django import forms
from django.contrib.auth import logout
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpResponse
from django.shortcuts import redirect, render

from accounts.models import Role
from accounts.permissions import role_required
from privacy import services


@role_required(Role.JOBSEEKER)
def my_data(request):
    return render(request, "privacy/my_data.html",
                  {"data": services.personal_data(user=request.user)})


@role_required(Role.JOBSEEKER)
def my_data_json(request):
    data = services.personal_data(user=request.user)
    response = HttpResponse(json.dumps(data, indent=2, cls=DjangoJSONEncoder),
                            content_type="application/json")
    response["Content-Disposition"] = 'attachment; filename="onward-my-data.json"'
    response["Cache-Control"] = "private, no-store"
    return response


class EraseForm(forms.Form):
    confirm = forms.BooleanField(
        label="I understand my account will be closed and my details deleted",
        error_messages={"required": "Tick the box to confirm you want your data erased"})


@role_required(Role.JOBSEEKER)
def erase(request):
    form = EraseForm(request.POST) if request.method == "POST" else EraseForm()
    if form.is_bound and form.is_valid():
        services.erase_jobseeker(actor=request.user, user=request.user)
        logout(request)
        return redirect("privacy_erased")
    return render(request, "privacy/erase.html", {"form": form})


def erased(request):
    return render(request, "privacy/erased.html")
