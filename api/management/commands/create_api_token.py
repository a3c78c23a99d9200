"""Print a new API token for a provider or commissioner (demo and development only).

    python manage.py create_api_token --provider "Leeds Skills Co-operative" --name demo
    python manage.py create_api_token --commissioner "West Yorkshire Combined Authority" \\
        --role commissioner_auditor --name audit

The token is created on behalf of the organisation's first admin (a provider admin or a
commissioner manager), as if they had used the API tokens page, and is audited as such.
Refused in production: there, admins create tokens on their API tokens page.
"""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from accounts.models import Commissioner, Role, User
from api.errors import TokenError
from api.services import create_api_token
from providers.models import Provider


class Command(BaseCommand):
    help = "Create an API token for an organisation and print its secret (not in production)."

    def add_arguments(self, parser):
        who = parser.add_mutually_exclusive_group(required=True)
        who.add_argument("--provider", help="The provider's name.")
        who.add_argument("--commissioner", help="The commissioner's name.")
        parser.add_argument("--name", default="command line", help="A name for the token.")
        parser.add_argument("--role", default=Role.COMMISSIONER_MANAGER,
                            choices=[Role.COMMISSIONER_MANAGER, Role.COMMISSIONER_AUDITOR],
                            help="Commissioner tokens only: manager (default) or auditor.")

    def handle(self, *args, **options):
        if settings.PRODUCTION:
            raise CommandError("Not in production: create tokens on the API tokens page.")
        if options["provider"]:
            provider = Provider.objects.filter(name=options["provider"]).first()
            if provider is None:
                raise CommandError(f"No provider called {options['provider']!r}.")
            admin = User.objects.filter(role=Role.PROVIDER_ADMIN, is_active=True,
                                        provider_membership__provider=provider).first()
        else:
            commissioner = Commissioner.objects.filter(name=options["commissioner"]).first()
            if commissioner is None:
                raise CommandError(f"No commissioner called {options['commissioner']!r}.")
            admin = User.objects.filter(role=Role.COMMISSIONER_MANAGER, is_active=True,
                                        commissioner=commissioner).first()
        if admin is None:
            raise CommandError("That organisation has no admin to create the token for.")
        try:
            token, secret = create_api_token(actor=admin, name=options["name"],
                                             role=options["role"])
        except TokenError as error:
            raise CommandError(str(error)) from error
        self.stderr.write(f"Token {token.name!r} for {token.organisation} "
                          f"({token.get_role_display()}). It is shown once:")
        self.stdout.write(secret)
