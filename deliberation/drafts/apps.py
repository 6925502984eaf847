from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DraftsConfig(AppConfig):
    name = "deliberation.drafts"
    label = "drafts"
    verbose_name = _("Nota's schrijven")

    def ready(self) -> None:
        from django.apps import apps

        if not apps.is_installed("voting"):
            return
        # Drafts uses voting (DESIGN.md: imports point one way): a batch of amendments put
        # to a vote opens a poll through voting's service; voting knows nothing of drafts.
        from voting.amendments import open_amendment_vote

        from . import services

        services.AMENDMENT_VOTE_OPENER = open_amendment_vote
