from django.urls import path

from hours import views

app_name = "hours"

urlpatterns = [
    path("hours/", views.my_hours, name="mine"),
    path("hours/people/<int:pk>/statement.pdf", views.statement, name="statement"),
    path("hours/evidence/<int:pk>/", views.evidence, name="evidence"),
    path("hours/evidence/files/<path:name>", views.evidence_file, name="evidence_file"),
    path(
        "hours/qualifications/<int:pk>/evidence/",
        views.qualification_evidence,
        name="qualification_evidence",
    ),
    path("hours/calendar/", views.calendar, name="calendar"),
    path("hours/calendar/new-url/", views.calendar_new_url, name="calendar_new_url"),
    path("hours/calendar/off/", views.calendar_off, name="calendar_off"),
    path("hours/calendar/<str:token>.ics", views.calendar_ics, name="calendar_feed"),
    path("hours/check-ins/<int:pk>/confirm/", views.confirm_check_in, name="confirm_check_in"),
]
