"""HTTP routes: the core's pages, the admin, the API schema, then each app's ``urls``."""

from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from . import moderation, views
from .discovery import project_modules

urlpatterns = [
    path("", views.home, name="home"),
    path("werkruimte/", views.workspace_page, name="workspace"),
    path("werkruimte/moderatie/", moderation.queue_page, name="moderation_queue"),
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
    # Swagger UI from our own static files, its start script a file of its own (the split
    # view), so the docs run under the same strict Content-Security-Policy as every page.
    path(
        "api/docs/",
        SpectacularSwaggerSplitView.as_view(
            url_name="api-schema", template_name="samenspel/api_docs.html"
        ),
        name="api-docs",
    ),
    path("api/v1/", include("samenspel.api")),
]
for module in project_modules("urls"):
    urlpatterns.append(path("", include(module)))

handler400 = "samenspel.views.bad_request"
handler403 = "samenspel.views.forbidden"
handler404 = "samenspel.views.not_found"
handler500 = "samenspel.views.server_error"
