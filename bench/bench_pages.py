"""Pages: median time of the home and sign-in pages against a bare Django view.

All three are fetched over real HTTP from gunicorn (workers = cores) on 127.0.0.1,
round-robin in the same run, so the ratio home / bare is the cost of the page itself
over the fixed cost of HTTP, gunicorn and the middleware stack.
"""

from bench import harness

PATHS = {"home": "/", "signin": "/accounts/login/", "bare": "/bench/bare"}
ROUNDS = 300
WARMUP = 30

TARGETS = {
    # A page that costs more than 10 bare requests is doing work a landing page should not.
    "home_ratio": {"max": 10},
    # Budgets for anonymous pages, far under what a person notices, tight enough to
    # flag a page that starts querying or rendering much more.
    "home_ms_median": {"max": 20},
    "signin_ms_median": {"max": 20},
    # The fixed cost every request pays (HTTP, gunicorn, middleware).
    "bare_ms_median": {"max": 5},
}


def check_pages(client: harness.Client) -> None:
    """Time the right thing: the real pages (not an error or a redirect) and the bare view."""
    expected = {"home": b"Onward", "signin": b'name="password"', "bare": b"ok"}
    for key, path in PATHS.items():
        status, body = client.get(path)
        if status != 200 or expected[key] not in body:
            raise RuntimeError(f"GET {path} answered {status} without {expected[key]!r}")


def run() -> dict:
    with (
        harness.fresh_database("onward_bench_pages") as database_url,
        harness.production_site(database_url) as site,
        harness.gunicorn(
            site, app="bench.wsgi_bench:application", workers=harness.cores()
        ) as server,
    ):
        client = server.client()
        try:
            check_pages(client)
            samples = harness.interleaved(client, PATHS, rounds=ROUNDS, warmup=WARMUP)
        finally:
            client.close()

    stats = {key: harness.summary(values) for key, values in samples.items()}
    for key, stat in stats.items():
        harness.note(
            f"{key:7} n={stat['n']} median={stat['median']:.3f} ms "
            f"p90={stat['p90']:.3f} ms p99={stat['p99']:.3f} ms"
        )
    home, signin, bare = (stats[key]["median"] for key in ("home", "signin", "bare"))
    return {
        "metrics": {
            "home_ms_median": harness.rounded(home),
            "signin_ms_median": harness.rounded(signin),
            "bare_ms_median": harness.rounded(bare),
            "home_ratio": harness.rounded(home / bare, 2),
        },
        "targets": TARGETS,
    }
