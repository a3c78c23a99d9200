"""Payouts' transfers now live in the ledger app (ledger 0001). The table and its foreign
key constraints stay as they are: only Django's state changes."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("ledger", "0001_initial"),
        ("payouts", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(state_operations=[
            migrations.AlterField(
                model_name="payout",
                name="ledger_transfer",
                field=models.OneToOneField(on_delete=django.db.models.deletion.PROTECT, related_name="payout", to="ledger.transfer"),
            ),
            migrations.AlterField(
                model_name="payout",
                name="reversal_transfer",
                field=models.OneToOneField(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name="reversed_payout", to="ledger.transfer"),
            ),
        ]),
    ]
