"""A summit's participants in its workspace, under /werkruimte/burgertop/<slug>/deelnemers/."""

from django.urls import path

from . import workspace_participants as views

urlpatterns = [
    path("", views.participants, name="summit_participants"),
    path("toevoegen/", views.participant_add, name="summit_participant_add"),
    path("inlezen/", views.participants_import, name="summit_participants_import"),
    path("brieven/", views.participants_letters, name="summit_participants_letters"),
    path("zaalscherm.svg", views.hall_qr, name="summit_hall_qr"),
    path("peiling/", views.participants_vote, name="summit_participants_vote"),
]
