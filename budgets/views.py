from django.shortcuts import render


def claim_invitation(request):
    return render(request, "budgets/claim.html")
