"""HTTP routes: the core's pages, the admin, the API schema, then each app's ``urls``."""

from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView

from . import views
from .discovery import project_modules

urlpatterns = [
    path("", views.home, name="home"),
    path("inloggen/", views.login_choice, name="login"),
    path("inloggen/code/", views.code_login, name="code_login"),
    path("inloggen/medewerker/", views.StaffLoginView.as_view(), name="staff_login"),
    path("inloggen/link/", views.magic_link_request_view, name="magic_link_request"),
    path("inloggen/link/<str:token>/", views.magic_link_confirm, name="magic_link_confirm"),
    path("uitloggen/", views.logout_view, name="logout"),
    path("toegankelijkheid/", views.accessibility, name="accessibility"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("beheer/", admin.site.urls),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularRedocView.as_view(url_name="api-schema"), name="api-docs"),
    path("api/v1/", include("samenspel.api")),
]
for module in project_modules("urls"):
    urlpatterns.append(path("", include(module)))

handler400 = "samenspel.views.bad_request"
handler403 = "samenspel.views.forbidden"
handler404 = "samenspel.views.not_found"
handler500 = "samenspel.views.server_error"
