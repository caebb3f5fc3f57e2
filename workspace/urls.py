import datetime

from django.urls import path, register_converter

from workspace import views


class IsoDateConverter:
    """``yyyy-mm-dd``; an impossible date (2026-02-30) does not match, so it is a 404."""

    regex = r"\d{4}-\d{2}-\d{2}"

    def to_python(self, value: str) -> datetime.date:
        return datetime.date.fromisoformat(value)

    def to_url(self, value: datetime.date | str) -> str:
        return str(value)


register_converter(IsoDateConverter, "isodate")

urlpatterns = [
    path("pairs/", views.my_pairs, name="my_pairs"),
    path("waiting/<int:pk>/", views.waiting_open, name="waiting_open"),
    path("pairs/<int:pk>/", views.pair_detail, name="pair_detail"),
    path("pairs/<int:pk>/courses/", views.pair_courses, name="pair_courses"),
    path("pairs/<int:pk>/actions/", views.pair_actions, name="pair_actions"),
    path("pairs/<int:pk>/actions/add/", views.pair_action_add, name="pair_action_add"),
    path("pairs/<int:pk>/actions/new/", views.pair_action_new, name="pair_action_new"),
    path(
        "pairs/<int:pk>/actions/<int:action_pk>/confirm/",
        views.pair_action_confirm,
        name="pair_action_confirm",
    ),
    path(
        "pairs/<int:pk>/actions/<int:action_pk>/undo/",
        views.pair_action_undo,
        name="pair_action_undo",
    ),
    path(
        "pairs/<int:pk>/actions/<int:action_pk>/record/",
        views.pair_action_record,
        name="pair_action_record",
    ),
    path(
        "pairs/<int:pk>/actions/<int:action_pk>/coach/",
        views.pair_action_coach,
        name="pair_action_coach",
    ),
    path(
        "pairs/<int:pk>/actions/<int:action_pk>/measure/",
        views.pair_action_measure,
        name="pair_action_measure",
    ),
    path(
        "pairs/<int:pk>/measures/<int:measure_pk>/record/",
        views.pair_measure_record,
        name="pair_measure_record",
    ),
    path("pairs/<int:pk>/plan/", views.weekly_plan, name="weekly_plan"),
    path("pairs/<int:pk>/plan/<isodate:week>/", views.weekly_plan, name="weekly_plan_week"),
    path("pairs/<int:pk>/check-ins/", views.check_ins, name="check_ins"),
    path("pairs/<int:pk>/check-ins/new/", views.check_in_new, name="check_in_new"),
]
