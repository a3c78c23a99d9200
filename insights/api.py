"""API endpoints for dashboards and exports: the same figures and CSV as the pages, for
commissioners' managers and auditors (read only), their own programmes only (anything
else is a 404)."""

from django.http import Http404, StreamingHttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from api.permissions import IsCommissionerStaff
from budgets.models import Programme
from insights import exports, selectors
from insights.forms import DashboardFilterForm

FILTER_PARAMETERS = [
    OpenApiParameter("start", OpenApiTypes.DATE, description="First day, YYYY-MM-DD."),
    OpenApiParameter("end", OpenApiTypes.DATE, description="Last day (included), YYYY-MM-DD."),
    OpenApiParameter("provider", OpenApiTypes.INT, description="One provider's id."),
    OpenApiParameter("category", OpenApiTypes.STR, description="An offer category."),
    OpenApiParameter("tier", OpenApiTypes.INT, description="Support tier: 1, 2 or 3."),
]


class ColumnSerializer(serializers.Serializer):
    name = serializers.CharField(source="csv_heading")
    heading = serializers.CharField()
    kind = serializers.CharField(help_text="text, month, money (pence), count or bp.")


class ChartSerializer(serializers.Serializer):
    key = serializers.CharField()
    title = serializers.CharField()
    description = serializers.CharField()
    columns = ColumnSerializer(many=True)
    rows = serializers.SerializerMethodField()

    def get_rows(self, chart) -> list[list[str | int | None]]:
        return [[value.strftime("%Y-%m") if column.kind == "month" and value else value
                 for column, value in zip(chart.columns, row, strict=True)]
                for row in chart.rows]


class BudgetFiguresSerializer(serializers.Serializer):
    issued = serializers.IntegerField()
    claimed = serializers.IntegerField()
    expired = serializers.IntegerField()
    issued_amount = serializers.IntegerField(help_text="Pence.")
    claimed_amount = serializers.IntegerField(help_text="Pence.")
    spent = serializers.IntegerField(help_text="Pence.")
    committed = serializers.IntegerField(help_text="Pence.")
    unspent = serializers.IntegerField(help_text="Pence.")
    expired_amount = serializers.IntegerField(help_text="Pence.")


class FunnelSerializer(serializers.Serializer):
    booked = serializers.IntegerField()
    delivered = serializers.IntegerField()
    job_start = serializers.IntegerField()
    week_13 = serializers.IntegerField()
    week_26 = serializers.IntegerField()


class ProgrammeDashboardSerializer(serializers.Serializer):
    """Money in pence, shares in basis points (10,000 = 100 %; null when there is nothing
    to divide by)."""

    programme = serializers.IntegerField(source="filters.programme.pk")
    spend_total = serializers.IntegerField()
    social_enterprise_spend = serializers.IntegerField()
    social_enterprise_share_bp = serializers.IntegerField(allow_null=True)
    harder_to_help_share_bp = serializers.IntegerField(allow_null=True)
    budgets = BudgetFiguresSerializer()
    funnel = FunnelSerializer()
    charts = ChartSerializer(many=True)


class ProgrammeDashboardView(APIView):
    """A programme's dashboard figures, filtered as on the page."""

    permission_classes = [IsCommissionerStaff]

    @extend_schema(parameters=FILTER_PARAMETERS, responses=ProgrammeDashboardSerializer,
                   tags=["commissioner"])
    def get(self, request, pk):
        programme = selectors.programmes_visible_to(request.user).filter(pk=pk).first()
        if programme is None:
            raise Http404
        form = DashboardFilterForm(request.query_params)
        if not form.is_valid():
            raise serializers.ValidationError(form.errors)
        board = selectors.dashboard(form.filters(programme))
        return Response(ProgrammeDashboardSerializer(board).data)


class ExportView(APIView):
    """A streamed CSV export (ledger-entries, bookings, outcomes or payouts) of your
    programmes, or one (``programme``), for a period. Money in pence."""

    permission_classes = [IsCommissionerStaff]

    @extend_schema(
        parameters=[OpenApiParameter("programme", OpenApiTypes.INT),
                    *FILTER_PARAMETERS[:2]],
        responses={(200, "text/csv"): OpenApiTypes.STR}, tags=["commissioner"])
    def get(self, request, name):
        export = exports.EXPORTS.get(name)
        if export is None:
            raise Http404
        try:
            ids = selectors.export_programme_ids(request.user,
                                                 request.query_params.get("programme", ""))
        except Programme.DoesNotExist as error:
            raise Http404 from error
        try:
            start, end = exports.parse_period(request.query_params)
        except exports.PeriodError as error:
            raise serializers.ValidationError({"period": [str(error)]}) from error
        response = StreamingHttpResponse(
            exports.stream(export, programme_ids=ids, start=start, end=end),
            content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="onward-{name}.csv"'
        return response


class OverviewProgrammeSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    status = serializers.CharField()
    pot = serializers.IntegerField(help_text="Pence.")
    budgets_issued = serializers.IntegerField()
    spend_total = serializers.IntegerField(help_text="Pence paid out of budgets for support.")
    social_enterprise_share_bp = serializers.IntegerField(allow_null=True)


class OverviewSerializer(serializers.Serializer):
    """Pence for money; counts for queues."""

    programmes = OverviewProgrammeSerializer(many=True)
    money_in_pots = serializers.IntegerField()
    owed_to_providers = serializers.IntegerField()
    bonuses_owed = serializers.IntegerField()
    outcomes_to_verify = serializers.IntegerField()
    milestones_to_verify = serializers.IntegerField()
    offers_to_approve = serializers.IntegerField()


class OverviewView(APIView):
    """The commissioner's summary: money in pots, owed to providers, the queues waiting
    for a decision, and each programme's spend and social-enterprise share. A programme's
    full figures are at ``programmes/{id}/dashboard/``."""

    permission_classes = [IsCommissionerStaff]

    @extend_schema(responses=OverviewSerializer, tags=["commissioner"])
    def get(self, request):
        return Response(OverviewSerializer(
            selectors.commissioner_overview(request.user.commissioner)).data)
