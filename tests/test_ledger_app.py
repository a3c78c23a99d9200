"""The ledger is an app of its own at the bottom of the project: it imports nothing above
it, and ledger.keys alone spells the keys its rows are found by."""

import ast
import re
import sys
from pathlib import Path

from ledger import keys

ROOT = Path(__file__).resolve().parent.parent
PROJECT_APPS = {path.parent.name for path in ROOT.glob("*/apps.py")} | {"onward", "bench",
                                                                        "tests"}


def imported_modules(path: Path):
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            yield node.module


def test_the_ledger_imports_only_django_and_itself():
    allowed = {"django", "ledger"} | set(sys.stdlib_module_names)
    found = {f"{path.relative_to(ROOT)}: {module}"
             for path in (ROOT / "ledger").rglob("*.py")
             for module in imported_modules(path) if module.split(".")[0] not in allowed}
    assert not found, sorted(found)


# How a key is spelled by hand: a string literal or f-string that starts like one of
# ledger.keys' schemes, or ends like the escrow and reversal ones.
HAND_SPELLED = re.compile(
    r"""f?["'](booking|budget|programme|milestone|fund|issue|expire|payout):"""
    r"""|f?["']provider:[^"']*:programme:|f?["']outcome:[^"']*:ended"""
    r"""|:escrow["':]|\}:reversal""")
SPELLERS = {Path("ledger/keys.py"), Path(__file__).relative_to(ROOT)}  # and this test's pins


def test_no_file_but_ledger_keys_spells_a_ledger_key():
    found = []
    for path in (path for app in sorted(PROJECT_APPS) for path in (ROOT / app).rglob("*.py")):
        relative = path.relative_to(ROOT)
        if "migrations" in relative.parts or "node_modules" in relative.parts or (
                relative in SPELLERS):
            continue
        for number, line in enumerate(path.read_text().splitlines(), 1):
            if not line.lstrip().startswith("#") and HAND_SPELLED.search(line):
                found.append(f"{relative}:{number}: {line.strip()}")
    assert not found, "\n".join(found)


def test_key_schemes_spell_the_keys_already_stored():
    # Rows written before the ledger moved are still found by these exact strings.
    assert [keys.funding(3), keys.pot(3), keys.returned(3), keys.payouts(3)] == [
        "programme:3:funding", "programme:3:pot", "programme:3:returned", "programme:3:payouts"]
    assert [keys.budget_available(12), keys.budget_committed(12)] == [
        "budget:12:available", "budget:12:committed"]
    assert keys.escrow(7) == "booking:7:escrow"
    assert keys.payable(5, 3) == "provider:5:programme:3:payable"
    assert keys.fund(3, "PO-1") == "fund:programme:3:PO-1"
    assert keys.issue(3, "LDS-0001") == "issue:programme:3:LDS-0001"
    assert keys.expire(12) == "expire:budget:12"
    assert [keys.booking_commit(7), keys.booking_release(7), keys.booking_settle(7)] == [
        "booking:7:commit", "booking:7:release", "booking:7:settle"]
    assert keys.milestone_release(40, 7) == "milestone:40:booking:7"
    assert keys.milestone_bonus(40, 7) == "milestone:40:booking:7:bonus"
    assert keys.outcome_ended(9, 7) == "outcome:9:ended:booking:7"
    assert keys.window_ended(7) == "booking:7:escrow:window_ended"
    reference = "0b0e9a6c-1f47-4a43-9a5e-6d2b1f1c2d3e"
    assert keys.payout(reference) == f"payout:{reference}"
    assert keys.payout_reversal(keys.payout(reference)) == f"payout:{reference}:reversal"
