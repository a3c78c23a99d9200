"""Every page reachable by following links, for every demo role, renders without error.

A crawler signs in as each role on the demo data and follows every same-site link (GET
only) it can reach, so a page that breaks for one role is found whichever app it is in.
"""

import re
from collections import deque
from urllib.parse import urldefrag, urlparse

import pytest

from accounts.models import User
from frontend.demo import load_demo

LINK = re.compile(r'href="([^"#][^"]*)"')
SKIP = ("/accounts/logout", "/static/", "/django-admin/", "/api/v1/schema", "mailto:",
        "/offers/?", "/commissioner/exports/")
MAX_PAGES = 120


def crawl(client, start="/"):
    seen, queue, problems = {start}, deque([start]), []
    while queue and len(seen) <= MAX_PAGES:
        path = queue.popleft()
        response = client.get(path)
        if response.status_code >= 500:
            problems.append((path, response.status_code))
            continue
        if response.status_code in (301, 302):
            target = response["Location"]
            if target.startswith("/") and target not in seen:
                seen.add(target)
                queue.append(target)
            continue
        if "text/html" not in response.get("Content-Type", ""):
            continue
        for href in LINK.findall(response.content.decode()):
            href = urldefrag(href.replace("&amp;", "&"))[0]
            if urlparse(href).netloc or not href.startswith("/"):
                continue
            if href.startswith(SKIP) or href in seen:
                continue
            seen.add(href)
            queue.append(href)
    return seen, problems


@pytest.fixture
def demo(db):
    sign_ins, _ = load_demo()
    return sign_ins


@pytest.mark.django_db
def test_anonymous_visitors_meet_no_broken_page(client, demo):
    seen, problems = crawl(client)
    assert problems == []
    assert len(seen) > 5


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["Jobseeker", "Adviser", "Provider admin (social enterprise)",
                                  "Provider staff", "Commissioner manager",
                                  "Commissioner auditor"])
def test_each_role_meets_no_broken_page(client, demo, role):
    sign_in = next(s for s in demo if s.role == role)
    client.force_login(User.objects.get(email=sign_in.email))
    seen, problems = crawl(client)
    assert problems == [], problems
    assert len(seen) > 5
