"""The ledger's models now belong to the ledger app (ledger 0001); drop them from budgets'
state. Nothing changes in the database: the tables keep their names and their rows."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("budgets", "0004_dashboard_indexes"),
        ("ledger", "0001_initial"),
        ("payouts", "0002_ledger_transfer_in_ledger_app"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(state_operations=[
            migrations.DeleteModel(name="Entry"),
            migrations.DeleteModel(name="Transfer"),
            migrations.DeleteModel(name="Account"),
        ]),
    ]
