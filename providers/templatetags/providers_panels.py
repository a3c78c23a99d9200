from django import template

from bookings.selectors import disputes_for_commissioner, flagged_bookings_for_commissioner
from providers.models import Provider, ProviderStatus

register = template.Library()


@register.inclusion_tag("providers/panels/_commissioner.html", takes_context=True)
def commissioner_providers_panel(context):
    user = context["user"]
    return {"pending": Provider.objects.filter(status=ProviderStatus.PENDING).count(),
            "disputes": disputes_for_commissioner(user.commissioner).count(),
            "flagged": flagged_bookings_for_commissioner(user.commissioner).count()}
