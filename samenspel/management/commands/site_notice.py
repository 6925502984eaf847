from django.core.management.base import BaseCommand, CommandError

from samenspel import services
from samenspel.models import User


class Command(BaseCommand):
    help = "Show a short notice on every open Samenspel page, as USERNAME."

    def add_arguments(self, parser):  # type: ignore[no-untyped-def]
        parser.add_argument("text")
        parser.add_argument("--as", dest="username", required=True)

    def handle(self, *args, **options):  # type: ignore[no-untyped-def]
        user = User.objects.filter(username=options["username"]).first()
        if user is None:
            raise CommandError(f"Onbekende gebruiker / unknown user: {options['username']}")
        try:
            services.site_notice_publish(text=options["text"], by=user)
        except (PermissionError, ValueError) as error:
            raise CommandError(str(error)) from error
        self.stdout.write("ok")
