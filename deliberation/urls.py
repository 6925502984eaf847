from django.urls import include, path

from . import (
    moderation,
    outcome_views,
    proposal_views,
    report_mark_views,
    views,
    workspace_views,
)

urlpatterns = [
    path("burgertop/<slug:slug>/", views.summit_screen, name="summit_screen"),
    path("burgertop/<slug:slug>/regie/", views.control, name="summit_control"),
    path("burgertop/<slug:slug>/balie/", views.desk, name="summit_desk"),
    path("burgertop/<slug:slug>/tafel/", views.table, name="summit_table"),
    path("burgertop/<slug:slug>/themateam/", views.themes, name="summit_themes"),
    path("burgertop/<slug:slug>/online/", views.join_online, name="summit_join_online"),
    path("burgertop/<slug:slug>/thematafel/", views.theme_tables, name="summit_theme_tables"),
    path(
        "burgertop/<slug:slug>/themateam/tafels/",
        views.spread_themes,
        name="summit_spread_themes",
    ),
    path("burgertop/<slug:slug>/zaal/<str:token>/", views.hall, name="summit_hall"),
    path(
        "burgertop/<slug:slug>/voorstellen/<int:number>/",
        proposal_views.proposal_page,
        name="summit_proposal",
    ),
    # The summit workspace (deliberation/workspace_views.py).
    path("werkruimte/burgertop/", workspace_views.summit_list, name="summit_workspace_list"),
    path(
        "werkruimte/burgertop/nieuw/",
        workspace_views.summit_create,
        name="summit_workspace_create",
    ),
    path(
        "werkruimte/burgertop/<slug:slug>/",
        workspace_views.summit_workspace,
        name="summit_workspace",
    ),
    path(
        "werkruimte/burgertop/<slug:slug>/status/",
        workspace_views.summit_status,
        name="summit_status",
    ),
    path(
        "werkruimte/burgertop/<slug:slug>/gegevens/",
        workspace_views.summit_details,
        name="summit_details",
    ),
    path(
        "werkruimte/burgertop/<slug:slug>/agenda/",
        workspace_views.summit_agenda,
        name="summit_agenda",
    ),
    path(
        "werkruimte/burgertop/<slug:slug>/agenda/<int:step_id>/",
        workspace_views.summit_step_edit,
        name="summit_step_edit",
    ),
    path(
        "werkruimte/burgertop/<slug:slug>/agenda/<int:step_id>/verplaatsen/",
        workspace_views.summit_step_move,
        name="summit_step_move",
    ),
    path(
        "werkruimte/burgertop/<slug:slug>/agenda/<int:step_id>/weghalen/",
        workspace_views.summit_step_remove,
        name="summit_step_remove",
    ),
    path(
        "werkruimte/burgertop/<slug:slug>/tafels/",
        workspace_views.summit_tables,
        name="summit_tables",
    ),
    path(
        "werkruimte/burgertop/<slug:slug>/tafels/<int:number>/",
        workspace_views.summit_table_edit,
        name="summit_table_edit",
    ),
    path(
        "werkruimte/burgertop/<slug:slug>/rollen/",
        workspace_views.summit_roles,
        name="summit_roles",
    ),
    path(
        "werkruimte/burgertop/<slug:slug>/rollen/afnemen/",
        workspace_views.summit_role_revoke,
        name="summit_role_revoke",
    ),
]
urlpatterns.append(
    path(
        "werkruimte/moderatie/idee/<int:pk>/terugzetten/",
        moderation.idea_moderation_undo,
        name="idea_moderation_undo",
    )
)
# Residents' reports of ideas, and the queue's buttons for them (deliberation/moderation.py).
urlpatterns += [
    path("burgertop/<slug:slug>/melden/", moderation.idea_report_page, name="summit_idea_report"),
    path(
        "werkruimte/moderatie/idee/<int:pk>/verbergen/",
        moderation.idea_moderation_hide,
        name="idea_moderation_hide",
    ),
    path(
        "werkruimte/moderatie/idee/<int:pk>/afwijzen/",
        moderation.idea_reports_dismiss,
        name="idea_reports_dismiss",
    ),
    path(
        "werkruimte/moderatie/idee/<int:pk>/afwijzen-ongedaan/",
        moderation.idea_reports_dismiss_undo,
        name="idea_reports_dismiss_undo",
    ),
]
# A summit's participants, invitations and letters (deliberation/workspace_participants.py).
urlpatterns.append(
    path("werkruimte/burgertop/<slug:slug>/deelnemers/", include("deliberation.participant_urls"))
)
# A summit's outcome page and its publishing (deliberation/outcome_views.py).
urlpatterns += [
    path("burgertop/<slug:slug>/uitkomst/", outcome_views.outcome, name="summit_outcome"),
    path(
        "werkruimte/burgertop/<slug:slug>/uitkomst/",
        outcome_views.outcome_publish,
        name="summit_outcome_publish",
    ),
]
# Themes and ideas marked for the participation report (deliberation/report_mark_views.py).
urlpatterns += [
    path(
        "burgertop/<slug:slug>/verslag-markeren/",
        report_mark_views.report_marks,
        name="summit_report_marks",
    ),
    path(
        "burgertop/<slug:slug>/verslag-markeren/thema/<int:pk>/",
        report_mark_views.theme_mark,
        name="summit_theme_mark",
    ),
    path(
        "burgertop/<slug:slug>/verslag-markeren/idee/<int:pk>/",
        report_mark_views.idea_mark,
        name="summit_idea_mark",
    ),
]
