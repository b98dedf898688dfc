from django.contrib import admin

from partnerships.models import Classroom, SignInCard, Student


@admin.register(Classroom)
class ClassroomAdmin(admin.ModelAdmin):
    list_display = ["name", "year_level", "school"]
    list_filter = ["school", "year_level"]
    search_fields = ["name"]
    filter_horizontal = ["teachers"]
    list_select_related = ["school"]


@admin.register(Student)
class StudentAdmin(admin.ModelAdmin):
    list_display = [
        "last_name",
        "first_name",
        "preferred_name",
        "year_level",
        "classroom",
        "school",
        "is_priority_learner",
    ]
    list_filter = ["school", "year_level", "is_priority_learner"]
    search_fields = ["first_name", "last_name", "preferred_name"]
    list_select_related = ["classroom", "school"]
    raw_id_fields = ["user"]
    filter_horizontal = ["assigned_teachers"]


@admin.register(SignInCard)
class SignInCardAdmin(admin.ModelAdmin):
    list_display = ["student", "issued_at", "revoked_at"]
    list_select_related = ["student"]
    raw_id_fields = ["student", "issued_by"]
    exclude = ["code"]
