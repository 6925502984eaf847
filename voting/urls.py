from django.urls import path

from . import views

urlpatterns = [
    path("stemmen/", views.poll_list, name="poll_list"),
    path("stemmen/<int:pk>/", views.poll_ballot, name="poll_ballot"),
    path("stemmen/<int:pk>/papier/", views.poll_paper, name="poll_paper"),
    path("stemmen/<int:pk>/beheer/", views.poll_manage, name="poll_manage"),
    path("stemmen/<int:pk>/bewijscode/", views.poll_receipt, name="poll_receipt"),
    path("stemmen/<int:pk>/uitslag/", views.poll_results, name="poll_results"),
    path("stemmen/<int:pk>/bestand/", views.poll_file, name="poll_file"),
    path("stemmen/<int:pk>/trackers/", views.poll_tracker_file, name="poll_tracker_file"),
]
