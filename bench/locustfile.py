"""Locust scenario for bench_load: many jobseekers search, book and confirm; provider staff
accept and deliver. Sessions come from bench/load_world.py (BENCH_LOAD_WORLD=<json>).

Run by ``make bench NAME=load``; by hand:
``BENCH_LOAD_WORLD=world.json locust -f bench/locustfile.py --host http://127.0.0.1:8000``.
Any 5xx answer, and any answer a step does not expect, counts as a failure.
"""

from __future__ import annotations

import itertools
import json
import os
import random
import re
import secrets
import string

from locust import HttpUser, between, task

WORLD = json.load(open(os.environ["BENCH_LOAD_WORLD"]))
_jobseekers = itertools.cycle(WORLD["jobseekers"])
_provider_sessions = itertools.cycle(
    [(p["id"], s) for p in WORLD["providers"] for s in p["sessions"]])
BOOKING_ID = re.compile(r"/bookings/(\d+)/")


def _sign_in(user: HttpUser, session_key: str) -> None:
    # The CSRF secret is ours to choose: the cookie and the form field carry the same one.
    user.csrf = "".join(random.choices(string.ascii_letters + string.digits, k=32))
    user.client.cookies.set("sessionid", session_key)
    user.client.cookies.set("csrftoken", user.csrf)


def _check(response, *expected):
    if response.status_code >= 500:
        response.failure(f"{response.status_code} server error")
    elif response.status_code not in expected:
        response.failure(f"unexpected {response.status_code}")
    else:
        response.success()


class Jobseeker(HttpUser):
    weight = 12
    wait_time = between(0.2, 1.0)

    def on_start(self):
        _sign_in(self, next(_jobseekers))
        self.bookings: list[str] = []

    @task(5)
    def search(self):
        with self.client.get("/offers/", params={"q": random.choice(WORLD["words"])},
                             name="/offers/?q=", catch_response=True) as response:
            _check(response, 200)

    @task(3)
    def view_offer(self):
        offer = random.choice(WORLD["offers"])
        with self.client.get(f"/offers/{offer}/", name="/offers/[id]/",
                             catch_response=True) as response:
            _check(response, 200)

    @task(3)
    def book(self):
        offer = random.choice(WORLD["offers"])
        with self.client.get(f"/offers/{offer}/book/", name="/offers/[id]/book/ (form)",
                             catch_response=True) as response:
            _check(response, 200)
        with self.client.post(
                f"/offers/{offer}/book/", name="/offers/[id]/book/ (request)",
                data={"csrfmiddlewaretoken": self.csrf, "message": "Tuesdays suit me",
                      "request_token": secrets.token_urlsafe(12)},
                allow_redirects=False, catch_response=True) as response:
            # 302: booked. 200: refused with a reason on the form (budget spent, place full).
            _check(response, 302, 200)
            found = BOOKING_ID.search(response.headers.get("Location", ""))
            if found:
                self.bookings.append(found.group(1))

    @task(2)
    def confirm(self):
        if not self.bookings:
            return
        booking = random.choice(self.bookings)
        with self.client.post(f"/my/bookings/{booking}/", name="/my/bookings/[id]/ confirm",
                              data={"csrfmiddlewaretoken": self.csrf, "action": "confirm"},
                              allow_redirects=False, catch_response=True) as response:
            # 302 whether confirmed or not yet delivered (the page says which).
            _check(response, 302)

    @task(1)
    def my_bookings(self):
        with self.client.get("/my/bookings/", catch_response=True) as response:
            _check(response, 200)


class ProviderStaff(HttpUser):
    weight = 1
    wait_time = between(0.5, 1.5)

    def on_start(self):
        self.provider, session = next(_provider_sessions)
        _sign_in(self, session)
        self.done: set[str] = set()

    @task
    def work_the_inbox(self):
        with self.client.get("/provider/bookings/", catch_response=True) as response:
            _check(response, 200)
            ids = set(BOOKING_ID.findall(response.text)) if response.ok else set()
        for booking in list(ids - self.done)[:5]:
            for action in ("accept", "deliver"):
                with self.client.post(
                        f"/provider/bookings/{booking}/", name=f"/provider/bookings/[id]/ {action}",
                        data={"csrfmiddlewaretoken": self.csrf, "action": action},
                        allow_redirects=False, catch_response=True) as response:
                    _check(response, 302)
            self.done.add(booking)
