from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DeliberationConfig(AppConfig):
    name = "deliberation"
    verbose_name = _("Burgertoppen")

    def ready(self) -> None:
        from django.apps import apps

        if not apps.is_installed("voting"):
            return
        # Voting has no tables (DESIGN.md: it knows neither summits nor drafts); a table
        # host may enter paper ballots only for the people seated at their table.
        from voting import rules

        from .tables import hosted_table_members

        rules.TABLE_MEMBERS = hosted_table_members
        # A workspace poll may be for a summit's participants (voting/electorates.py).
        from .poll_electorate import register

        register()
