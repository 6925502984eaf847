"""The core part of the Diemen demo: staff accounts, residents with one-time codes."""

from __future__ import annotations

import csv
import random
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from django.contrib.auth.hashers import make_password

from . import services
from .models import Neighbourhood, Role, User

DEMO_PASSWORD = "samen-diemen-2026"  # noqa: S105 - demo accounts only, printed on purpose

FIRST_NAMES = [
    "Anouk",
    "Bram",
    "Chantal",
    "Daan",
    "Esra",
    "Fatima",
    "Gijs",
    "Hanna",
    "Imran",
    "Jasmijn",
    "Kees",
    "Lotte",
    "Mohamed",
    "Noor",
    "Olga",
    "Pieter",
    "Quinten",
    "Rosa",
    "Sanne",
    "Tarik",
    "Ursula",
    "Vincent",
    "Wendy",
    "Youssef",
    "Zeynep",
    "Marieke",
    "Jeroen",
    "Aylin",
    "Ruben",
    "Priya",
    "Stefan",
    "Ilse",
    "Kofi",
    "Lisa",
    "Mehmet",
    "Nadia",
    "Otto",
    "Petra",
    "Ravi",
    "Sofie",
]
LAST_INITIALS = "ABCDEFGHJKLMNPRSTVWZ"


@dataclass
class DemoContext:
    """What the core seeded, handed to each app's demo.seed()."""

    now: datetime
    small: bool
    fresh: bool
    staff: dict[str, User] = field(default_factory=dict)
    table_hosts: list[User] = field(default_factory=list)
    residents: list[User] = field(default_factory=list)
    codes: dict[int, str] = field(default_factory=dict)  # user id -> plain one-time code
    lines: list[str] = field(default_factory=list)  # extra lines for the printed logins


STAFF = [
    ("beheer", "Beheerder Gemeente", Role.ADMINISTRATOR),
    ("gespreksleider", "Gespreksleider Lieke", Role.FACILITATOR),
    ("themateam", "Themateam Joost", Role.THEME_TEAM),
    ("ambtenaar", "Ambtenaar Sport Ellen", Role.EDITOR),
    ("ambtenaar2", "Ambtenaar Jeugd Ahmed", Role.EDITOR),
    ("raadslid", "Raadslid De Vries", Role.COUNCIL_MEMBER),
    ("griffie", "Griffier Van Dam", Role.COUNCIL_MEMBER),
]


def seed_core(*, now: datetime, small: bool) -> DemoContext:
    fresh = not User.objects.filter(username="beheer").exists()
    context = DemoContext(now=now, small=small, fresh=fresh)
    rng = random.Random(384)  # Diemen's CBS municipality number: the same demo every time
    password = make_password(DEMO_PASSWORD)
    host_count, resident_count = (10, 60) if small else (100, 1000)
    if fresh:
        for username, name, role in STAFF:
            user = User.objects.create(
                username=username,
                display_name=name,
                password=password,
                is_staff=role in {Role.ADMINISTRATOR, Role.FACILITATOR, Role.EDITOR},
                is_superuser=role == Role.ADMINISTRATOR,
                email=f"{username}@diemen.example",
            )
            services.role_grant(user=user, role=role)
        buurten = list(Neighbourhood.objects.filter(level=Neighbourhood.Level.BUURT))
        people = []
        for index in range(host_count + resident_count):
            first = rng.choice(FIRST_NAMES)
            people.append(
                User(
                    username=f"inwoner{index + 1:04d}",
                    display_name=f"{first} {rng.choice(LAST_INITIALS)}.",
                    first_name=first,
                    password=make_password(None),
                    neighbourhood=rng.choice(buurten) if buurten else None,
                    birth_year=rng.randint(1940, 2010),
                    email=f"inwoner{index + 1:04d}@diemen.example",
                )
            )
        User.objects.bulk_create(people, batch_size=500)
    context.staff = {username: User.objects.get(username=username) for username, _n, _r in STAFF}
    everyone = list(User.objects.filter(username__startswith="inwoner").order_by("username"))
    context.table_hosts = everyone[:host_count]
    context.residents = everyone[host_count:]
    if fresh:
        for host in context.table_hosts:
            services.role_grant(user=host, role=Role.TABLE_HOST)
        for resident in everyone:
            services.role_grant(user=resident, role=Role.RESIDENT)
    issued = services.invitation_codes_issue(users=everyone, now=now, note="demo")
    context.codes = {item.user.pk: item.code for item in issued}
    return context


def write_codes(context: DemoContext, path: Path) -> None:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["username", "role", "code", "name"])
        for user in context.table_hosts:
            writer.writerow([user.username, "table_host", context.codes[user.pk], user.public_name])
        for user in context.residents:
            writer.writerow([user.username, "resident", context.codes[user.pk], user.public_name])


def logins_text(context: DemoContext) -> str:
    lines = [
        "Samenspel demo: http://127.0.0.1:8000/",
        "",
        f"Staff (password for all: {DEMO_PASSWORD}) at /inloggen/medewerker/:",
    ]
    for username, name, role in STAFF:
        lines.append(f"  {username:<15} {name} ({role.label})")
    lines.append("")
    lines.append("Residents log in with a one-time code at /inloggen/code/ (each code works once):")
    for user in context.residents[:3]:
        lines.append(f"  {user.display_name:<15} {context.codes[user.pk]}")
    lines.append("Table hosts (one-time codes):")
    for user in context.table_hosts[:2]:
        lines.append(f"  {user.display_name:<15} {context.codes[user.pk]}")
    lines.extend(context.lines)
    return "\n".join(lines) + "\n"
