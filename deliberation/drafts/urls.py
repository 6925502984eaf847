from django.urls import path

from . import moderation, views, workspace_views

app_name = "drafts"
urlpatterns = [
    path("nota/", views.draft_list, name="list"),
    path("werkruimte/nota/", workspace_views.workspace_list, name="workspace_list"),
    path("werkruimte/nota/nieuw/", workspace_views.workspace_create, name="workspace_create"),
    path("werkruimte/nota/<slug:slug>/", workspace_views.workspace_draft, name="workspace"),
    path(
        "werkruimte/nota/<slug:slug>/gegevens/",
        workspace_views.workspace_details,
        name="workspace_details",
    ),
    path(
        "werkruimte/nota/<slug:slug>/reactieperiode/",
        workspace_views.workspace_period,
        name="workspace_period",
    ),
    path(
        "werkruimte/nota/<slug:slug>/reactieperiode/sluiten/",
        workspace_views.workspace_period_close,
        name="workspace_period_close",
    ),
    path(
        "werkruimte/nota/<slug:slug>/namen/",
        workspace_views.workspace_names,
        name="workspace_names",
    ),
    path(
        "werkruimte/nota/<slug:slug>/publiceren/",
        workspace_views.workspace_publish,
        name="workspace_publish",
    ),
    path(
        "werkruimte/nota/<slug:slug>/mensen/",
        workspace_views.workspace_person,
        name="workspace_person",
    ),
    path("nota/<slug:slug>/", views.draft_detail, name="detail"),
    path("nota/<slug:slug>/schrijven/", views.draft_editor, name="editor"),
    path("nota/<slug:slug>/stand/", views.draft_discussion, name="discussion"),
    path("nota/<slug:slug>/versies/", views.draft_versions, name="versions"),
    path("nota/<slug:slug>/versies/publiceren/", views.version_publish, name="publish"),
    path("nota/<slug:slug>/versies/<int:number>/", views.version_text, name="version"),
    path("nota/<slug:slug>/versies/<int:old>/<int:new>/", views.version_diff, name="diff"),
    path("nota/<slug:slug>/reacties/", views.comment_create, name="comment"),
    path("nota/<slug:slug>/reacties/<int:pk>/antwoord/", views.comment_reply, name="reply"),
    path("nota/<slug:slug>/reacties/<int:pk>/afronden/", views.comment_resolve, name="resolve"),
    path(
        "nota/<slug:slug>/reacties/<int:pk>/verbergen/",
        moderation.comment_hide,
        name="comment_hide",
    ),
    path(
        "werkruimte/moderatie/reactie/<int:pk>/terugzetten/",
        moderation.comment_moderation_undo,
        name="comment_moderation_undo",
    ),
    # Readers' reports of comments, and the queue's buttons for them (moderation.py).
    path(
        "nota/<slug:slug>/reacties/<int:pk>/melden/",
        moderation.comment_report,
        name="comment_report",
    ),
    path(
        "werkruimte/moderatie/reactie/<int:pk>/verbergen/",
        moderation.comment_moderation_hide,
        name="comment_moderation_hide",
    ),
    path(
        "werkruimte/moderatie/reactie/<int:pk>/afwijzen/",
        moderation.comment_reports_dismiss,
        name="comment_reports_dismiss",
    ),
    path(
        "werkruimte/moderatie/reactie/<int:pk>/afwijzen-ongedaan/",
        moderation.comment_reports_dismiss_undo,
        name="comment_reports_dismiss_undo",
    ),
    path("nota/<slug:slug>/amendementen/", views.amendment_create, name="amendment"),
    path("nota/<slug:slug>/amendementen/stemming/", views.amendments_vote, name="put_to_vote"),
    path(
        "nota/<slug:slug>/amendementen/<int:pk>/steunen/", views.amendment_support, name="support"
    ),
    path(
        "nota/<slug:slug>/amendementen/<int:pk>/overnemen/", views.amendment_accept, name="accept"
    ),
    path("nota/<slug:slug>/amendementen/<int:pk>/afwijzen/", views.amendment_reject, name="reject"),
    # An editor marks a comment or a turned-down amendment for the participation report.
    path("nota/<slug:slug>/verslag-markeren/", views.report_marks, name="report_marks"),
    path("nota/<slug:slug>/reacties/<int:pk>/verslag/", views.comment_mark, name="comment_mark"),
    path(
        "nota/<slug:slug>/amendementen/<int:pk>/verslag/",
        views.amendment_mark,
        name="amendment_mark",
    ),
]
