from django.urls import path

from . import views, workspace_views

urlpatterns = [
    path("stemmen/", views.poll_list, name="poll_list"),
    path("stemmen/<int:pk>/", views.poll_ballot, name="poll_ballot"),
    path("stemmen/<int:pk>/papier/", views.poll_paper, name="poll_paper"),
    path("stemmen/<int:pk>/beheer/", views.poll_manage, name="poll_manage"),
    path("stemmen/<int:pk>/bewijscode/", views.poll_receipt, name="poll_receipt"),
    path("stemmen/<int:pk>/uitslag/", views.poll_results, name="poll_results"),
    path("stemmen/<int:pk>/bestand/", views.poll_file, name="poll_file"),
    path("stemmen/<int:pk>/trackers/", views.poll_tracker_file, name="poll_tracker_file"),
    path("werkruimte/peiling/", workspace_views.workspace_list, name="poll_workspace_list"),
    path("werkruimte/peiling/nieuw/", workspace_views.workspace_create, name="poll_workspace_create"),
    path("werkruimte/peiling/<int:pk>/", workspace_views.workspace_detail, name="poll_workspace"),
    path(
        "werkruimte/peiling/<int:pk>/bewerken/",
        workspace_views.workspace_edit,
        name="poll_workspace_edit",
    ),
    path(
        "werkruimte/peiling/<int:pk>/actie/",
        workspace_views.workspace_action,
        name="poll_workspace_action",
    ),
    path(
        "werkruimte/peiling/<int:pk>/kiezers/",
        workspace_views.workspace_voters,
        name="poll_workspace_voters",
    ),
]
