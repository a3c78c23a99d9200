"""Validation of a programme's rules, with messages a commissioner can act on."""

from budgets.models import BASIS_POINTS


def validate_programme_rules(programme) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}

    def add(field, message):
        errors.setdefault(field, []).append(message)

    if programme.budget_per_person is None or programme.budget_per_person <= 0:
        add("budget_per_person", "Budget per person must be more than £0.")
    if not 0 <= (programme.outcome_share_bp or 0) <= BASIS_POINTS:
        add("outcome_share_bp", "The outcome share must be between 0% and 100%.")
    if (programme.validity_months or 0) < 1:
        add("validity_months", "Budgets must be valid for at least 1 month.")
    if (programme.attribution_months or 0) < 1:
        add("attribution_months", "The attribution window must be at least 1 month.")
    if (programme.min_hours_per_week or 0) < 1:
        add("min_hours_per_week", "Minimum hours must be at least 1 hour a week.")

    milestones = programme.milestones or []
    if not isinstance(milestones, list) or not milestones:
        add("milestones", "Set at least one milestone.")
    else:
        keys, weeks, total = set(), [], 0
        for index, milestone in enumerate(milestones, start=1):
            try:
                share = int(milestone["share_bp"])
                week = int(milestone["weeks"])
                key = str(milestone["key"])
            except (KeyError, TypeError, ValueError):
                add("milestones", f"Milestone {index} needs a key, a number of weeks and a share.")
                continue
            if share <= 0:
                add("milestones", f"Milestone {index} must have a share above 0%.")
            if week < 0:
                add("milestones", f"Milestone {index} cannot be before the job starts.")
            if key in keys:
                add("milestones", f"Milestone {index} repeats the name {key!r}.")
            keys.add(key)
            weeks.append(week)
            total += share
        if total != BASIS_POINTS and "milestones" not in errors:
            add("milestones",
                f"Milestone shares must add up to 100%; they add up to {total / 100:g}%.")
        if weeks != sorted(weeks) or len(set(weeks)) != len(weeks):
            add("milestones", "Milestones must be in order of weeks, each at a different week.")

    multipliers = programme.tier_multipliers or {}
    for tier in ("1", "2", "3"):
        try:
            value = int(multipliers[tier])
        except (KeyError, TypeError, ValueError):
            add("tier_multipliers", f"Set a multiplier for tier {tier}.")
            continue
        if value < BASIS_POINTS:
            add("tier_multipliers", f"Tier {tier}'s multiplier must be at least 1.0.")
    return errors
