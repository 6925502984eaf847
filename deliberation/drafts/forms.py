from django import forms
from django.utils.translation import gettext_lazy as _

TEXTAREA = {"class": "utrecht-textarea", "rows": 3}
INPUT = {"class": "utrecht-textbox"}
PASSAGE_HELP = _("Kopieer de zin of woorden uit de versie.")


def passage_at_field() -> forms.IntegerField:
    """Where the selected passage begins in the shown text (set by the page's script), so a
    passage that occurs twice is tied to the one the reader selected."""
    return forms.IntegerField(required=False, min_value=0, widget=forms.HiddenInput)


class CommentForm(forms.Form):
    passage = forms.CharField(
        label=_("Over welk stuk tekst?"),
        help_text=PASSAGE_HELP,
        widget=forms.Textarea(attrs=TEXTAREA),
        max_length=5000,
    )
    at = passage_at_field()
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
        help_text=PASSAGE_HELP,
        widget=forms.Textarea(attrs=TEXTAREA),
        max_length=5000,
    )
    at = passage_at_field()
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
