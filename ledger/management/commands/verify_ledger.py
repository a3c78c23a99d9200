from django.core.management.base import BaseCommand, CommandError

from ledger.verification import verify_ledger


class Command(BaseCommand):
    help = "Recompute every entry's hash chain and every balance; name the first mismatch."

    def handle(self, *args, **options):
        result = verify_ledger()
        if not result.ok:
            for problem in result.problems[1:]:
                self.stderr.write(f"Also: {problem.message}")
            raise CommandError(result.summary())
        self.stdout.write(self.style.SUCCESS(result.summary()))
