"""The council app's forms: they read what was typed; council/services.py decides what is
allowed and its refusals are shown at the fields they name."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from . import answer_file
from .models import Answer, AnswerStatus
from .selectors import UNANSWERED, room_topics
from .services import AnswerInput, answer_summary

INPUT = {"class": "utrecht-textbox"}
AREA = {"class": "utrecht-textarea", "rows": 6}
DATE_FORMATS = ["%Y-%m-%d", "%d-%m-%Y"]


class AnswerForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"), widget=forms.Select(attrs={"class": "utrecht-select"})
    )
    reasons = forms.CharField(
        label=_("Toelichting"),
        required=False,
        help_text=_(
            "In gewone taal: wat de raad besloot en waarom. U mag opmaak gebruiken zoals "
            "**vet** en lijstjes met een streepje."
        ),
        widget=forms.Textarea(attrs=AREA),
    )
    # Typed as text: a native date field orders its parts by the browser's language and
    # makes Tab stop at each part; the griffie writes dates as in the CSV file.
    decision_date = forms.DateField(
        label=_("Datum van het besluit"),
        required=False,
        input_formats=DATE_FORMATS,
        help_text=_("Bijvoorbeeld 12-03-2026. Leeg als de raad nog niet besloot."),
        widget=forms.DateInput(
            attrs={"class": "utrecht-textbox", "inputmode": "numeric", "autocomplete": "off"},
            format="%d-%m-%Y",
        ),
        error_messages={"invalid": _("Schrijf de datum als 2026-03-12 of 12-03-2026.")},
    )
    decision_reference = forms.CharField(
        label=_("Raadsbesluit: kenmerk of link"),
        required=False,
        help_text=_("Het kenmerk, zoals 'RB 2026-014', of een link die begint met https://."),
        widget=forms.TextInput(attrs=INPUT),
    )
    milestones = forms.CharField(
        label=_("Mijlpalen"),
        required=False,
        help_text=_(
            "Eén per regel: datum | voortgang in procenten | wat er is gebeurd. Bijvoorbeeld: "
            "2026-05-01 | 40 | De eerste bomen staan."
        ),
        widget=forms.Textarea(attrs={**AREA, "rows": 4}),
    )

    def __init__(self, *args: Any, answer: Answer | None = None, **kwargs: Any) -> None:
        if answer is not None and "initial" not in kwargs and not args:
            summary = answer_summary(answer)
            kwargs["initial"] = {
                "status": summary["status"],
                "reasons": summary["reasons"],
                "decision_date": answer.decision_date,
                "decision_reference": summary["decision_reference"],
                "milestones": summary["milestones"],
            }
        super().__init__(*args, **kwargs)
        field = self.fields["status"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [("", _("Kies een status"))] + [
            (status.key, f"{status.label} ({status.progress}%)")
            for status in AnswerStatus.objects.all()
        ]
        for name in ("reasons", "decision_date", "decision_reference", "milestones"):
            self.fields[name].widget.attrs["aria-describedby"] = f"id_{name}-help"

    def clean_milestones(self) -> list[answer_file.MilestoneSpec]:
        try:
            return answer_file.parse_milestones(self.cleaned_data.get("milestones", ""))
        except ValueError as error:
            raise forms.ValidationError(str(error)) from None

    def given(self) -> AnswerInput:
        data = self.cleaned_data
        return AnswerInput(
            status_key=data["status"],
            reasons=data.get("reasons", ""),
            decision_date=data.get("decision_date"),
            decision_reference=data.get("decision_reference", ""),
            milestones=data.get("milestones", []),
        )


class StatusForm(forms.Form):
    key = forms.CharField(
        label=_("Sleutel"),
        max_length=40,
        required=False,
        help_text=_(
            "Het woord waarmee een CSV-bestand deze status noemt, zoals 'in_uitvoering'. "
            "Het blijft daarna vast."
        ),
        widget=forms.TextInput(attrs={**INPUT, "autocapitalize": "none", "spellcheck": "false"}),
    )
    label = forms.CharField(label=_("Naam"), max_length=80, widget=forms.TextInput(attrs=INPUT))
    progress = forms.IntegerField(
        label=_("Voortgang in procenten"),
        min_value=0,
        max_value=100,
        widget=forms.NumberInput(
            attrs={"class": "utrecht-textbox ss-number", "inputmode": "numeric"}
        ),
    )

    def __init__(self, *args: Any, editing: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if editing:
            del self.fields["key"]
        else:
            self.fields["key"].widget.attrs["aria-describedby"] = "id_key-help"


class AnswerFileForm(forms.Form):
    file = forms.FileField(
        label=_("CSV-bestand met antwoorden"),
        required=False,
        widget=forms.ClearableFileInput(
            attrs={"accept": ".csv,text/csv", "class": "utrecht-textbox"}
        ),
    )


class RoomFilterForm(forms.Form):
    q = forms.CharField(
        label=_("Zoek in de voorstellen, amendementen, peilingen en antwoorden"),
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={**INPUT, "type": "search"}),
    )
    topic = forms.ChoiceField(
        label=_("Onderwerp"), required=False, widget=forms.Select(attrs={"class": "utrecht-select"})
    )
    status = forms.ChoiceField(
        label=_("Status"), required=False, widget=forms.Select(attrs={"class": "utrecht-select"})
    )
    since = forms.DateField(
        label=_("Datum vanaf"),
        required=False,
        input_formats=DATE_FORMATS,
        widget=forms.DateInput(
            attrs={"class": "utrecht-textbox", "type": "date"}, format="%Y-%m-%d"
        ),
        error_messages={"invalid": _("Schrijf de datum als 2026-03-12 of 12-03-2026.")},
    )
    until = forms.DateField(
        label=_("Datum tot en met"),
        required=False,
        input_formats=DATE_FORMATS,
        widget=forms.DateInput(
            attrs={"class": "utrecht-textbox", "type": "date"}, format="%Y-%m-%d"
        ),
        error_messages={"invalid": _("Schrijf de datum als 2026-03-12 of 12-03-2026.")},
    )
    # Not in the form: the pager's links carry it, and a new choice of filters starts at
    # page 1. Never refused, so that a wrong page number keeps the filters.
    page = forms.CharField(required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["status"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [
            ("", _("Alle statussen")),
            (UNANSWERED, _("Nog geen antwoord")),
        ] + [(s.key, s.label) for s in AnswerStatus.objects.all()]
        topic = self.fields["topic"]
        assert isinstance(topic, forms.ChoiceField)
        topic.choices = [("", _("Alle onderwerpen")), *room_topics()]

    def clean_page(self) -> int | None:
        """The page asked for (1 when none is), or None when it is not a page number."""
        value = (self.cleaned_data.get("page") or "1").strip()
        if not (value.isascii() and value.isdigit()):
            return None
        try:
            return int(value)
        except ValueError:  # more digits than Python reads as a number
            return None


class NoticeEmailForm(forms.Form):
    """A resident's choice whether the council's news may reach them by e-mail."""

    email = forms.BooleanField(
        label=_("E-mail mij als de raad iets doet met mijn voorstellen"),
        required=False,
        help_text=_(
            "U krijgt dan hoogstens één e-mail per dag. Zet het vinkje uit als u geen e-mail "
            "wilt. Het nieuws blijft dan wel op deze pagina staan."
        ),
    )
