from django import forms
from django.utils.translation import gettext_lazy as _

TEXTAREA = {"class": "utrecht-textarea", "rows": 3}
INPUT = {"class": "utrecht-textbox"}


class CommentForm(forms.Form):
    passage = forms.CharField(
        label=_("Over welk stuk tekst?"),
        help_text=_("Kopieer de zin of woorden uit de versie."),
        widget=forms.Textarea(attrs=TEXTAREA),
        max_length=5000,
    )
    body = forms.CharField(
        label=_("Uw reactie"), widget=forms.Textarea(attrs=TEXTAREA), max_length=5000
    )


class ReplyForm(forms.Form):
    body = forms.CharField(
        label=_("Antwoord"), widget=forms.Textarea(attrs=TEXTAREA), max_length=5000
    )


class AmendmentForm(forms.Form):
    passage = forms.CharField(
        label=_("Welk stuk tekst wilt u veranderen?"),
        help_text=_("Kopieer de zin of woorden uit de versie."),
        widget=forms.Textarea(attrs=TEXTAREA),
        max_length=5000,
    )
    replacement = forms.CharField(
        label=_("Nieuwe tekst"), widget=forms.Textarea(attrs=TEXTAREA), required=False
    )
    rationale = forms.CharField(label=_("Waarom?"), widget=forms.Textarea(attrs=TEXTAREA))


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
