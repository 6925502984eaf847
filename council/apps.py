from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CouncilConfig(AppConfig):
    name = "council"
    verbose_name = _("Gemeenteraad")

    def ready(self) -> None:
        # A closed poll's results page links its participation report once there is one;
        # voting reads no council code, so council tells it how to find the address.
        from voting import result_page

        from .report.poll import report_address

        result_page.REPORT_PAGE = report_address
