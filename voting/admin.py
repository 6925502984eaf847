"""Admin: read-only views of polls and results. Writes go through the pages (services);
ballots and eligibility are not shown here, so the admin cannot browse who voted what."""

from django.contrib import admin

from .models import Option, Poll, Result


class OptionInline(admin.TabularInline):
    model = Option
    fields = ["position", "title", "cost", "reference"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False


@admin.register(Poll)
class PollAdmin(admin.ModelAdmin):
    list_display = ["title", "method", "status", "context", "created_at"]
    list_filter = ["method", "status"]
    search_fields = ["title", "context"]
    readonly_fields = [
        "title",
        "description",
        "context",
        "method",
        "status",
        "seats",
        "min_choices",
        "max_choices",
        "budget",
        "points",
        "majority_rule",
        "seed",
        "created_by",
        "created_at",
        "opened_at",
        "closed_at",
    ]
    exclude = ["secret"]
    inlines = [OptionInline]

    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        return False

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False


@admin.register(Result)
class ResultAdmin(admin.ModelAdmin):
    list_display = ["poll", "ballots_counted", "eligible", "file_sha256", "counted_at"]
    readonly_fields = [
        "poll",
        "ballots_counted",
        "paper_ballots",
        "eligible",
        "file_name",
        "file_sha256",
        "tracker_file_sha256",
        "counted_at",
    ]
    exclude = ["outcome", "explanation", "file_text", "tracker_file_text", "tracker_file_name"]

    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        return False

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False
