"""Container health checks: `python docker/healthcheck.py web|worker|beat`; exit 0 when healthy."""

import http.client
import os
import socket
import sys
from pathlib import Path


def check_web() -> bool:
    # /healthz runs SELECT 1. Ask with an allowed host name and as if through the TLS
    # proxy, so neither ALLOWED_HOSTS nor SECURE_SSL_REDIRECT turns the answer away.
    hosts = [h.strip() for h in os.environ.get("ALLOWED_HOSTS", "").split(",") if h.strip()]
    host = hosts[0].lstrip(".") if hosts and hosts[0] != "*" else "localhost"
    conn = http.client.HTTPConnection("127.0.0.1", 8000, timeout=5)
    conn.request("GET", "/healthz", headers={"Host": host, "X-Forwarded-Proto": "https"})
    return conn.getresponse().status == 200


def check_worker() -> bool:
    # The worker answers a ping over the broker: it is connected and consuming.
    from onward.celery import app

    replies = app.control.ping(destination=[f"celery@{socket.gethostname()}"], timeout=5)
    return bool(replies)


def check_beat() -> bool:
    # Beat answers no pings: check that its process is alive and the broker is reachable.
    alive = any(
        b"celery" in cmdline and b"beat" in cmdline
        for cmdline in (
            p.read_bytes() for p in Path("/proc").glob("[0-9]*/cmdline") if p.exists()
        )
    )
    if not alive:
        return False
    from onward.celery import app

    with app.connection_for_write() as conn:
        conn.ensure_connection(max_retries=1, timeout=5)
    return True


CHECKS = {"web": check_web, "worker": check_worker, "beat": check_beat}

if __name__ == "__main__":
    try:
        healthy = CHECKS[sys.argv[1]]()
    except Exception as exc:  # any failure to check is "unhealthy"
        print(f"unhealthy: {exc!r}", file=sys.stderr)
        healthy = False
    sys.exit(0 if healthy else 1)
