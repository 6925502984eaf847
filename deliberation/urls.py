from django.urls import path

from . import views

urlpatterns = [
    path("burgertop/<slug:slug>/", views.summit_screen, name="summit_screen"),
    path("burgertop/<slug:slug>/regie/", views.control, name="summit_control"),
    path("burgertop/<slug:slug>/balie/", views.desk, name="summit_desk"),
    path("burgertop/<slug:slug>/tafel/", views.table, name="summit_table"),
    path("burgertop/<slug:slug>/themateam/", views.themes, name="summit_themes"),
    path("burgertop/<slug:slug>/zaal/<str:token>/", views.hall, name="summit_hall"),
]
