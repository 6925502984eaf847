from django.urls import path

from . import views

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
]
