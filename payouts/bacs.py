"""The BACS payment file: Bacs Standard 18 payment records, 100 characters a line.

One credit record (transaction code 99) per payout, then one contra record
(transaction code 17) debiting the commissioner's own account for the total. No
VOL1/HDR/UHL labels: the finance team's bureau software adds those when it submits.
README-section.md ("The BACS file format") documents every field.
"""

import re
from dataclasses import dataclass

# (name, start, length): positions are 1-based, as the Bacs specification writes them.
FIELDS = [
    ("destination_sort_code", 1, 6),
    ("destination_account_number", 7, 8),
    ("destination_account_type", 15, 1),
    ("transaction_code", 16, 2),
    ("originating_sort_code", 18, 6),
    ("originating_account_number", 24, 8),
    ("free_format", 32, 4),
    ("amount", 36, 11),
    ("originator_name", 47, 18),
    ("reference", 65, 18),
    ("destination_account_name", 83, 18),
]
RECORD_LENGTH = 100
CREDIT = "99"
CONTRA = "17"
LINE_END = "\r\n"
_NOT_ALLOWED = re.compile(r"[^A-Z0-9.&/\- ]")
# What a bank account name may hold: the Bacs character set, before upper-casing.
ALLOWED_NAME = re.compile(r"^[A-Za-z0-9.&/\- ]+$")
MAX_AMOUNT = 99_999_999_999


def bacs_text(value: str, length: int) -> str:
    """Upper case, only the Bacs character set (others become spaces), padded or cut."""
    return _NOT_ALLOWED.sub(" ", value.upper())[:length].ljust(length)


@dataclass(frozen=True)
class Record:
    destination_sort_code: str
    destination_account_number: str
    transaction_code: str
    originating_sort_code: str
    originating_account_number: str
    amount: int
    originator_name: str
    reference: str
    destination_account_name: str
    destination_account_type: str = "0"
    free_format: str = ""

    def render(self) -> str:
        if not 0 < self.amount <= MAX_AMOUNT:
            raise ValueError("A Bacs amount must be between 1p and 11 digits of pence.")
        line = "".join([
            self.destination_sort_code.rjust(6, "0"),
            self.destination_account_number.rjust(8, "0"),
            self.destination_account_type,
            self.transaction_code,
            self.originating_sort_code.rjust(6, "0"),
            self.originating_account_number.rjust(8, "0"),
            bacs_text(self.free_format, 4),
            f"{self.amount:011d}",
            bacs_text(self.originator_name, 18),
            bacs_text(self.reference, 18),
            bacs_text(self.destination_account_name, 18),
        ])
        assert len(line) == RECORD_LENGTH
        return line


def parse_line(line: str) -> dict:
    """One record back into its fields (amount as integer pence)."""
    line = line.rstrip("\r\n")
    if len(line) != RECORD_LENGTH:
        raise ValueError(f"A Standard 18 record is {RECORD_LENGTH} characters, not {len(line)}.")
    fields = {name: line[start - 1:start - 1 + length] for name, start, length in FIELDS}
    fields["amount"] = int(fields["amount"])
    return fields


def build_file(*, payments, originator_sort_code: str, originator_account: str,
               originator_name: str, contra_reference: str) -> str:
    """``payments``: (sort_code, account_number, account_name, amount, reference) tuples."""
    lines, total = [], 0
    for sort_code, account_number, account_name, amount, reference in payments:
        lines.append(Record(
            destination_sort_code=sort_code, destination_account_number=account_number,
            transaction_code=CREDIT, originating_sort_code=originator_sort_code,
            originating_account_number=originator_account, amount=amount,
            originator_name=originator_name, reference=reference,
            destination_account_name=account_name,
        ).render())
        total += amount
    lines.append(Record(
        destination_sort_code=originator_sort_code,
        destination_account_number=originator_account, transaction_code=CONTRA,
        originating_sort_code=originator_sort_code,
        originating_account_number=originator_account, amount=total,
        originator_name=originator_name, reference=contra_reference,
        destination_account_name=originator_name,
    ).render())
    return LINE_END.join(lines) + LINE_END
