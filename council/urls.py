from django.urls import path

from . import notice_views, report_views, views, workspace_views

urlpatterns = [
    path("raad/", views.reading_room, name="council_room"),
    path("raad/burgertop/<slug:slug>/", views.public_outcome, name="council_public_outcome"),
    path(
        "raad/burgertop/<slug:slug>/voorstellen/<int:number>/",
        views.proposal_trail,
        name="council_trail",
    ),
    path("raad/burgertop/<slug:slug>/verslag/", report_views.report_page, name="council_report"),
    path(
        "raad/burgertop/<slug:slug>/verslag/<path:name>",
        report_views.report_file,
        name="council_report_file",
    ),
    path("raad/nota/<slug:slug>/", views.public_nota, name="council_public_nota"),
    path(
        "raad/nota/<slug:slug>/verslag/",
        report_views.nota_report_page,
        name="council_nota_report",
    ),
    path(
        "raad/nota/<slug:slug>/verslag/<path:name>",
        report_views.nota_report_file,
        name="council_nota_report_file",
    ),
    path(
        "raad/peiling/<int:pk>/verslag/",
        report_views.poll_report_page,
        name="council_poll_report",
    ),
    path(
        "raad/peiling/<int:pk>/verslag/<path:name>",
        report_views.poll_report_file,
        name="council_poll_report_file",
    ),
    path("raad/nieuws/", notice_views.notices_page, name="council_notices"),
    path("raad/nieuws/gelezen/", notice_views.notices_read, name="council_notices_read"),
    path("raad/nieuws/email/", notice_views.notices_email, name="council_notices_email"),
    path(
        "raad/nieuws/stoppen/<str:token>/",
        notice_views.notices_stop,
        name="council_notices_stop",
    ),
    path("raad/verslag/schema.json", report_views.report_schema, name="council_report_schema"),
    path("werkruimte/raad/verslagen/", report_views.reports, name="council_reports"),
    path("werkruimte/raad/", workspace_views.answers_list, name="council_answers"),
    path("werkruimte/raad/voorstel/<int:pk>/", workspace_views.answer_edit, name="council_answer"),
    path(
        "werkruimte/raad/amendement/<int:pk>/",
        workspace_views.amendment_answer_edit,
        name="council_amendment_answer",
    ),
    path("werkruimte/raad/statussen/", workspace_views.statuses, name="council_statuses"),
    path(
        "werkruimte/raad/statussen/<int:pk>/",
        workspace_views.status_edit,
        name="council_status_edit",
    ),
    path("werkruimte/raad/export/", workspace_views.answers_export, name="council_export"),
    path("werkruimte/raad/import/", workspace_views.answers_import, name="council_import"),
]
