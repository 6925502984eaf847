from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _


class CodeLoginForm(forms.Form):
    code = forms.CharField(
        label=_("Uw code"),
        help_text=_("Deze staat in uw brief of op uw badge, bijvoorbeeld ABCD-EFGH-JKMN."),
        max_length=40,
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "autocapitalize": "characters",
                "spellcheck": "false",
                "class": "utrecht-textbox",
            }
        ),
    )


class MagicLinkForm(forms.Form):
    email = forms.EmailField(
        label=_("Uw e-mailadres"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email", "class": "utrecht-textbox"}),
    )


class StaffLoginForm(AuthenticationForm):
    def __init__(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        self.fields["username"].widget.attrs["class"] = "utrecht-textbox"
        self.fields["password"].widget.attrs["class"] = "utrecht-textbox"
        self.fields["username"].label = _("Gebruikersnaam")
        self.fields["password"].label = _("Wachtwoord")


def show_refusal(form: forms.Form, error: ValidationError) -> None:
    """Show a service's refusal on ``form``: at each field it names that the form has, the
    rest above the form. Every workspace form calls its service and then this."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error.messages)
