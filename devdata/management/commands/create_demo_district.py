import datetime

from django.core.management.base import BaseCommand
from django.test import override_settings
from django.utils import timezone

from accounts import roles
from devdata import demo


class Command(BaseCommand):
    help = (
        "Create the demo district: two schools, their staff, paras, teachers and pairs, "
        "and a school year of their work so far."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--address",
            default="127.0.0.1:8000",
            help=(
                "host:port where the site will be served (make run passes HOST); links in "
                "emails and certificates lead there unless BASE_URL is set"
            ),
        )

    def handle(self, *args, **options):
        demo.serve_default_site_at(options["address"])
        today = timezone.localdate()
        # Pairs start on the first of August of the current school year, or when the
        # story of their work begins if that is earlier (a run in early autumn).
        year = today.year if today.month >= 8 else today.year - 1
        story_starts = demo.History(today).start
        created = demo.create_demo_district(
            start_of_year=min(datetime.date(year, 8, 1), story_starts)
        )
        self.stdout.write(
            "Demo district ready ({schools} schools, {people} people, {pairs} pairs added).".format(
                **created
            )
        )
        # Eight weeks of notices, reminders and digests go out while the story is
        # written; kept in memory rather than printed over the log-ins below.
        with override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"):
            activity = demo.create_demo_activity(today)
        if activity:
            self.stdout.write(
                "A school year of work so far: {assignments} assignments, {progress} modules "
                "started, {attempts} quiz attempts, {certificates} certificates, {actions} "
                "checklist actions, {plans} weekly plans, {check_ins} check-ins, {reminders} "
                "reminders and {digests} weekly digests sent.".format(
                    assignments=activity["courses.Assignment"],
                    progress=activity["courses.ModuleProgress"],
                    attempts=activity["courses.QuizAttempt"],
                    certificates=activity["courses.Certificate"],
                    actions=activity["checklists.PairAction"],
                    plans=activity["checklists.WeeklyPlan"],
                    check_ins=activity["checklists.CheckIn"],
                    reminders=activity["courses.ReminderLog"],
                    digests=activity["reporting.AdminDigest"],
                )
            )
        elif not demo.demo_has_activity():
            self.stdout.write(
                "No published course yet, so the demo has no work to show: run "
                "`manage.py load_curriculum` and then this command again."
            )
        self.stdout.write(f"\nDemo log-ins (password for all: {demo.DEMO_PASSWORD}):")
        for person in demo.PEOPLE:
            sign_in_as = person.email or f"{person.username} (username)"
            what = person.group or roles.LearnerRole(person.role).label
            self.stdout.write(f"  {sign_in_as:<34} {what} {person.school or ''}".rstrip())
        self.stdout.write(f"\nOpen http://{options['address']}/ and sign in.\n")
