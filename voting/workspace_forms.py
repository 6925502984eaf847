"""The poll workspace's forms: they read what was typed; services.poll_setup_errors decides
what is allowed, and its messages are put on the fields they are about."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from samenspel import ladder
from samenspel.ladder import Ladder
from samenspel.models import Neighbourhood, User

from . import electorates, methods
from .models import Method, Option, Poll
from .services import OptionSpec

INPUT = {"class": "utrecht-textbox"}
NUMBER = {"class": "utrecht-textbox ss-number", "inputmode": "numeric"}
WHEN = "%Y-%m-%dT%H:%M"

# In plain Dutch, so a civil servant can choose: what residents do, and who wins.
METHOD_HELP = {
    Method.YES_NO: _(
        "Ja of nee per voorstel: bij elk voorstel kiest men voor, tegen of onthouding. "
        "Voor besluitpunten."
    ),
    Method.APPROVAL: _(
        "Meerdere kiezen: men vinkt de opties aan die men goed vindt. De opties met de "
        "meeste vinkjes winnen."
    ),
    Method.IRV: _(
        "Op volgorde zetten, één winnaar: de optie met de minste eerste keuzes valt steeds "
        "af, tot er een meerderheid is."
    ),
    Method.STV: _(
        "Op volgorde zetten, meerdere winnaars: zoals hierboven, maar er winnen zoveel "
        "opties als u winnaars kiest."
    ),
    Method.SCHULZE: _(
        "Op volgorde zetten: elke optie wordt met elke andere vergeleken; de optie die de "
        "onderlinge vergelijkingen het best doorstaat, wint (Schulze)."
    ),
    Method.BORDA: _(
        "Op volgorde zetten: elke plaats geeft punten, de eerste plaats de meeste. De "
        "meeste punten wint (Borda)."
    ),
    Method.COPELAND: _(
        "Op volgorde zetten: de optie die van de meeste andere opties wint, wint (Copeland)."
    ),
    Method.SCORE: _(
        "Cijfers geven: elke optie een cijfer van 0 tot 5. Het hoogste gemiddelde wint."
    ),
    Method.MAJORITY_JUDGMENT: _(
        "Beoordelen: elke optie een oordeel van 'afwijzen' tot 'uitstekend'. Het beste "
        "middelste oordeel wint."
    ),
    Method.DOT: _(
        "Punten verdelen: iedereen verdeelt een aantal punten over de opties, ook alle "
        "punten op één optie."
    ),
    Method.BUDGET_GREEDY: _(
        "Een budget besteden: men kiest projecten binnen het budget. De projecten met de "
        "meeste stemmen krijgen eerst geld, tot het op is."
    ),
    Method.BUDGET_MES: _(
        "Een budget eerlijk verdelen: men kiest projecten binnen het budget. Elke groep "
        "inwoners krijgt een deel van het geld dat past bij haar grootte (gelijke aandelen)."
    ),
}

EXTRA_ROWS = 3


def _neighbourhoods() -> list[tuple[str, str]]:
    choices: list[tuple[str, str]] = [("", str(_("Kies een wijk of buurt")))]
    for place in Neighbourhood.objects.order_by("code"):
        prefix = "" if place.level == Neighbourhood.Level.WIJK else "— "
        kind = _("wijk") if place.level == Neighbourhood.Level.WIJK else _("buurt")
        choices.append((str(place.pk), f"{prefix}{place.name} ({kind})"))
    return choices


class PollSetupForm(forms.Form):
    title = forms.CharField(
        label=_("Titel"), max_length=200, required=False, widget=forms.TextInput(attrs=INPUT)
    )
    description = forms.CharField(
        label=_("Toelichting"),
        required=False,
        help_text=_("Wat de vraag is, waarom, en wat de gemeente met de uitslag doet."),
        widget=forms.Textarea(attrs={"class": "utrecht-textarea", "rows": 4}),
    )
    limits = forms.CharField(
        label=_("Kaders"),
        required=False,
        help_text=_(
            "Waarover gaat de peiling wel, en waarover niet? Dit staat in het participatieverslag."
        ),
        widget=forms.Textarea(attrs={"class": "utrecht-textarea", "rows": 3}),
    )
    commissioned_by = forms.CharField(
        label=_("Opdrachtgever"),
        required=False,
        help_text=_(
            "Wie heeft om deze peiling gevraagd? Bijvoorbeeld de gemeenteraad. Laat u dit "
            "leeg, dan staat in het participatieverslag: College van burgemeester en "
            "wethouders."
        ),
        widget=forms.TextInput(attrs=INPUT),
    )
    ladder = forms.ChoiceField(
        label=_("Zeggenschap"),
        choices=Ladder.choices,
        initial=Ladder.CONSULT,
        required=False,  # none chosen: what a poll is by default, consulting residents
        error_messages={"invalid_choice": _("Kies hoeveel zeggenschap inwoners hebben.")},
    )
    method = forms.ChoiceField(
        label=_("Hoe wordt er gestemd?"), choices=Method.choices, widget=forms.RadioSelect
    )
    seats = forms.IntegerField(
        label=_("Aantal winnaars"),
        min_value=0,
        max_value=500,
        initial=1,
        widget=forms.NumberInput(attrs=NUMBER),
    )
    min_choices = forms.IntegerField(
        label=_("Minimaal aantal keuzes"),
        min_value=0,
        max_value=500,
        initial=0,
        help_text=_("Bij meerdere kiezen of een budget; 0 betekent: geen minimum."),
        widget=forms.NumberInput(attrs=NUMBER),
    )
    max_choices = forms.IntegerField(
        label=_("Maximaal aantal keuzes"),
        min_value=0,
        max_value=500,
        required=False,
        help_text=_("Leeg betekent: geen maximum."),
        widget=forms.NumberInput(attrs=NUMBER),
    )
    points = forms.IntegerField(
        label=_("Punten per persoon"),
        min_value=1,
        max_value=1000,
        required=False,
        help_text=_("Alleen bij punten verdelen."),
        widget=forms.NumberInput(attrs=NUMBER),
    )
    budget = forms.IntegerField(
        label=_("Budget in euro's"),
        min_value=1,
        required=False,
        help_text=_("Alleen bij een budget besteden. Hele euro's, zonder punt."),
        widget=forms.NumberInput(attrs=NUMBER),
    )
    majority_rule = forms.ChoiceField(
        label=_("Wanneer is een voorstel aangenomen?"),
        choices=Poll.MajorityRule.choices,
        initial=Poll.MajorityRule.SIMPLE,
        help_text=_("Alleen bij ja of nee per voorstel."),
        widget=forms.Select(attrs={"class": "utrecht-select"}),
    )
    electorate = forms.ChoiceField(
        label=_("Wie mag stemmen?"),
        choices=Poll.Electorate.choices,
        initial=Poll.Electorate.ALL,
        widget=forms.RadioSelect,
    )
    neighbourhood = forms.ChoiceField(
        label=_("Wijk of buurt"),
        required=False,
        help_text=_("Een wijk telt met al haar buurten."),
        widget=forms.Select(attrs={"class": "utrecht-select"}),
    )
    opens_at = forms.DateTimeField(
        label=_("Gaat open op"),
        required=False,
        input_formats=[WHEN],
        help_text=_("Leeg: u opent de peiling zelf met de knop."),
        widget=forms.DateTimeInput(attrs={**INPUT, "type": "datetime-local"}, format=WHEN),
    )
    closes_at = forms.DateTimeField(
        label=_("Sluit op"),
        required=False,
        input_formats=[WHEN],
        help_text=_("Leeg: u sluit de peiling zelf met de knop. Bij het sluiten wordt geteld."),
        widget=forms.DateTimeInput(attrs={**INPUT, "type": "datetime-local"}, format=WHEN),
    )
    live_turnout = forms.BooleanField(
        label=_("Laat tijdens het stemmen zien hoeveel mensen al gestemd hebben"),
        required=False,
        initial=True,
        help_text=_("De uitslag zelf verschijnt altijd pas als de peiling sluit."),
        widget=forms.CheckboxInput(
            attrs={"class": "utrecht-checkbox utrecht-checkbox--html-input"}
        ),
    )

    def __init__(
        self,
        *args: Any,
        rows: list[dict[str, str]] | None = None,
        user: User | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["neighbourhood"].choices = _neighbourhoods()
        # Groups of other apps (a summit's participants): one choice each, and a list of
        # the groups this person may use; the service refuses any other.
        choices = [item for item in Poll.Electorate.choices if item[0] != Poll.Electorate.SOURCE]
        for kind, source in electorates.SOURCES.items():
            choices.append((kind, source.label))
            groups = source.choices(user) if user is not None else []
            self.fields[f"source_{kind}"] = forms.CharField(
                label=source.pick_label,
                required=False,
                widget=forms.Select(
                    attrs={"class": "utrecht-select"},
                    choices=[("", str(_("Kies uit de lijst"))), *groups],
                ),
            )
        self.fields["electorate"].choices = choices  # type: ignore[attr-defined]
        self.rows = rows if rows is not None else [{"title": "", "cost": "", "description": ""}]
        self.option_errors: list[str] = []

    def option_specs(self) -> list[OptionSpec]:
        """The filled option rows, in their order; a row without a title is left out."""
        specs = []
        for number, row in enumerate(self.rows, 1):
            if not row["title"].strip():
                continue
            cost: int | None = None
            raw = row["cost"].replace(".", "").replace("€", "").strip()
            if raw:
                if not raw.isdigit():
                    self.option_errors.append(
                        str(_("De kosten van optie %(number)s zijn geen heel getal in euro's."))
                        % {"number": number}
                    )
                else:
                    cost = int(raw)
            specs.append(
                OptionSpec(title=row["title"][:200], description=row["description"], cost=cost)
            )
        return specs

    def ladder_rungs(self) -> list[dict[str, Any]]:
        return ladder.ladder_rungs(str(self["ladder"].value() or ""))

    @property
    def source_fields(self) -> list[forms.BoundField]:
        return [self[f"source_{kind}"] for kind in electorates.SOURCES]

    def _electorate(self) -> dict[str, str]:
        """``electorate`` and ``electorate_source`` for the service: a group's kind becomes
        'source' with the chosen group's key (or just its kind when none was chosen)."""
        chosen = self.cleaned_data["electorate"]
        if chosen not in electorates.SOURCES:
            return {"electorate": chosen, "electorate_source": ""}
        key = self.cleaned_data.get(f"source_{chosen}") or f"{chosen}:"
        return {"electorate": str(Poll.Electorate.SOURCE), "electorate_source": key}

    def arguments(self) -> dict[str, Any]:
        """The service's keyword arguments (after is_valid)."""
        data = self.cleaned_data
        place = data.get("neighbourhood") or ""
        return {
            **self._electorate(),
            "title": data.get("title", ""),
            "description": data.get("description", ""),
            "limits": data.get("limits", ""),
            "commissioned_by": data.get("commissioned_by", ""),
            "ladder": data.get("ladder") or Ladder.CONSULT,
            "method": data["method"],
            "seats": data.get("seats") or 0,
            "min_choices": data.get("min_choices") or 0,
            "max_choices": data.get("max_choices"),
            "points": data.get("points"),
            "budget": data.get("budget"),
            "majority_rule": data.get("majority_rule") or Poll.MajorityRule.SIMPLE,
            "neighbourhood": Neighbourhood.objects.filter(pk=place).first()
            if place.isdigit()
            else None,
            "opens_at": data.get("opens_at"),
            "closes_at": data.get("closes_at"),
            "live_turnout": bool(data.get("live_turnout")),
            "options": self.option_specs(),
        }

    def show(self, error: ValidationError) -> None:
        """Put a service's refusal on the fields it names."""
        if hasattr(error, "error_dict"):
            for name, messages in error.message_dict.items():
                if name == "options":
                    self.option_errors.extend(messages)
                elif name == "electorate_source":
                    field = f"source_{self.data.get('electorate')}"
                    self.add_error(field if field in self.fields else None, messages)
                elif name in self.fields:
                    self.add_error(name, messages)
                else:
                    self.add_error(None, messages)
        else:
            self.add_error(None, error.messages)


