"""On PostgreSQL the ledger's write path runs as one server-side function: one round trip
per transfer. It does exactly what the Python path in budgets.ledger does (and what the
SQLite build runs): lock the accounts in id order, re-check the idempotency key, refuse
to take an internal account below zero, write the transfer and its hash-chained
entries, and move the balances. The hash is the same SHA-256 the Python code computes,
so verify_ledger checks both paths alike."""

from django.db import migrations

UP = r"""
CREATE OR REPLACE FUNCTION onward_post_transfer(
    p_key text, p_kind text, p_memo text, p_actor bigint, p_programme bigint,
    p_budget bigint, p_provider bigint, p_booking bigint,
    p_accounts bigint[], p_amounts bigint[]
) RETURNS TABLE (transfer_id bigint, created_at timestamptz, status text,
                 short_account bigint, short_balance bigint)
LANGUAGE plpgsql AS $$
DECLARE
    v_id bigint;
    v_now timestamptz := clock_timestamp();
    v_stamp text;
    v_account record;
    v_balance bigint;
    v_count bigint;
    v_hash text;
    i int;
BEGIN
    PERFORM 1 FROM budgets_account
        WHERE id IN (SELECT DISTINCT unnest(p_accounts)) ORDER BY id FOR UPDATE;

    SELECT t.id, t.created_at INTO v_id, v_now FROM budgets_transfer t
        WHERE t.idempotency_key = p_key;
    IF FOUND THEN
        RETURN QUERY SELECT v_id, v_now, 'exists'::text, NULL::bigint, NULL::bigint;
        RETURN;
    END IF;
    v_now := clock_timestamp();

    FOR v_account IN
        SELECT a.id, a.balance, n.net FROM budgets_account a
        JOIN (SELECT acc, sum(amt) AS net FROM unnest(p_accounts, p_amounts) AS l(acc, amt)
              GROUP BY acc) n ON n.acc = a.id
        WHERE NOT a.is_external AND a.balance + n.net < 0
        ORDER BY a.id LIMIT 1
    LOOP
        RETURN QUERY SELECT NULL::bigint, v_now, 'insufficient'::text, v_account.id,
                            v_account.balance;
        RETURN;
    END LOOP;

    INSERT INTO budgets_transfer (idempotency_key, kind, memo, actor_id, programme_id,
                                  budget_id, provider_id, booking_id, created_at)
        VALUES (p_key, p_kind, p_memo, p_actor, p_programme, p_budget, p_provider,
                p_booking, v_now)
        RETURNING id INTO v_id;

    v_stamp := to_char(v_now AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"');
    FOR i IN 1 .. array_length(p_accounts, 1) LOOP
        SELECT a.key, a.balance, a.entry_count, a.last_hash INTO v_account
            FROM budgets_account a WHERE a.id = p_accounts[i];
        v_balance := v_account.balance + p_amounts[i];
        v_count := v_account.entry_count + 1;
        v_hash := encode(sha256(convert_to(concat_ws('|', v_account.last_hash, v_account.key,
                  v_count::text, p_key, p_amounts[i]::text, v_balance::text, v_stamp),
                  'UTF8')), 'hex');
        INSERT INTO budgets_entry (transfer_id, account_id, amount, sequence, balance_after,
                                   prev_hash, hash, created_at)
            VALUES (v_id, p_accounts[i], p_amounts[i], v_count, v_balance,
                    v_account.last_hash, v_hash, v_now);
        UPDATE budgets_account SET balance = v_balance, entry_count = v_count,
                                   last_hash = v_hash
            WHERE id = p_accounts[i];
    END LOOP;

    RETURN QUERY SELECT v_id, v_now, 'created'::text, NULL::bigint, NULL::bigint;
END;
$$;
"""

DOWN = ("DROP FUNCTION IF EXISTS onward_post_transfer(text, text, text, bigint, bigint, "
        "bigint, bigint, bigint, bigint[], bigint[]);")


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(UP)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DOWN)


class Migration(migrations.Migration):
    dependencies = [("budgets", "0002_ledger_guards")]
    operations = [migrations.RunPython(create, drop)]
