"""Search: 100,000 offers in PostgreSQL, 200 mixed queries through the search service
(in-process) and through the search page (gunicorn over HTTP on 127.0.0.1).

Metrics: offers, service_p50_ms, service_p95_ms, page_p95_ms, and queries_per_page (SQL
queries for one search page; measured on a 1-result and a full page, it must not grow).
The data and queries come from a fixed seed, so runs compare.
"""

from __future__ import annotations

import multiprocessing
import os
import random
import time
from urllib.parse import urlencode

from bench import harness

OFFERS = 100_000
PROVIDERS = 400
QUERIES = 200
WARMUP = 20
SEED = 20261124

TARGETS = {
    "service_p95_ms": {"max": 30},
    "queries_per_page": {"max": 6},
}

SUBJECTS = [
    "forklift", "warehouse", "childcare", "nursery", "interview", "CV", "confidence",
    "digital", "Excel", "coding", "English", "maths", "driving", "CSCS", "construction",
    "hospitality", "barista", "care", "health", "wellbeing", "self-employment", "bookkeeping",
    "security", "SIA", "first aid", "food hygiene", "retail", "customer service", "cleaning",
    "gardening", "bike", "travel", "workwear", "boots", "laptop", "mentoring", "placement",
    "admin", "reception", "call centre", "HGV", "teaching assistant", "catering",
]
KINDS = ["course", "licence", "coaching", "workshop", "programme", "support", "taster",
         "certificate", "bootcamp", "sessions"]
TOWNS = [
    ("Leeds", 53.7997, -1.5492), ("Bradford", 53.7960, -1.7594), ("Wakefield", 53.6833, -1.4977),
    ("Sheffield", 53.3811, -1.4701), ("York", 53.9600, -1.0873), ("Hull", 53.7676, -0.3274),
    ("Manchester", 53.4808, -2.2426), ("Liverpool", 53.4084, -2.9916),
    ("Newcastle", 54.9783, -1.6178), ("Birmingham", 52.4862, -1.8904),
    ("Nottingham", 52.9548, -1.1581), ("Leicester", 52.6369, -1.1398),
    ("Bristol", 51.4545, -2.5879), ("London", 51.5072, -0.1276), ("Cardiff", 51.4816, -3.1791),
    ("Glasgow", 55.8642, -4.2518),
]
TOWN_KEYS = ["leeds", "bradford", "sheffield", "york", "manchester", "london", "bristol",
             "newcastle"]


def _django(database_url: str) -> None:
    os.environ.update(DATABASE_URL=database_url, ONWARD_ENV="development", DEBUG="false",
                      LOG_LEVEL="WARNING", DJANGO_SETTINGS_MODULE="onward.settings")
    for key in ("ELASTICSEARCH_URL", "CELERY_BROKER_URL"):
        os.environ.pop(key, None)
    import django

    django.setup()


def generate(database_url: str) -> int:
    """Providers, standings and OFFERS offers, bulk inserted (the trigger fills the
    search vector); about 90 % approved, a few providers suspended."""
    _django(database_url)
    from datetime import timedelta

    from django.db import connection
    from django.utils import timezone

    from marketplace.models import Category, DeliveryMode, Offer, OfferStatus, ProviderStanding
    from providers.models import Provider, ProviderStatus, ProviderType

    rng = random.Random(SEED)
    types = list(ProviderType.values)
    providers = Provider.objects.bulk_create([
        Provider(
            name=f"Provider {n} {rng.choice(SUBJECTS).title()} "
                 f"{rng.choice(['CIC', 'Trust', 'Ltd', 'Works'])}",
            provider_type=rng.choice(types), areas_served=rng.choice(TOWNS)[0],
            description="We help people back into work.",
            contact_email=f"hello{n}@provider.example.org",
            status=ProviderStatus.SUSPENDED if n % 40 == 0 else ProviderStatus.APPROVED,
        )
        for n in range(PROVIDERS)
    ])
    standings = []
    for provider in providers:
        if rng.random() < 0.7:
            served = rng.randint(0, 300)
            in_26 = rng.randint(0, served)
            standings.append(ProviderStanding(
                provider=provider, people_served=served, jobs_started=min(served, in_26 + 5),
                in_work_13_weeks=in_26, in_work_26_weeks=in_26,
                sustained_rate_bp=round(in_26 * 10000 / served) if served >= 5 else None,
                rating_average=round(rng.uniform(2.5, 5), 2), rating_count=rng.randint(0, 80),
            ))
    ProviderStanding.objects.bulk_create(standings)

    categories = list(Category.values)
    modes = list(DeliveryMode.values)
    statuses = [OfferStatus.APPROVED] * 18 + [OfferStatus.PENDING, OfferStatus.WITHDRAWN]
    today = timezone.localdate()
    batch = []
    for n in range(OFFERS):
        subject, other = rng.choice(SUBJECTS), rng.choice(SUBJECTS)
        town, lat, lon = rng.choice(TOWNS)
        mode = rng.choice(modes)
        located = mode != DeliveryMode.ONLINE
        batch.append(Offer(
            provider=rng.choice(providers),
            title=f"{subject.title()} {rng.choice(KINDS)} {n}",
            what_you_get=f"Hands-on {subject} and {other} with a qualified trainer; "
                         f"you leave with a certificate and a reference.",
            who_it_is_for=f"People who want work in {other} and need {subject} first.",
            category=rng.choice(categories),
            price=rng.randint(10, 2000) * 100 + rng.choice([0, 50, 99]),
            price_covers="Training, materials and the test fee",
            delivery_mode=mode,
            area=town if located else "",
            latitude=round(lat + rng.uniform(-0.2, 0.2), 5) if located else None,
            longitude=round(lon + rng.uniform(-0.3, 0.3), 5) if located else None,
            capacity=rng.choice([None, 6, 10, 12, 20]),
            next_start=today + timedelta(days=rng.randint(-10, 120))
            if rng.random() < 0.7 else None,
            languages=rng.choice(["English", "English, Polish", "English, Urdu"]),
            status=rng.choice(statuses),
        ))
        if len(batch) == 5000:
            Offer.objects.bulk_create(batch)
            batch = []
    if batch:
        Offer.objects.bulk_create(batch)
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE marketplace_offer")
        cursor.execute("ANALYZE marketplace_providerstanding")
        cursor.execute("ANALYZE providers_provider")
    return Offer.objects.count()