def rows_from_post(data: QueryDict) -> list[dict[str, str]]:
    """The option rows as typed (``option-N-title``, ``-cost``, ``-description``), in the
    order of the place numbers typed (``option-N-place``; a row keeps its place when its
    number is left alone), with empty rows added when "Meer opties" was pressed. A row
    whose title is emptied is left out when the poll is stored."""
    raw_count = data.get("option-count") or ""
    count = min(int(raw_count), 200) if raw_count.isdigit() else 0
    rows = []
    for n in range(1, count + 1):
        place = (data.get(f"option-{n}-place") or "").strip()
        rows.append(
            (
                int(place) if place.isdigit() else n,
                n,
                {
                    "title": data.get(f"option-{n}-title", "").strip(),
                    "cost": data.get(f"option-{n}-cost", "").strip(),
                    "description": data.get(f"option-{n}-description", "").strip(),
                },
            )
        )
    ordered = [row for _place, _n, row in sorted(rows, key=lambda item: (item[0], item[1]))]
    if data.get("add_rows"):
        ordered.extend({"title": "", "cost": "", "description": ""} for _ in range(EXTRA_ROWS))
    return ordered


def with_spare_rows(rows: list[dict[str, str]]) -> list[dict[str, str]]:
    """The rows to show: those with a title, then empty ones to fill in."""
    filled = [row for row in rows if any(row.values())]
    spare = max(EXTRA_ROWS, len(rows) - len(filled))
    return filled + [{"title": "", "cost": "", "description": ""} for _ in range(spare)]


