"""Send residents their notices about the council's answers: one e-mail per person with
everything not yet mailed, nobody twice within 24 hours. Meant to run once a day (cron)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from council import notices


class Command(BaseCommand):
    help = (
        "Send each resident one e-mail with their unsent notices about the council's "
        "answers; nobody is mailed twice within 24 hours. Run daily."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--site-url",
            default=None,
            help="The address the e-mails link to (default: the SITE_URL setting).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        run = notices.notice_digests_send(now=timezone.now(), site_url=options["site_url"])
        self.stdout.write(
            f"sent {run.sent} e-mails ({run.notices} notices); "
            f"held back {run.held_back} people mailed in the last 24 hours; "
            f"{run.without_address} people without an e-mail address; "
            f"{run.turned_off} people who turned the e-mail off; "
            f"{run.failed} failed (tried again next run)"
        )
