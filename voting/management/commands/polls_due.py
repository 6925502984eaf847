"""Open and close the polls whose scheduled time has come: ``python manage.py polls_due``.

Pages open and close due polls when they are read; run this every minute from cron so a
poll also opens and closes (and is counted) on time when nobody looks."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from voting import services


class Command(BaseCommand):
    help = "Open and close the polls whose scheduled opening or closing time has come."

    def handle(self, *args: Any, **options: Any) -> None:
        report = services.polls_due()
        self.stdout.write(f"opened {len(report.opened)}, closed {len(report.closed)}")
