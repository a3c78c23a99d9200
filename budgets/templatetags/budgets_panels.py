from django import template

from budgets import selectors

register = template.Library()


@register.inclusion_tag("budgets/panels/_jobseeker.html")
def jobseeker_budget_panel(user):
    budgets = [{"budget": b, "balances": selectors.budget_balances(b)}
               for b in selectors.budgets_of(user)[:3]]
    return {"budgets": budgets}


@register.inclusion_tag("budgets/panels/_commissioner.html", takes_context=True)
def commissioner_programmes_panel(context):
    user = context["user"]
    programmes = list(selectors.programmes_for(user))
    pots = selectors.pot_balances(programmes)
    for programme in programmes:
        programme.pot = pots.get(programme.pk, 0)
    return {"programmes": programmes, "user": user}
