"""Database guards for the ledger: entries and transfers are never updated or deleted.

TRUNCATE is left to the database owner (and the test runner's flush); the
application's own queries can neither change nor remove a ledger row.
"""

from django.db import migrations

POSTGRES_UP = """
CREATE OR REPLACE FUNCTION onward_ledger_immutable() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION USING
        MESSAGE = 'ledger rows are immutable: ' || TG_OP || ' on ' || TG_TABLE_NAME || ' refused',
        ERRCODE = 'integrity_constraint_violation';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER budgets_entry_immutable BEFORE UPDATE OR DELETE ON budgets_entry
    FOR EACH ROW EXECUTE FUNCTION onward_ledger_immutable();
CREATE TRIGGER budgets_transfer_immutable BEFORE UPDATE OR DELETE ON budgets_transfer
    FOR EACH ROW EXECUTE FUNCTION onward_ledger_immutable();
"""

POSTGRES_DOWN = """
DROP TRIGGER IF EXISTS budgets_entry_immutable ON budgets_entry;
DROP TRIGGER IF EXISTS budgets_transfer_immutable ON budgets_transfer;
DROP FUNCTION IF EXISTS onward_ledger_immutable();
"""

SQLITE_UP = [
    f"CREATE TRIGGER budgets_{table}_no_{op.lower()} BEFORE {op} ON budgets_{table} "
    f"BEGIN SELECT RAISE(ABORT, 'ledger rows are immutable'); END;"
    for table in ("entry", "transfer")
    # Only UPDATE on SQLite: the test runner's flush empties tables with DELETE.
    for op in ("UPDATE",)
]
SQLITE_DOWN = [
    f"DROP TRIGGER IF EXISTS budgets_{table}_no_{op.lower()};"
    for table in ("entry", "transfer")
    for op in ("update",)
]


def guard(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(POSTGRES_UP)
    elif vendor == "sqlite":
        for statement in SQLITE_UP:
            schema_editor.execute(statement)


def unguard(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(POSTGRES_DOWN)
    elif vendor == "sqlite":
        for statement in SQLITE_DOWN:
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("budgets", "0001_initial")]
    operations = [migrations.RunPython(guard, unguard)]
