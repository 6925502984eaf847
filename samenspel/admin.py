"""Admin for municipal staff: users, their roles, invitation codes (bulk, for a mail merge)."""

import csv

from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from . import services
from .models import InvitationCode, LoginThrottle, Neighbourhood, RoleGrant, User


class RoleGrantInline(admin.StackedInline):
    model = RoleGrant
    extra = 1


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    inlines = [RoleGrantInline]
    list_display = ["username", "display_name", "email", "neighbourhood", "is_staff"]
    list_filter = ["role_grants__role", "is_staff", "is_active", "neighbourhood"]
    search_fields = ["username", "display_name", "first_name", "last_name", "email"]
    fieldsets = (
        *BaseUserAdmin.fieldsets,
        (_("Samenspel"), {"fields": ("display_name", "neighbourhood", "birth_year")}),
        (_("Adres voor brieven"), {"fields": ("street_address", "postcode", "place")}),
    )
    actions = ["issue_codes"]

    @admin.action(description=_("Nieuwe inlogcodes maken (CSV voor een brief)"))
    def issue_codes(self, request: HttpRequest, queryset) -> HttpResponse:  # type: ignore[no-untyped-def]
        issued = services.invitation_codes_issue(users=list(queryset), now=timezone.now())
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="inlogcodes.csv"'
        response.write("\ufeff")  # Excel and Word open UTF-8 CSV correctly with a BOM
        writer = csv.writer(response, delimiter=";")
        writer.writerow(["gebruikersnaam", "naam", "code", "inlogadres"])
        login_url = request.build_absolute_uri(reverse("code_login"))
        for item in issued:
            writer.writerow([item.user.username, item.user.public_name, item.code, login_url])
        self.message_user(request, _("%(n)d codes gemaakt.") % {"n": len(issued)}, messages.SUCCESS)
        return response


@admin.register(RoleGrant)
class RoleGrantAdmin(admin.ModelAdmin):
    list_display = ["user", "role", "scope"]
    list_filter = ["role"]
    search_fields = ["user__username", "user__display_name", "scope"]
    autocomplete_fields = ["user"]


@admin.register(InvitationCode)
class InvitationCodeAdmin(admin.ModelAdmin):
    list_display = ["lookup", "user", "created_at", "expires_at", "used_at"]
    list_filter = ["used_at"]
    search_fields = ["lookup", "user__username", "user__display_name"]
    readonly_fields = ["lookup", "secret_hash", "created_at", "used_at"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # codes are made from the user list, so the plain code can be exported


@admin.register(LoginThrottle)
class LoginThrottleAdmin(admin.ModelAdmin):
    list_display = ["key", "failures", "locked_until", "last_failure_at"]
    search_fields = ["key"]


@admin.register(Neighbourhood)
class NeighbourhoodAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "level", "parent"]
    list_filter = ["level"]
    search_fields = ["code", "name"]


admin.site.site_header = _("Samenspel beheer")
admin.site.site_title = _("Samenspel beheer")
