from __future__ import annotations

import hashlib
from collections.abc import Sequence
from typing import Any

from django import forms
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _

from samenspel.ladder import Ladder, ladder_rungs
from samenspel.models import Neighbourhood

from . import electorates
from .models import Amendment, Draft, NotaKind

TEXTAREA = {"class": "utrecht-textarea", "rows": 3}
INPUT = {"class": "utrecht-textbox"}
PASSAGE_HELP = _("Kopieer de zin of woorden uit de versie.")


def passage_at_field() -> forms.IntegerField:
    """Where the selected passage begins in the shown text (set by the page's script), so a
    passage that occurs twice is tied to the one the reader selected."""
    return forms.IntegerField(required=False, min_value=0, widget=forms.HiddenInput)


class LimitedText(forms.CharField):
    """A text with a limit the server checks and names; the page sets no ``maxlength``,
    because a browser silently cuts pasted text at it."""

    def widget_attrs(self, widget: forms.Widget) -> dict[str, Any]:
        attrs = super().widget_attrs(widget)
        attrs.pop("maxlength", None)
        return attrs


TOO_LONG_PASSAGE = _(
    "Het gekozen stuk tekst is %(show_value)d tekens lang. Er passen er %(limit_value)d in."
)
TOO_LONG_COMMENT = _("Uw reactie is %(show_value)d tekens lang. Er passen er %(limit_value)d in.")


class CommentForm(forms.Form):
    passage = LimitedText(
        label=_("Over welk stuk tekst?"),
        help_text=PASSAGE_HELP,
        widget=forms.Textarea(attrs=TEXTAREA),
        max_length=5000,
        error_messages={"max_length": TOO_LONG_PASSAGE},
    )
    at = passage_at_field()
    body = LimitedText(
        label=_("Uw reactie"),
        widget=forms.Textarea(attrs=TEXTAREA),
        max_length=5000,
        error_messages={"max_length": TOO_LONG_COMMENT},
    )


class ReplyForm(forms.Form):
    body = LimitedText(
        label=_("Antwoord"),
        widget=forms.Textarea(attrs=TEXTAREA),
        max_length=5000,
        error_messages={"max_length": TOO_LONG_COMMENT},
    )


class AmendmentForm(forms.Form):
    passage = LimitedText(
        label=_("Welk stuk tekst wilt u veranderen?"),
        help_text=PASSAGE_HELP,
        widget=forms.Textarea(attrs=TEXTAREA),
        max_length=5000,
        error_messages={"max_length": TOO_LONG_PASSAGE},
    )
    at = passage_at_field()
    replacement = forms.CharField(
        label=_("Nieuwe tekst"),
        help_text=_(
            "Begint met de gekozen tekst. Verander wat anders moet; laat de rest staan. "
            "Maak het vak leeg om de tekst te schrappen."
        ),
        widget=forms.Textarea(attrs={**TEXTAREA, "rows": 5}),
        required=False,
    )
    rationale = forms.CharField(label=_("Waarom?"), widget=forms.Textarea(attrs=TEXTAREA))
    # What the person saw in the preview (``preview_key``): only that is sent.
    seen = forms.CharField(required=False, widget=forms.HiddenInput)


def preview_key(passage: str, start: int, replacement: str) -> str:
    """A short fingerprint of a change as the preview showed it: an amendment is sent only
    when the text sent is the text whose change the person saw."""
    data = f"{start}\x00{passage}\x00{replacement}".encode()
    return hashlib.sha256(data).hexdigest()[:20]


class RejectForm(forms.Form):
    reason = forms.CharField(label=_("Reden van afwijzen"), widget=forms.TextInput(attrs=INPUT))


class PublishForm(forms.Form):
    note = forms.CharField(
        label=_("Toelichting bij deze versie"),
        required=False,
        max_length=300,
        widget=forms.TextInput(attrs=INPUT),
    )
    final = forms.BooleanField(
        label=_("Dit is de definitieve versie voor de gemeenteraad"),
        required=False,
        widget=forms.CheckboxInput(attrs={"class": "utrecht-checkbox"}),
    )


