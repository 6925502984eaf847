from django.core.management.base import BaseCommand, CommandError

from samenspel import services
from samenspel.models import User


class Command(BaseCommand):
    help = "Print the API token of USERNAME (made if missing), for ?token= and the API."

    def add_arguments(self, parser):  # type: ignore[no-untyped-def]
        parser.add_argument("username")

    def handle(self, *args, **options):  # type: ignore[no-untyped-def]
        user = User.objects.filter(username=options["username"]).first()
        if user is None:
            raise CommandError(f"Onbekende gebruiker / unknown user: {options['username']}")
        self.stdout.write(services.api_token_for(user=user))
