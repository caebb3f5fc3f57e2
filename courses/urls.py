from django.urls import path

from courses import views

urlpatterns = [
    path("learning/", views.my_learning, name="my_learning"),
    path("learning/transcript/", views.transcript, name="transcript"),
    path("learning/transcript.csv", views.transcript_csv, name="transcript_csv"),
    path("learning/certificates/<int:pk>/", views.certificate_detail, name="certificate"),
    path("learning/certificates/<int:pk>.pdf", views.certificate_pdf, name="certificate_pdf"),
    path("learning/job-aids/<slug:slug>/", views.job_aid, name="job_aid"),
    path("learning/job-aids/<slug:slug>.pdf", views.job_aid_pdf, name="job_aid_pdf"),
    path("verify/", views.verify, name="verify"),
    path("verify/<str:code>/", views.verify_certificate, name="verify_certificate"),
]
