from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VotingConfig(AppConfig):
    name = "voting"
    verbose_name = _("Stemmen")

    def ready(self) -> None:
        from django.apps import apps

        if not apps.is_installed("deliberation.drafts"):
            return
        # Drafts only knows its hook and voting fills it, so voting's code imports no
        # drafts module; this is the one place the two meet.
        from deliberation.drafts import services as draft_services

        from .amendments import open_amendment_vote

        draft_services.AMENDMENT_VOTE_OPENER = open_amendment_vote
