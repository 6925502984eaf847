"""Forms of the summit workspace: they read what staff typed; the services judge it (an
empty title is the service's to refuse, with its own message)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from samenspel import ladder
from samenspel.ladder import LADDER_EXPLAINED as LADDER_EXPLAINED  # its old home
from voting.models import Method

from . import rules
from .models import Step, Summit
from .services.vote import VOTE_METHODS

TEXTBOX = {"class": "utrecht-textbox"}
TEXTAREA = {"class": "utrecht-textarea", "rows": 3}
SELECT = {"class": "utrecht-select"}
NUMBER = {"class": "utrecht-textbox ss-number", "inputmode": "numeric"}

TEMPLATE_CHOICES = [
    (
        "g1000",
        _(
            "G1000-dag: welkom, tafelronde, ideeën, clusteren, thema's, voorstellen, stemmen, afsluiting"
        ),
    ),
    ("empty", _("Leeg: u maakt de agenda zelf")),
]


class SummitCreateForm(forms.Form):
    title = forms.CharField(
        label=_("Titel"), required=False, max_length=400, widget=forms.TextInput(TEXTBOX)
    )
    template = forms.ChoiceField(
        label=_("Agenda"), choices=TEMPLATE_CHOICES, initial="g1000", widget=forms.RadioSelect
    )
    date = forms.DateField(
        label=_("Datum"),
        required=False,
        widget=forms.DateInput({"class": "utrecht-textbox", "type": "date"}, format="%Y-%m-%d"),
    )
    place = forms.CharField(
        label=_("Plaats"), required=False, max_length=400, widget=forms.TextInput(TEXTBOX)
    )


class SummitDetailsForm(forms.Form):
    title = forms.CharField(
        label=_("Titel"), required=False, max_length=400, widget=forms.TextInput(TEXTBOX)
    )
    slug = forms.CharField(
        label=_("Korte naam"),
        help_text=_("Staat in het webadres. Alleen kleine letters, cijfers en streepjes."),
        max_length=200,
        widget=forms.TextInput(TEXTBOX),
    )
    date = forms.DateField(
        label=_("Datum"),
        required=False,
        widget=forms.DateInput({"class": "utrecht-textbox", "type": "date"}, format="%Y-%m-%d"),
    )
    place = forms.CharField(
        label=_("Plaats"), required=False, max_length=400, widget=forms.TextInput(TEXTBOX)
    )
    question = forms.CharField(
        label=_("De vraag"),
        help_text=_("Waar denken de inwoners deze dag over na?"),
        required=False,
        widget=forms.Textarea(TEXTAREA),
    )
    limits = forms.CharField(
        label=_("Kaders"),
        help_text=_("Waarover gaat het wel, en waarover niet?"),
        required=False,
        widget=forms.Textarea(TEXTAREA),
    )
    commissioned_by = forms.CharField(
        label=_("Opdrachtgever"),
        help_text=_("Wie heeft om deze burgertop gevraagd? Bijvoorbeeld de gemeenteraad."),
        required=False,
        max_length=400,
        widget=forms.TextInput(TEXTBOX),
    )
    ladder = forms.ChoiceField(label=_("Zeggenschap"), choices=Summit.Ladder.choices)

    def __init__(self, *args: Any, readonly_slug: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if readonly_slug:
            self.fields["slug"].disabled = True
            self.fields["slug"].help_text = _("Staat vast: de burgertop is open.")

    def ladder_rungs(self) -> list[dict[str, Any]]:
        return ladder.ladder_rungs(str(self["ladder"].value() or ""))


class StepForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Soort stap"), choices=Step.Kind.choices, widget=forms.Select(SELECT)
    )
    title = forms.CharField(
        label=_("Titel"), required=False, max_length=400, widget=forms.TextInput(TEXTBOX)
    )
    question = forms.CharField(
        label=_("Vraag aan de tafels"), required=False, widget=forms.Textarea(TEXTAREA)
    )
    minutes = forms.IntegerField(
        label=_("Geplande minuten"),
        help_text=_("1 tot 600 minuten."),
        widget=forms.NumberInput(NUMBER),
    )
    # Only for a vote step (deliberation/services/vote.py): how the hall votes.
    vote_method = forms.ChoiceField(
        label=_("Stemmethode (alleen bij een stemstap)"),
        required=False,
        choices=[("", _("Goedkeuren: kies de voorstellen die u goed vindt (standaard)"))]
        + [(key, Method(key).label) for key in VOTE_METHODS],
        widget=forms.Select(SELECT),
    )
    vote_number = forms.IntegerField(
        label=_("Aantal keuzes of punten (alleen bij een stemstap)"),
        required=False,
        help_text=_(
            "Bij goedkeuren: hoeveel voorstellen iemand hoogstens kiest (leeg: allemaal)."
            " Bij punten verdelen: hoeveel punten iedereen verdeelt (leeg: 10)."
        ),
        widget=forms.NumberInput(NUMBER),
    )
    vote_reveal_on_close = forms.BooleanField(
        label=_("Toon de uitslag meteen als de stemming sluit (alleen bij een stemstap)"),
        required=False,
        help_text=_("Anders toont de gespreksleider de uitslag zelf, met een knop."),
        widget=forms.CheckboxInput(
            attrs={"class": "utrecht-checkbox utrecht-checkbox--html-input"}
        ),
    )


class TablesAddForm(forms.Form):
    hall = forms.IntegerField(
        label=_("Tafels in de zaal"), min_value=0, initial=0, widget=forms.NumberInput(NUMBER)
    )
    online = forms.IntegerField(
        label=_("Online tafels"), min_value=0, initial=0, widget=forms.NumberInput(NUMBER)
    )
    capacity = forms.IntegerField(
        label=_("Plaatsen per tafel"), initial=10, widget=forms.NumberInput(NUMBER)
    )


class TableForm(forms.Form):
    capacity = forms.IntegerField(label=_("Plaatsen"), widget=forms.NumberInput(NUMBER))
    video_url = forms.CharField(
        label=_("Videolink"),
        help_text=_("Alleen voor een online tafel. Begint met https://."),
        required=False,
        max_length=200,
        widget=forms.URLInput(TEXTBOX),
    )
    host = forms.ChoiceField(label=_("Tafelgastheer of -vrouw"), required=False)

    def __init__(self, *args: Any, hosts: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["host"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [("", _("Nog niemand"))] + hosts
        field.widget.attrs.update(SELECT)


class RoleGrantForm(forms.Form):
    username = forms.CharField(
        label=_("Gebruikersnaam"), max_length=150, widget=forms.TextInput(TEXTBOX)
    )
    role = forms.ChoiceField(label=_("Rol"), widget=forms.Select(SELECT))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["role"]
        assert isinstance(field, forms.ChoiceField)
        labels = dict(rules.Role.choices)
        field.choices = [(role, labels[role]) for role in rules.SCOPED_ROLES]
