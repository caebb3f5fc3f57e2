from django.urls import path

from courses import views

urlpatterns = [
    path("learning/", views.my_learning, name="my_learning"),
    path("learning/transcript/", views.transcript, name="transcript"),
]
