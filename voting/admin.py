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
        "electorate",
        "neighbourhood",
        "opens_at",
        "closes_at",
        "live_turnout",
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

    def has_delete_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        """Only a draft: an opened poll holds ballots, a closed one its published result
        (evidence). With no poll named (the bulk action) nothing is deleted here."""
        return (
            obj is not None
            and obj.status == Poll.Status.DRAFT
            and super().has_delete_permission(request, obj)
        )


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

    def has_delete_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False  # a result is evidence: it stays as it was published
