"""Signed-in paras and teachers: 70% reading (My learning, modules, the pair's
pages), 20% writing (checklist confirmations, weekly-plan saves), 10% quizzes.

Run through ``python -m loadtest.run`` (``make loadtest``), which prepares the
people in LOADTEST_PLAN and reads back the accepted writes from LOADTEST_WRITES.
The site runs with production settings behind no proxy, so each request says it
came over HTTPS (as a load balancer would) and cookies marked Secure are sent
over the plain loopback connection.
"""

from __future__ import annotations

import json
import os
import random
import re
import string
from pathlib import Path

from locust import HttpUser, between, events, task
from locust.exception import StopUser

PLAN = json.loads(Path(os.environ["LOADTEST_PLAN"]).read_text())
PASSWORD = os.environ.get("LOADTEST_PASSWORD", "tandem-bench-2026")
WRITES = Path(os.environ["LOADTEST_WRITES"])
PEOPLE = iter(enumerate(PLAN["people"], start=1))
accepted: list[dict] = []
LETTERS = string.ascii_lowercase

VERSION = re.compile(r'name="version" value="(\d+)"')
QUIZ_INPUT = re.compile(r'type="(?:radio|checkbox)" name="([^"]+)" id="[^"]*" value="([^"]+)"')
HIDDEN = re.compile(r'type="hidden" name="(form_token|module)" value="([^"]+)"')

# Thresholds (see the README's "Load test" section).
P95_MS, P99_MS, MAX_ERROR_RATIO = 500, 1500, 0.001


class Learner(HttpUser):
    wait_time = between(2, 6)  # think time between actions

    def on_start(self) -> None:
        number, self.person = next(PEOPLE)
        # As the load balancer would forward them: each person from their own
        # address (allauth limits sign-ins per address), over HTTPS.
        self.client.headers.update(
            {
                "X-Forwarded-Proto": "https",
                "X-Forwarded-For": f"127.0.{number // 250}.{number % 250 + 1}",
            }
        )
        self.get("/accounts/login/", name="sign in (form)")
        response = self.post(
            "/accounts/login/",
            {"login": self.person["login"], "password": PASSWORD},
            name="sign in",
        )
        if response != 302:
            raise StopUser()
        signed_in(self.environment)

    # Plumbing -------------------------------------------------------------------------

    def referer(self, path: str) -> dict:
        return {"Referer": f"https://{self.host.split('://', 1)[1]}{path}"}

    def send_secure_cookies(self) -> None:
        for cookie in self.client.cookies:
            cookie.secure = False

    def get(self, path: str, name: str) -> str:
        # Not following redirects: a page that sends a signed-in person to the
        # sign-in page has failed, however fast the sign-in page answers.
        with self.client.get(
            path, name=name, allow_redirects=False, catch_response=True
        ) as response:
            if response.status_code != 200:
                response.failure(f"{response.status_code}")
            self.send_secure_cookies()
            return response.text

    def post(self, path: str, data: dict, name: str, expect=(302,)) -> int:
        """POST a form; the status, or 0 if the answer was a failure."""
        data = {**data, "csrfmiddlewaretoken": self.client.cookies.get("csrftoken", "")}
        with self.client.post(
            path,
            data=data,
            name=name,
            headers=self.referer(path),
            allow_redirects=False,
            catch_response=True,
        ) as response:
            signed_out = response.headers.get("Location", "").startswith("/accounts/login/")
            self.send_secure_cookies()
            if response.status_code not in expect or signed_out:
                response.failure(f"{response.status_code} {response.headers.get('Location', '')}")
                return 0
            response.success()
            return response.status_code

    # Reading: 70% -------------------------------------------------------------------

    @task(25)
    def my_learning(self) -> None:
        self.get("/learning/", name="my learning")

    @task(25)
    def module(self) -> None:
        self.get(random.choice(self.person["modules"]), name="module page")

    @task(20)
    def pair_page(self) -> None:
        pair = self.person["pair"]
        path, name = random.choice(
            [
                (f"/pairs/{pair}/", "pair page"),
                (f"/pairs/{pair}/actions/", "pair checklist"),
                (f"/pairs/{pair}/plan/", "weekly plan"),
                (f"/pairs/{pair}/check-ins/", "check-ins"),
            ]
        )
        self.get(path, name=name)

    # Writing: 20% -------------------------------------------------------------------

    @task(12)
    def confirm(self) -> None:
        if not self.person["actions"]:
            return self.pair_page()
        action = random.choice(self.person["actions"])
        path = f"/pairs/{self.person['pair']}/actions/{action}/confirm/"
        if self.post(path, {"confirmed": "1"}, name="confirm action") == 302:
            accepted.append({"kind": "confirm", "action": action, "role": self.person["role"]})

    @task(8)
    def save_plan(self) -> None:
        pair = self.person["pair"]
        page = self.get(f"/pairs/{pair}/plan/", name="weekly plan")
        version = VERSION.search(page)
        if version is None:
            return
        form = {
            "students": "J.M., AB",
            "priority_goals": "Ask for help with two-step problems.",
            # Letters only: four digits in a row would be refused as a student ID number.
            "strategies": f"Visual schedule, edit {''.join(random.choices(LETTERS, k=8))}.",
            "data_collection": "Tally prompts on Tuesday and Thursday.",
            "communication": "Five minutes before the first bell.",
            "version": version.group(1),
        }
        # 409: the partner saved first; the page shows both versions (not an error).
        if self.post(f"/pairs/{pair}/plan/", form, name="save plan", expect=(302, 409)) == 302:
            accepted.append({"kind": "plan", "pair": pair})

    # Quizzes: 10% -----------------------------------------------------------------

    @task(10)
    def quiz(self) -> None:
        if not self.person["quizzes"]:
            return self.module()
        path = random.choice(self.person["quizzes"])
        page = self.get(path, name="quiz form")
        fields = dict(HIDDEN.findall(page))
        answers: dict[str, list[str]] = {}
        for name, value in QUIZ_INPUT.findall(page):
            answers.setdefault(name, []).append(value)
        if "form_token" not in fields or not answers:
            return
        form = {**fields, **{name: random.choice(values) for name, values in answers.items()}}
        if self.post(path, form, name="submit quiz") == 302:
            accepted.append(
                {"kind": "quiz", "login": self.person["login"], "token": fields["form_token"]}
            )


SIGNED_IN = {"count": 0}


def signed_in(environment) -> None:
    """Once everyone is signed in, start the figures afresh: they judge the mix at
    full load, not the ramp, which is mostly sign-ins (each a deliberately slow
    password hash)."""
    SIGNED_IN["count"] += 1
    if SIGNED_IN["count"] == environment.parsed_options.num_users:
        environment.stats.reset_all()


@events.test_stop.add_listener
def save_accepted_writes(**kwargs) -> None:
    WRITES.write_text("".join(json.dumps(write) + "\n" for write in accepted))


@events.quitting.add_listener
def judge(environment, **kwargs) -> None:
    total = environment.stats.total
    ratio = total.num_failures / max(total.num_requests, 1)
    p95, p99 = total.get_response_time_percentile(0.95), total.get_response_time_percentile(0.99)
    if ratio > MAX_ERROR_RATIO or p95 > P95_MS or p99 > P99_MS:
        environment.process_exit_code = 1