class AmendmentVoteForm(forms.Form):
    """The open amendments of one draft that an editor puts to a vote together.

    ``amendments`` are the draft's amendments with their passage as the page shows it. The
    service decides under lock; the form explains a choice it cannot offer (another draft's,
    one in a vote, one decided meanwhile) before anything is written."""

    amendments = forms.MultipleChoiceField(
        label=_("Welke amendementen legt u voor?"),
        error_messages={
            "required": _("Kies minstens één amendement."),
            "invalid_choice": _(
                "Een gekozen amendement hoort niet bij deze nota. Er is niets aan een stemming "
                "voorgelegd."
            ),
        },
    )
    electorate = forms.ChoiceField(
        label=_("Wie mogen stemmen?"),
        choices=electorates.KINDS,
        widget=forms.RadioSelect,
        error_messages={"required": _("Kies wie over de amendementen mogen stemmen.")},
    )
    wijk = forms.ModelChoiceField(
        label=_("Welke wijk?"),
        queryset=Neighbourhood.objects.none(),
        required=False,
        empty_label=_("Kies een wijk"),
        widget=forms.Select(attrs={"class": "utrecht-select"}),
    )

    def __init__(
        self,
        *args: Any,
        amendments: Sequence[tuple[Amendment, str]],
        draft: Draft | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.draft = draft
        wijk = self.fields["wijk"]
        assert isinstance(wijk, forms.ModelChoiceField)
        wijk.queryset = electorates.wijken()
        self.passages = {str(item.pk): (item, passage) for item, passage in amendments}
        field = self.fields["amendments"]
        assert isinstance(field, forms.MultipleChoiceField)
        field.choices = [(key, key) for key in self.passages]

    def options(self) -> list[tuple[Amendment, str, bool]]:
        """The open amendments to choose from: (amendment, passage shown, checked)."""
        checked = set(self.data.getlist("amendments")) if self.is_bound else set()
        return [
            (item, passage, str(item.pk) in checked)
            for item, passage in self.passages.values()
            if item.status == Amendment.Status.OPEN
        ]

    def electorate_options(self) -> list[tuple[str, str, int | None, bool]]:
        """Who may vote, to choose from: (value, label, how many people, checked); the
        number is left out for a wijk, which depends on the wijk."""
        checked = self.data.get("electorate") if self.is_bound else None
        return [
            (
                value,
                str(label),
                electorates.members(self.draft, electorates.Electorate(value)).count()
                if self.draft is not None and value != electorates.NEIGHBOURHOOD
                else None,
                value == checked,
            )
            for value, label in electorates.KINDS
        ]

    def clean_amendments(self) -> list[Amendment]:
        chosen = [self.passages[key] for key in dict.fromkeys(self.cleaned_data["amendments"])]
        for item, passage in chosen:
            quoted = {"passage": Truncator(passage).chars(60)}
            if item.status == Amendment.Status.IN_VOTE:
                raise forms.ValidationError(
                    _(
                        "Het amendement op „%(passage)s” is al in stemming. Er is niets aan een "
                        "stemming voorgelegd."
                    ),
                    params=quoted,
                )
            if item.status != Amendment.Status.OPEN:
                raise forms.ValidationError(
                    _(
                        "Over het amendement op „%(passage)s” is intussen al besloten. Er is niets "
                        "aan een stemming voorgelegd. Kies opnieuw."
                    ),
                    params=quoted,
                )
        return [item for item, _passage in chosen]

    def clean(self) -> dict[str, Any] | None:
        data = super().clean() or {}
        if data.get("electorate") == electorates.NEIGHBOURHOOD and not data.get("wijk"):
            self.add_error("wijk", _("Kies de wijk waarvan de inwoners mogen stemmen."))
        return data

    def chosen_electorate(self) -> electorates.Electorate:
        """Who the editor chose (after ``is_valid``)."""
        kind = self.cleaned_data["electorate"]
        wijk = self.cleaned_data.get("wijk") if kind == electorates.NEIGHBOURHOOD else None
        return electorates.Electorate(kind, wijk)


# The nota workspace: the services check everything; these forms only read the fields.
MOMENT_FORMAT = "%Y-%m-%dT%H:%M"


def moment_field(label: Any, *, required: bool, help_text: Any = "") -> forms.DateTimeField:
    return forms.DateTimeField(
        label=label,
        required=required,
        help_text=help_text,
        input_formats=[MOMENT_FORMAT],
        widget=forms.DateTimeInput(
            attrs={"class": "utrecht-textbox", "type": "datetime-local"}, format=MOMENT_FORMAT
        ),
        error_messages={
            "required": _("Vul een datum en tijd in."),
            "invalid": _("Vul een datum en tijd in, zoals 31-03-2027 17:00."),
        },
    )


class DraftStartForm(forms.Form):
    FROM_OUTLINE, EMPTY = "hoofdstukken", "leeg"

    title = forms.CharField(
        label=_("Titel"),
        max_length=200,
        widget=forms.TextInput(attrs=INPUT),
        error_messages={"required": _("Geef de nota een titel.")},
    )
    kind = forms.ChoiceField(
        label=_("Soort nota"),
        choices=NotaKind.choices,
        widget=forms.Select(attrs={"class": "utrecht-select"}),
        error_messages={"required": _("Kies de soort nota.")},
    )
    start = forms.ChoiceField(
        label=_("Waarmee begint de tekst?"),
        choices=[
            (FROM_OUTLINE, _("Met de hoofdstukken die bij deze soort nota horen")),
            (EMPTY, _("Leeg, alleen met de titel")),
        ],
        initial=FROM_OUTLINE,
        required=False,
        widget=forms.RadioSelect(attrs={"class": "utrecht-radio-button"}),
    )
    slug = forms.CharField(
        label=_("Korte naam in het webadres (mag leeg)"),
        help_text=_("Bijvoorbeeld jeugdnota-2027. Laat u dit leeg, dan maken we die uit de titel."),
        required=False,
        max_length=80,
        widget=forms.TextInput(attrs=INPUT),
    )
    summary = forms.CharField(
        label=_("Samenvatting (mag leeg)"),
        required=False,
        widget=forms.Textarea(attrs=TEXTAREA),
    )


class DraftDetailsForm(forms.Form):
    title = forms.CharField(
        label=_("Titel"),
        max_length=200,
        widget=forms.TextInput(attrs=INPUT),
        error_messages={"required": _("Geef de nota een titel.")},
    )
    summary = forms.CharField(
        label=_("Samenvatting"), required=False, widget=forms.Textarea(attrs=TEXTAREA)
    )
    commissioned_by = forms.CharField(
        label=_("Opdrachtgever"),
        help_text=_(
            "Wie heeft om deze nota gevraagd? Bijvoorbeeld de gemeenteraad. Laat u dit leeg, "
            "dan staat in het participatieverslag: College van burgemeester en wethouders."
        ),
        required=False,
        widget=forms.TextInput(attrs=INPUT),
    )
    ladder = forms.ChoiceField(
        label=_("Zeggenschap"),
        choices=Ladder.choices,
        error_messages={
            "required": _("Kies hoeveel zeggenschap inwoners hebben."),
            "invalid_choice": _("Kies hoeveel zeggenschap inwoners hebben."),
        },
    )

    def ladder_rungs(self) -> list[dict[str, Any]]:
        return ladder_rungs(str(self["ladder"].value() or ""))


class PeriodForm(forms.Form):
    reactions_from = moment_field(
        _("Reageren kan vanaf"),
        required=False,
        help_text=_("Leeg: vanaf nu."),
    )
    reactions_until = moment_field(_("Reageren kan tot"), required=True)


class NamesForm(forms.Form):
    names_visible = forms.BooleanField(
        label=_("Inwoners zien elkaars naam"),
        required=False,
        widget=forms.CheckboxInput(attrs={"class": "utrecht-checkbox"}),
    )
