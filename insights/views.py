"""Dashboards and exports for commissioners' managers and auditors (read only: every view
answers GET and HEAD alone), and the public provider league table."""

from django.http import Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.http import urlencode
from django.views.decorators.http import require_safe

from accounts.permissions import role_required
from budgets.models import Programme
from insights import exports, selectors
from insights.forms import DashboardFilterForm
from outcomes.selectors import SMALL_NUMBER
from providers.models import ProviderType

COMMISSIONER_ROLES = selectors.COMMISSIONER_ROLES


def _programme(request, programme_id):
    # Another commissioner's programme is a 404, as if it did not exist.
    return get_object_or_404(selectors.programmes_visible_to(request.user), pk=programme_id)


def _csv_response(chunks, filename: str, status: int = 200) -> StreamingHttpResponse:
    response = StreamingHttpResponse(chunks, content_type="text/csv; charset=utf-8",
                                     status=status)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response


@require_safe
@role_required(*COMMISSIONER_ROLES)
def index(request):
    return render(request, "insights/index.html", {
        "programmes": selectors.programmes_visible_to(request.user).order_by("name"),
        "exports": exports.EXPORTS.values(),
    })


@require_safe
@role_required(*COMMISSIONER_ROLES)
def programme_dashboard(request, programme_id):
    programme = _programme(request, programme_id)
    form = DashboardFilterForm(request.GET or None)
    if request.GET and not form.is_valid():
        return render(request, "insights/dashboard.html",
                      {"programme": programme, "form": form}, status=400)
    filters = form.filters(programme) if form.is_bound else selectors.Filters(programme)
    return render(request, "insights/dashboard.html", {
        "programme": programme, "form": form,
        "board": selectors.dashboard(filters), "query": filters.query(),
        "query_string": urlencode(filters.query()),
        "exports": [(export.name, export.title) for export in exports.EXPORTS.values()],
        "people_cache_seconds": selectors.PEOPLE_CACHE_SECONDS,
    })


@require_safe
@role_required(*COMMISSIONER_ROLES)
def chart_csv(request, programme_id, key):
    programme = _programme(request, programme_id)
    if key not in selectors.CHART_KEYS:
        raise Http404
    form = DashboardFilterForm(request.GET)
    if not form.is_valid():
        message = " ".join(e for errors in form.errors.values() for e in errors)
        return HttpResponse(message, status=400, content_type="text/plain; charset=utf-8")
    chart = selectors.dashboard(form.filters(programme)).chart(key)
    return _csv_response(exports.chart_csv(chart), f"onward-{programme.pk}-{key}.csv")


@require_safe
@role_required(*COMMISSIONER_ROLES)
def export_csv(request, name):
    export = exports.EXPORTS.get(name)
    if export is None:
        raise Http404
    chosen = request.GET.get("programme", "")
    try:
        ids = selectors.export_programme_ids(request.user, chosen)
    except Programme.DoesNotExist as error:
        raise Http404 from error
    try:
        start, end = exports.parse_period(request.GET)
    except exports.PeriodError as error:
        return HttpResponse(str(error), status=400, content_type="text/plain; charset=utf-8")
    period = "-".join(day.isoformat() for day in (start, end) if day) or "all"
    scope = chosen or f"c{request.user.commissioner_id}"
    return _csv_response(exports.stream(export, programme_ids=ids, start=start, end=end),
                         f"onward-{name}-{scope}-{period}.csv")


@require_safe
def league_table(request):
    """Public: every approved provider's outcome rates with the people behind them."""
    provider_type = request.GET.get("type", "")
    if provider_type not in ProviderType.values:
        provider_type = ""
    sort = request.GET.get("sort", "sustained")
    return render(request, "insights/league_table.html", {
        "rows": selectors.league_table(provider_type=provider_type, sort=sort),
        "provider_type": provider_type, "sort": sort, "types": ProviderType.choices,
        "small_number": SMALL_NUMBER,
    })
