from django.contrib import admin

from .models import Commissioner, JobseekerProfile, User


@admin.register(User)
class UserAdmin(admin.ModelAdmin):
    list_display = ("email", "full_name", "role", "commissioner", "is_active")
    list_filter = ("role", "commissioner")
    search_fields = ("email", "full_name")
    exclude = ("password",)


admin.site.register(Commissioner)
admin.site.register(JobseekerProfile)
