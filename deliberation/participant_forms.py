"""Forms of a summit's participants page: add one person, upload and map a file of
invitees, make letters. They only read input; the services in
``deliberation/services/invitees.py`` check and store it."""

from __future__ import annotations

import base64
import binascii
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from samenspel.models import Neighbourhood
from voting.models import Poll

from .invitee_file import FIELDS, MAX_BYTES

TEXTBOX = {"class": "utrecht-textbox"}


class InviteeForm(forms.Form):
    name = forms.CharField(
        label=_("Naam"),
        max_length=100,
        widget=forms.TextInput(attrs={**TEXTBOX, "autocomplete": "off"}),
    )
    email = forms.CharField(
        label=_("E-mailadres (mag leeg)"),
        max_length=254,
        required=False,
        widget=forms.EmailInput(attrs={**TEXTBOX, "autocomplete": "off"}),
    )
    address = forms.CharField(
        label=_("Straat en huisnummer"),
        help_text=_("Alleen nodig voor een brief met een inlogcode."),
        max_length=200,
        required=False,
        widget=forms.TextInput(attrs={**TEXTBOX, "autocomplete": "off"}),
    )
    postcode = forms.CharField(
        label=_("Postcode"),
        max_length=12,
        required=False,
        widget=forms.TextInput(attrs={**TEXTBOX, "autocomplete": "off", "size": "8"}),
    )
    place = forms.CharField(
        label=_("Woonplaats"),
        max_length=100,
        required=False,
        widget=forms.TextInput(attrs={**TEXTBOX, "autocomplete": "off"}),
    )
    neighbourhood = forms.ModelChoiceField(
        label=_("Wijk of buurt (mag leeg)"),
        queryset=Neighbourhood.objects.order_by("level", "name"),
        required=False,
        empty_label=_("Weet ik niet"),
        widget=forms.Select(attrs={"class": "utrecht-select"}),
    )


class InviteeUploadForm(forms.Form):
    file = forms.FileField(
        label=_("Bestand met genodigden (CSV)"),
        help_text=_(
            "Eén persoon per rij, met een kopregel. Puntkomma's of komma's, uit Excel of een "
            "ander programma. Hoogstens 1 MB."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.txt,text/csv"}),
    )

    def clean_file(self) -> bytes:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_BYTES:
            raise forms.ValidationError(
                _(
                    "Dit bestand is te groot: hoogstens 1 MB, ongeveer 5.000 rijen. Verdeel de "
                    "mensen over een paar bestanden en lees ze na elkaar in."
                )
            )
        content: bytes = upload.read()
        return content


class ColumnMappingForm(forms.Form):
    """Which column holds which field; the file itself travels along in ``content``, so
    nothing is stored before the import."""

    content = forms.CharField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, header: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = [("", _("(niet in het bestand)"))] + [
            (str(index), heading or _("kolom %(number)s") % {"number": index + 1})
            for index, heading in enumerate(header)
        ]
        for name, label in FIELDS.items():
            self.fields[name] = forms.TypedChoiceField(
                label=label,
                choices=choices,
                required=False,
                coerce=int,
                empty_value=None,
                widget=forms.Select(attrs={"class": "utrecht-select"}),
            )

    def clean_content(self) -> bytes:
        try:
            return base64.b64decode(self.cleaned_data["content"], validate=True)
        except (binascii.Error, ValueError) as error:
            raise forms.ValidationError(_("Lees het bestand opnieuw in.")) from error

    def mapping(self) -> dict[str, int | None]:
        return {name: self.cleaned_data.get(name) for name in FIELDS}


def encode_content(content: bytes) -> str:
    return base64.b64encode(content).decode("ascii")


class LettersForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Wat wilt u maken?"),
        choices=[
            ("pdf", _("Brieven om te printen (PDF, één A4 per persoon, met QR-code)")),
            ("csv", _("Een bestand voor een mailing (CSV met naam, adres en code)")),
            (
                "zip",
                _(
                    "Allebei, met dezelfde codes: de brieven en het bestand voor een mailing "
                    "samen in één ZIP"
                ),
            ),
        ],
        initial="pdf",
        widget=forms.RadioSelect,
    )
    again = forms.BooleanField(
        label=_(
            "Nieuwe codes voor iedereen die nog niet binnen is. Hun oude codes werken dan "
            "niet meer."
        ),
        required=False,
    )


class ParticipantsVoteForm(forms.Form):
    """The draft poll whose voters a summit's invitees become (the service checks it)."""

    poll = forms.ModelChoiceField(
        queryset=Poll.objects.all(),
        error_messages={
            "required": _("Kies een peiling uit de lijst."),
            "invalid_choice": _("Kies een peiling uit de lijst."),
        },
    )
