"""The Diemen demo: staff, residents with codes, and whatever each app adds (its demo.py)."""

from pathlib import Path

from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from samenspel import demo
from samenspel.discovery import project_modules


class Command(BaseCommand):
    help = "Seed the Diemen demo. Prints the demo logins and writes them to a file."

    def add_arguments(self, parser):  # type: ignore[no-untyped-def]
        parser.add_argument("--logins-file", default="demo-logins.txt")
        parser.add_argument(
            "--codes-file",
            default="var/demo-codes.csv",
            help="All residents' one-time codes, for load tests.",
        )
        parser.add_argument(
            "--small",
            action="store_true",
            help="A small demo (for browser tests): fewer residents and tables.",
        )

    def handle(self, *args, **options):  # type: ignore[no-untyped-def]
        now = timezone.now()
        with transaction.atomic():
            context = demo.seed_core(now=now, small=options["small"])
            for module in project_modules("demo"):
                module.seed(context)
        codes_path = Path(options["codes_file"])
        codes_path.parent.mkdir(parents=True, exist_ok=True)
        demo.write_codes(context, codes_path)
        text = demo.logins_text(context)
        Path(options["logins_file"]).write_text(text, encoding="utf-8")
        self.stdout.write(text)
        self.stdout.write(f"Codes of all residents: {codes_path}")
