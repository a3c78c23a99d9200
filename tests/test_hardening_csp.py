"""A Content Security Policy without inline script, and pages that need none.

Every GET page of the URL configuration, for every role of the access matrix's seeded
world: each HTML answer carries the CSP header, and its HTML has no <script> without a
src, no on*= event attribute and no style= attribute (all of which the CSP refuses).
"""

import logging
import re

import pytest
from django.urls import reverse

from accounts.models import User
from tests.test_access_matrix import KWARGS, ROLES, World, routes

pytestmark = [pytest.mark.postgres]

INLINE_SCRIPT = re.compile(r"<script\b(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE)
EVENT_ATTRIBUTE = re.compile(r"<[a-z][^>]*\son[a-z]+\s*=", re.IGNORECASE)
STYLE_ATTRIBUTE = re.compile(r"<[a-z][^>]*\sstyle\s*=", re.IGNORECASE)
EXTRA_PAGES = ["/accounts/login/", "/accounts/signup/", "/accounts/password/reset/",
               "/no-such-page/"]


def problems_in(html: str) -> list[str]:
    found = []
    for name, pattern in (("inline <script>", INLINE_SCRIPT), ("on*= attribute", EVENT_ATTRIBUTE),
                          ("style= attribute", STYLE_ATTRIBUTE)):
        match = pattern.search(html)
        if match:
            found.append(f"{name}: {match.group(0)[:80]}")
    return found


def test_the_checks_catch_what_they_should():
    assert problems_in('<script>alert(1)</script>')
    assert problems_in('<a href="/" onclick="x()">')
    assert problems_in('<p style="color: red">')
    assert not problems_in('<script src="/static/a.js"></script><p class="x">online</p>')


@pytest.mark.django_db
def test_every_page_for_every_role_has_a_csp_and_no_inline_script(client):
    world = World()
    checked, problems = 0, []
    logging.disable(logging.WARNING)
    try:
        for role in ROLES:
            client.logout()
            if role != "anonymous":
                client.force_login(User.objects.get(pk=world.people[role].pk))
            paths = [reverse(name, kwargs=KWARGS[name](world) if KWARGS[name] else None)
                     for _, name in routes()] + EXTRA_PAGES
            for path in paths:
                response = client.get(path)
                if "text/html" not in response.get("Content-Type", ""):
                    continue
                checked += 1
                policy = response.get("Content-Security-Policy", "")
                if "script-src 'self'" not in policy or "unsafe-inline" in policy:
                    problems.append((role, path, f"CSP header: {policy!r}"))
                for problem in problems_in(response.content.decode()):
                    problems.append((role, path, problem))
    finally:
        logging.disable(logging.NOTSET)
    assert problems == []
    assert checked > 200
