"""Indexes for the commissioner dashboards' ledger figures (insights.selectors): an
account's entries by date, carrying the amount and transfer so PostgreSQL answers from the
index alone, and transfers by kind and date."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("budgets", "0003_post_transfer_function"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="entry",
            index=models.Index(fields=["account", "created_at"], include=("amount", "transfer"),
                               name="entry_account_created"),
        ),
        migrations.AddIndex(
            model_name="transfer",
            index=models.Index(fields=["kind", "created_at"], name="transfer_kind_created"),
        ),
    ]
