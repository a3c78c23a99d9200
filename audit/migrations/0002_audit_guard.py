"""The audit log cannot be edited: on PostgreSQL a trigger refuses UPDATE and DELETE."""

from django.db import migrations

UP = """
CREATE TRIGGER audit_auditevent_immutable BEFORE UPDATE OR DELETE ON audit_auditevent
    FOR EACH ROW EXECUTE FUNCTION onward_ledger_immutable();
"""
DOWN = "DROP TRIGGER IF EXISTS audit_auditevent_immutable ON audit_auditevent;"


def guard(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(UP)


def unguard(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DOWN)


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_initial"), ("budgets", "0002_ledger_guards")]
    operations = [migrations.RunPython(guard, unguard)]
