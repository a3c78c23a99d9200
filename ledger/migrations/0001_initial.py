"""The ledger's models move here from budgets. Their tables (budgets_account,
budgets_transfer, budgets_entry), constraints, indexes, triggers and the PostgreSQL
posting function stay exactly as budgets' migrations made them: this migration only
tells Django's state that the models now belong to the ledger app. budgets 0005 drops
them from budgets' state, once payouts 0002 points its foreign keys here."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ("budgets", "0004_dashboard_indexes"),
        ("providers", "0002_staffinvitation"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    state_operations = [
        migrations.CreateModel(
            name="Account",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("kind", models.CharField(choices=[("funding", "Funding in (external)"), ("pot", "Programme pot"), ("available", "Budget available"), ("committed", "Budget committed"), ("escrow", "Booking escrow"), ("payable", "Provider payable"), ("payouts", "Payouts out (external)"), ("returned", "Money returned (external)")], max_length=16)),
                ("key", models.CharField(max_length=80, unique=True)),
                ("booking_id", models.BigIntegerField(blank=True, db_index=True, null=True)),
                ("is_external", models.BooleanField(default=False)),
                ("balance", models.BigIntegerField(default=0)),
                ("entry_count", models.BigIntegerField(default=0)),
                ("last_hash", models.CharField(default="0000000000000000000000000000000000000000000000000000000000000000", max_length=64)),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                ("budget", models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name="accounts", to="budgets.budget")),
                ("programme", models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name="accounts", to="budgets.programme")),
                ("provider", models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name="accounts", to="providers.provider")),
            ],
            options={
                "db_table": "budgets_account",
                "constraints": [
                    models.CheckConstraint(condition=models.Q(("is_external", True), ("balance__gte", 0), _connector="OR"), name="internal_account_never_negative"),
                ],
            },
        ),
        migrations.CreateModel(
            name="Transfer",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("idempotency_key", models.CharField(max_length=200, unique=True)),
                ("kind", models.CharField(choices=[("fund", "Programme funded"), ("issue", "Budget issued"), ("expire", "Budget expired"), ("commit", "Booking requested"), ("release", "Booking money released"), ("settle", "Delivery settled"), ("escrow_release", "Outcome payment"), ("escrow_return", "Withheld share returned"), ("payout", "Payout"), ("payout_reversal", "Payout reversed")], max_length=32)),
                ("memo", models.CharField(blank=True, max_length=300)),
                ("booking_id", models.BigIntegerField(blank=True, db_index=True, null=True)),
                ("created_at", models.DateTimeField(auto_now_add=True, db_index=True)),
                ("actor", models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name="+", to=settings.AUTH_USER_MODEL)),
                ("budget", models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name="transfers", to="budgets.budget")),
                ("programme", models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name="transfers", to="budgets.programme")),
                ("provider", models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name="transfers", to="providers.provider")),
            ],
            options={
                "db_table": "budgets_transfer",
                "ordering": ["id"],
                "indexes": [
                    models.Index(fields=["kind", "created_at"], name="transfer_kind_created"),
                ],
            },
        ),
        migrations.CreateModel(
            name="Entry",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("amount", models.BigIntegerField()),
                ("sequence", models.BigIntegerField(help_text="Position in the account's chain, from 1.")),
                ("balance_after", models.BigIntegerField()),
                ("prev_hash", models.CharField(max_length=64)),
                ("hash", models.CharField(max_length=64)),
                ("created_at", models.DateTimeField()),
                ("account", models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name="entries", to="ledger.account")),
                ("transfer", models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name="entries", to="ledger.transfer")),
            ],
            options={
                "db_table": "budgets_entry",
                "ordering": ["id"],
                "constraints": [
                    models.UniqueConstraint(fields=("account", "sequence"), name="entry_sequence_unique"),
                    models.CheckConstraint(condition=models.Q(("amount", 0), _negated=True), name="entry_amount_not_zero"),
                ],
                "indexes": [
                    models.Index(fields=["account", "created_at"], include=("amount", "transfer"), name="entry_account_created"),
                ],
            },
        ),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(state_operations=state_operations),
    ]
