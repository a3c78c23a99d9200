from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from frontend.demo import PASSWORD, load_demo


class Command(BaseCommand):
    help = "Load the demo data (idempotent) and print a sign-in for each role."

    def handle(self, *args, **options):
        if settings.PRODUCTION:
            raise CommandError("Demo data is never loaded in production.")
        sign_ins, spare_code = load_demo()
        out = self.stdout
        out.write(self.style.SUCCESS("Demo data loaded. Sign in at http://127.0.0.1:8000/accounts/login/"))
        out.write(f"Every demo password is: {PASSWORD}")
        for sign_in in sign_ins:
            line = f"  {sign_in.role:<38} {sign_in.email}"
            if sign_in.totp_secret:
                line += f"   (MFA: run `make code EMAIL={sign_in.email}` for the 6-digit code)"
            out.write(line)
        out.write(f"Unclaimed invitation code to try claiming a budget: {spare_code}")
