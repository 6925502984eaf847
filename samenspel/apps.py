from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SamenspelConfig(AppConfig):
    name = "samenspel"
    verbose_name = _("Samenspel")
