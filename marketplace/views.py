from django.shortcuts import render


def offer_search(request):
    return render(request, "marketplace/search.html", {"offers": []})