def mixed_queries() -> list[dict]:
    """QUERIES search-form parameter sets: text, filters, sorts and pages, mixed."""
    from marketplace.models import Category, DeliveryMode
    from providers.models import ProviderType

    rng = random.Random(SEED + 1)
    queries = []
    for _ in range(QUERIES):
        params: dict = {}
        if rng.random() < 0.6:
            params["q"] = rng.choice(SUBJECTS) if rng.random() < 0.7 else \
                f"{rng.choice(SUBJECTS)} {rng.choice(KINDS)}"
        if rng.random() < 0.4:
            params["category"] = rng.choice(Category.values)
        if rng.random() < 0.2:
            params["delivery_mode"] = rng.choice(DeliveryMode.values)
        if rng.random() < 0.1:
            params["provider_type"] = rng.choice(ProviderType.values)
        if rng.random() < 0.15:
            params["social_enterprise"] = "on"
        if rng.random() < 0.3:
            params["price_band"] = rng.choice(["under_100", "100_500", "500_1000", "over_1000"])
        if rng.random() < 0.25:
            params["near"] = rng.choice(TOWN_KEYS)
            params["distance"] = rng.choice(["5", "10", "25", "50"])
        elif rng.random() < 0.1:
            params["area"] = rng.choice(TOWNS)[0]
        if rng.random() < 0.15:
            params["starts_within"] = rng.choice(["14", "30", "90"])
        params["sort"] = rng.choice(["relevance", "relevance", "price_low", "price_high",
                                     "sustained_rate"])
        if rng.random() < 0.3:
            params["page"] = str(rng.randint(2, 5))
        queries.append(params)
    return queries


def time_service(database_url: str) -> dict:
    """Time search_offers for each query (offers read from the rows, not just counted)."""
    _django(database_url)
    from django.db import connection, reset_queries
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from marketplace.forms import SearchForm
    from marketplace.search import search_offers

    def query_of(params):
        form = SearchForm(params)
        form.is_valid()
        return form.to_query()

    queries = [query_of(params) for params in mixed_queries()]
    for query in queries[:WARMUP]:
        search_offers(query)
    samples = []
    for query in queries:
        started = time.perf_counter()
        results = search_offers(query)
        [offer.provider.name for offer in results.offers]
        samples.append((time.perf_counter() - started) * 1000)

    # SQL queries for one search page, for a one-result page and a full one.
    client = Client()
    counts = []
    for params in ({"q": "forklift", "sort": "price_low"}, {"q": "Forklift licence 11"}):
        reset_queries()
        with CaptureQueriesContext(connection) as captured:
            response = client.get("/offers/", params)
        assert response.status_code == 200, response.status_code
        counts.append((len(captured.captured_queries), response.context["results"].total
                       if response.context else None))
    paths = [f"/offers/?{urlencode(params)}" for params in mixed_queries()]
    return {"samples": samples, "page_queries": counts, "paths": paths}


def run() -> dict:
    server_url = harness.database_url()
    if not harness.is_postgres(server_url):
        raise RuntimeError("The search benchmark needs PostgreSQL (set DATABASE_URL).")
    context = multiprocessing.get_context("spawn")
    with harness.fresh_database("onward_bench_search") as database_url:
        started = time.perf_counter()
        with context.Pool(1) as pool:
            offers = pool.apply(generate, (database_url,))
        harness.note(f"{offers} offers in {time.perf_counter() - started:.0f} s")
        with context.Pool(1) as pool:
            measured = pool.apply(time_service, (database_url,))
        service = measured["samples"]
        harness.note(f"service: {harness.summary(service)}")
        harness.note(f"queries per page (queries, results): {measured['page_queries']}")

        paths = measured["paths"]
        with (
            harness.production_site(database_url) as site,
            harness.gunicorn(site, workers=harness.cores()) as server,
        ):
            client = server.client()
            try:
                for path in paths[:WARMUP]:
                    client.timed_get(path)
                pages = [client.timed_get(path) for path in paths]
            finally:
                client.close()
        harness.note(f"page: {harness.summary(pages)}")

    queries_per_page = max(count for count, _ in measured["page_queries"])
    return {
        "metrics": {
            "offers": offers,
            "service_p50_ms": harness.rounded(harness.percentile(service, 50)),
            "service_p95_ms": harness.rounded(harness.percentile(service, 95)),
            "page_p95_ms": harness.rounded(harness.percentile(pages, 95)),
            "queries_per_page": queries_per_page,
            "queries_per_page_grows": int(
                measured["page_queries"][0][0] != measured["page_queries"][1][0]
            ),
        },
        "targets": TARGETS,
    }
