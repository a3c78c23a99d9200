"""Issuing budgets from a CSV file: every bad row reported by line, good rows issued,
and a re-uploaded file issues nothing twice (each row's reference is its key)."""

import csv
import io
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.core.validators import validate_email

from budgets import services
from ledger.errors import MoneyError

COLUMNS = ("reference", "name", "email", "months_unemployed", "amount")
MAX_ROWS = 5000


@dataclass
class ImportResult:
    issued: list = field(default_factory=list)       # (line, budget)
    already: list = field(default_factory=list)      # (line, budget)
    errors: list = field(default_factory=list)       # (line, message)

    @property
    def ok(self) -> bool:
        return not self.errors


def parse_pounds(text: str) -> int:
    cleaned = text.strip().replace("£", "").replace(",", "")
    try:
        value = Decimal(cleaned)
    except InvalidOperation as error:
        raise ValueError(f"amount {text!r} is not a number of pounds") from error
    if value <= 0:
        raise ValueError("amount must be more than £0")
    if value != value.quantize(Decimal("0.01")):
        raise ValueError("amount can have at most 2 decimal places")
    return int(value * 100)


def _rows(data: bytes):
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ValueError("The file is not UTF-8 text. Save it as 'CSV UTF-8' and try again.") \
            from error
    reader = csv.DictReader(io.StringIO(text))
    headers = [h.strip().lower() for h in (reader.fieldnames or [])]
    missing = [c for c in ("reference", "name", "email", "months_unemployed") if c not in headers]
    if missing:
        raise ValueError(f"The first line must name the columns {', '.join(COLUMNS)}; "
                         f"missing: {', '.join(missing)}.")
    reader.fieldnames = headers
    return reader


def import_budgets(*, actor, programme, data: bytes) -> ImportResult:
    """Validate every row, then issue the good ones one by one (each its own transaction,
    so a pot that runs out part-way still issues the rows before it)."""
    result = ImportResult()
    try:
        reader = _rows(data)
    except ValueError as error:
        result.errors.append((1, str(error)))
        return result
    seen: dict[str, int] = {}
    good = []
    for line, row in enumerate(reader, start=2):
        if line - 1 > MAX_ROWS:
            result.errors.append((line, f"Files can have at most {MAX_ROWS} rows."))
            break
        row = {k: (v or "").strip() for k, v in row.items() if k}
        problems = []
        reference = row.get("reference", "")
        if not reference:
            problems.append("reference is missing")
        elif len(reference) > 64:
            problems.append("reference is longer than 64 characters")
        elif reference in seen:
            problems.append(f"reference {reference} is repeated (first on line {seen[reference]})")
        else:
            seen[reference] = line
        if not row.get("name"):
            problems.append("name is missing")
        email = row.get("email", "")
        if email:
            try:
                validate_email(email)
            except ValidationError:
                problems.append(f"email {email!r} is not a valid email address")
        months = None
        if row.get("months_unemployed", "") == "":
            problems.append("months_unemployed is missing")
        else:
            try:
                months = int(row["months_unemployed"])
                if months < 0:
                    raise ValueError
            except ValueError:
                problems.append(f"months_unemployed {row['months_unemployed']!r} is not a "
                                "whole number")
        amount = None
        if row.get("amount"):
            try:
                amount = parse_pounds(row["amount"])
            except ValueError as error:
                problems.append(str(error))
        if months is not None and months < programme.eligibility_months_unemployed:
            problems.append(f"not eligible: {months} months out of work; the programme needs "
                            f"at least {programme.eligibility_months_unemployed}")
        if problems:
            message = "; ".join(problems)
            result.errors.append((line, message[0].upper() + message[1:] + "."))
        else:
            good.append((line, reference, row, months, amount))

    for line, reference, row, months, amount in good:
        try:
            budget, created = services.issue_budget(
                actor=actor, programme=programme, external_reference=reference, amount=amount,
                recipient_name=row["name"], recipient_email=row.get("email", ""),
                months_unemployed=months)
        except MoneyError as error:
            result.errors.append((line, f"Not issued: {error}"))
            continue
        (result.issued if created else result.already).append((line, budget))
    result.errors.sort()
    return result
