"""The ledger is an app of its own at the bottom of the project: it imports nothing above
it."""

import ast
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


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
