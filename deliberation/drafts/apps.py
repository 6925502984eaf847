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
        # to a vote opens a poll through voting's service, and the draft page links to that
        # poll; voting knows nothing of drafts.
        from voting.amendments import open_amendment_vote, poll_for_batch

        from . import services, views

        services.AMENDMENT_VOTE_OPENER = open_amendment_vote
        views.AMENDMENT_VOTE_FINDER = poll_for_batch
