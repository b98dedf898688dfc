from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from partnerships.models import (
    AuditEvent,
    Household,
    Invitation,
    School,
    Staff,
    Term,
    User,
    WhanauLink,
    WhanauMember,
)


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    ordering = ["email"]
    list_display = ["email", "name", "is_active", "is_staff", "last_login"]
    search_fields = ["email", "name"]
    list_filter = ["is_active", "is_staff", "is_superuser"]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        (_("Person"), {"fields": ["name", "preferred_language"]}),
        (
            _("Permissions"),
            {"fields": ["is_active", "is_staff", "is_superuser", "groups", "user_permissions"]},
        ),
        (_("Dates"), {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [
        (None, {"classes": ["wide"], "fields": ["email", "name", "password1", "password2"]})
    ]


class StaffForm(forms.ModelForm):
    """Someone who left keeps their row: a second row for them at the school is refused here,
    since Django's own check asks the default manager, which knows only current staff."""

    def clean(self):
        cleaned = super().clean()
        school, user = cleaned.get("school") or self.instance.school_id, cleaned.get("user")
        if school and user:
            others = Staff.everyone.filter(school=school, user=user).exclude(pk=self.instance.pk)
            if others.exists():
                raise forms.ValidationError(
                    _("This person already has a row at this school (perhaps as a leaver).")
                )
        return cleaned


class StaffInline(admin.TabularInline):
    model = Staff
    form = StaffForm
    extra = 0
    autocomplete_fields = ["user"]
    fields = ["user", "role", "title", "left_at"]

    def get_queryset(self, request):
        return Staff.everyone.all()


class TermInline(admin.TabularInline):
    model = Term
    extra = 0


@admin.register(School)
class SchoolAdmin(admin.ModelAdmin):
    list_display = ["name", "timezone", "weekly_update_weekday", "weekly_update_time"]
    search_fields = ["name"]
    inlines = [StaffInline, TermInline]


@admin.register(Staff)
class StaffAdmin(admin.ModelAdmin):
    form = StaffForm
    list_display = ["user", "school", "role", "title", "left_at"]
    list_filter = ["role", "school"]
    search_fields = ["user__name", "user__email"]
    list_select_related = ["user", "school"]
    autocomplete_fields = ["user"]

    def get_queryset(self, request):
        return Staff.everyone.all()


class WhanauLinkInline(admin.TabularInline):
    model = WhanauLink
    extra = 0
    autocomplete_fields = ["student"]


@admin.register(WhanauMember)
class WhanauMemberAdmin(admin.ModelAdmin):
    list_display = ["name", "email", "school", "preferred_language", "preferred_contact"]
    list_filter = ["school", "preferred_language", "needs_interpreter", "needs_childcare"]
    search_fields = ["name", "email"]
    list_select_related = ["school"]
    autocomplete_fields = ["user"]
    raw_id_fields = ["household"]
    inlines = [WhanauLinkInline]


class HouseholdMemberInline(admin.TabularInline):
    model = WhanauMember
    fields = ["name", "email"]
    readonly_fields = ["name", "email"]
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Household)
class HouseholdAdmin(admin.ModelAdmin):
    """Staff say who lives with whom on a student's whānau page; here a household is named.
    It is never deleted: its bookings would lose whose they are."""

    list_display = ["__str__", "school", "created_at"]
    list_filter = ["school"]
    search_fields = ["name", "members__name"]
    list_select_related = ["school"]
    fields = ["school", "name"]
    readonly_fields = ["school"]
    inlines = [HouseholdMemberInline]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = ["email", "kind", "school", "created_at", "expires_at", "accepted_at"]
    list_filter = ["kind", "school"]
    search_fields = ["email", "name"]
    list_select_related = ["school"]
    readonly_fields = ["key_hash", "sent_at", "accepted_at", "accepted_by"]
    raw_id_fields = ["student", "invited_by"]


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    """The audit trail is read-only, here as everywhere."""

    list_display = ["at", "actor", "action", "object_type", "student", "summary"]
    list_filter = ["action", "school"]
    list_select_related = ["actor", "student"]
    search_fields = ["summary", "actor__name", "student__last_name"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