def rows_of(options: list[Option]) -> list[dict[str, str]]:
    return [
        {
            "title": o.title,
            "cost": "" if o.cost is None else str(o.cost),
            "description": o.description,
        }
        for o in options
    ]


def initial_of(poll: Poll) -> dict[str, Any]:
    group: dict[str, str] = {}
    if poll.electorate == Poll.Electorate.SOURCE:
        kind = poll.electorate_source.partition(":")[0]
        group = {"electorate": kind, f"source_{kind}": poll.electorate_source}
    return {
        "title": poll.title,
        "description": poll.description,
        "limits": poll.limits,
        "commissioned_by": poll.commissioned_by,
        "ladder": poll.ladder,
        "method": poll.method,
        "seats": poll.seats,
        "min_choices": poll.min_choices,
        "max_choices": poll.max_choices,
        "points": poll.points,
        "budget": poll.budget,
        "majority_rule": poll.majority_rule,
        "electorate": poll.electorate,
        "neighbourhood": str(poll.neighbourhood_id or ""),
        "opens_at": poll.opens_at,
        "closes_at": poll.closes_at,
        "live_turnout": poll.live_turnout,
        **group,
    }


def method_needs(method: str) -> dict[str, bool]:
    kind = methods.REGISTRY.get(method)
    return {
        "budget": bool(kind and kind.needs_budget),
        "points": bool(kind and kind.needs_points),
    }


class VoterFileForm(forms.Form):
    file = forms.FileField(
        label=_("Bestand met kiezers (CSV)"),
        help_text=_(
            "Eén persoon per regel. De eerste regel geeft de kolomnamen, met een kolom "
            "'gebruikersnaam' of 'e-mail'. Komma's of puntkomma's mogen allebei."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv,text/plain"}),
    )


def radio_choices(form: PollSetupForm, name: str) -> list[dict[str, Any]]:
    """The choices of a radio field with whether each is chosen, and for the method its
    explanation in plain Dutch."""
    current = str(form[name].value() or "")
    return [
        {
            "value": value,
            "label": label,
            "help": METHOD_HELP.get(value, "") if name == "method" else "",
            "checked": value == current,
        }
        for value, label in form.fields[name].choices  # type: ignore[attr-defined]
    ]
