"""The product's URLs plus bench-only ones; served only by bench/wsgi_bench.py."""

from django.http import HttpResponse
from django.urls import include, path

from onward import urls as onward_urls


def bare(request):
    """The floor: the whole middleware stack and routing, no template, no query."""
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [
    path("bench/bare", bare),
    path("", include(onward_urls)),
]

handler403 = onward_urls.handler403
handler404 = onward_urls.handler404
handler500 = onward_urls.handler500
