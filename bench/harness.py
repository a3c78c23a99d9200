"""What every benchmark shares: a throw-away database, a real gunicorn, timed HTTP requests.

A benchmark runs the production settings (DEBUG off, manifest static files, whitenoise)
against its own fresh database on the server named by DATABASE_URL, so the figures say
something about the deployed shape and the developer's data is never touched.
"""

from __future__ import annotations

import contextlib
import http.client
import os
import re
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/postgres"


# --- Machine ------------------------------------------------------------------


def cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


def memory_bytes() -> int:
    return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")


def is_postgres(database_url: str) -> bool:
    return urlsplit(database_url).scheme in {"postgres", "postgresql", "pgsql"}


def database_version(database_url: str) -> str:
    """'postgresql 15.20' or 'sqlite'."""
    if not is_postgres(database_url):
        return "sqlite"
    import psycopg

    with psycopg.connect(_libpq_url(database_url), autocommit=True) as conn:
        version = conn.execute("SHOW server_version").fetchone()[0]
    return f"postgresql {version.split()[0]}"


def machine_info(database_url: str) -> dict:
    return {
        "cores": cores(),
        "memory": memory_bytes(),
        "database": database_version(database_url),
    }


def database_url() -> str:
    return os.environ.get("DATABASE_URL") or DEFAULT_DATABASE_URL


# --- A fresh database ---------------------------------------------------------


def _libpq_url(database_url: str) -> str:
    # dj-database-url accepts postgres:// and pgsql://; libpq wants postgresql://.
    parts = urlsplit(database_url)
    return urlunsplit(parts._replace(scheme="postgresql"))


def _with_database_name(database_url: str, name: str) -> str:
    return urlunsplit(urlsplit(database_url)._replace(path=f"/{name}"))


@contextlib.contextmanager
def fresh_database(name: str, server_url: str | None = None) -> Iterator[str]:
    """Create database `name` (dropping any leftover) on the server, migrate it, drop it after.

    Yields its DATABASE_URL. Off PostgreSQL, a temporary SQLite file stands in.
    """
    server_url = server_url or database_url()
    if not re.fullmatch(r"[a-z_][a-z0-9_]*", name):
        raise ValueError(f"unsafe database name {name!r}")
    if not is_postgres(server_url):
        with tempfile.TemporaryDirectory(prefix="onward-bench-") as tmp:
            url = f"sqlite:///{tmp}/{name}.sqlite3"
            manage(["migrate", "--noinput"], database_url=url)
            yield url
        return

    import psycopg

    def admin(sql: str) -> None:
        with psycopg.connect(_libpq_url(server_url), autocommit=True) as conn:
            conn.execute(sql)

    admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    admin(f'CREATE DATABASE "{name}"')
    try:
        url = _with_database_name(server_url, name)
        manage(["migrate", "--noinput"], database_url=url)
        yield url
    finally:
        admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


# --- Production-like environment ---------------------------------------------


@dataclass
class BenchEnvironment:
    """Environment variables for manage.py and gunicorn: production settings, local services."""

    database_url: str
    var_dir: Path
    secret_key: str = field(default_factory=lambda: secrets.token_urlsafe(64))

    def as_env(self, **extra: str) -> dict[str, str]:
        env = {
            key: value
            for key, value in os.environ.items()
            # Nothing from the caller's shell may point the bench at real services.
            if not key.startswith(("CELERY_", "ELASTICSEARCH_", "STRIPE_", "CACHE_URL"))
            and key not in {"DJANGO_SETTINGS_MODULE", "DEBUG", "ONWARD_ENV"}
        }
        env.update(
            ONWARD_ENV="production",
            SECRET_KEY=self.secret_key,
            ALLOWED_HOSTS="127.0.0.1,localhost",
            SECURE_SSL_REDIRECT="false",
            DATABASE_URL=self.database_url,
            ONWARD_VAR_DIR=str(self.var_dir),
            PRIVATE_MEDIA_ROOT=str(self.var_dir / "private"),
            LOG_LEVEL=os.environ.get("BENCH_LOG_LEVEL", "WARNING"),
            PYTHONPATH=str(ROOT),
        )
        env.update(extra)
        return env


def manage(args: list[str], *, database_url: str, env: dict[str, str] | None = None) -> None:
    """Run `manage.py ARGS` in a child process; its output shows only on failure."""
    if env is None:
        with tempfile.TemporaryDirectory(prefix="onward-bench-") as tmp:
            env = BenchEnvironment(database_url, Path(tmp)).as_env()
            _run_manage(args, env)
    else:
        _run_manage(args, env)


def _run_manage(args: list[str], env: dict[str, str]) -> None:
    done = subprocess.run(
        [sys.executable, "manage.py", *args, "--verbosity", "0"],
        cwd=ROOT, env=env, capture_output=True, text=True,
    )
    if done.returncode:
        raise RuntimeError(f"manage.py {' '.join(args)} failed:\n{done.stdout}{done.stderr}")


@contextlib.contextmanager
def production_site(database_url: str) -> Iterator[BenchEnvironment]:
    """A temporary var dir with the static files collected (manifest storage needs them)."""
    with tempfile.TemporaryDirectory(prefix="onward-bench-var-") as tmp:
        site = BenchEnvironment(database_url, Path(tmp))
        (site.var_dir / "private").mkdir()
        manage(["collectstatic", "--noinput"], database_url=database_url, env=site.as_env())
        yield site


# --- gunicorn -------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Server:
    host: str
    port: int
    process: subprocess.Popen

    def client(self) -> Client:
        return Client(self.host, self.port)


@contextlib.contextmanager
def gunicorn(
    site: BenchEnvironment,
    *,
    app: str = "onward.wsgi:application",
    workers: int | None = None,
    ready_path: str = "/healthz",
    timeout: float = 60.0,
    extra_args: tuple[str, ...] = (),
) -> Iterator[Server]:
    """Start gunicorn on a free 127.0.0.1 port and wait until `ready_path` answers 200."""
    port = free_port()
    log = tempfile.TemporaryFile(mode="w+")
    process = subprocess.Popen(
        [
            sys.executable, "-m", "gunicorn", app,
            "--bind", f"127.0.0.1:{port}",
            "--workers", str(workers or cores()),
            "--chdir", str(ROOT),
            "--log-level", "warning",
            *extra_args,
        ],
        cwd=ROOT, env=site.as_env(), stdout=log, stderr=subprocess.STDOUT,
    )
    server = Server("127.0.0.1", port, process)
    try:
        _wait_until_ready(server, ready_path, timeout, log)
        yield server
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()


def _wait_until_ready(server: Server, path: str, timeout: float, log) -> None:
    deadline = time.monotonic() + timeout
    last_error: object = None
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            log.seek(0)
            raise RuntimeError(f"gunicorn exited ({server.process.returncode}):\n{log.read()}")
        try:
            status, _ = server.client().get(path)
            if status == 200:
                return
            last_error = f"HTTP {status}"
        except OSError as exc:
            last_error = exc
        time.sleep(0.1)
    log.seek(0)
    raise RuntimeError(
        f"gunicorn did not answer {path} in {timeout}s ({last_error}):\n{log.read()}"
    )


# --- Timing HTTP ------------------------------------------------------------------


class Client:
    """A keep-alive HTTP client (http.client); it reconnects when the server closes.

    gunicorn's sync workers close the connection after each response, so with them
    every request includes a local TCP connect, alike for every URL timed.
    """

    def __init__(self, host: str, port: int, timeout: float = 30.0):
        self.connection = http.client.HTTPConnection(host, port, timeout=timeout)

    def get(self, path: str, headers: dict[str, str] | None = None) -> tuple[int, bytes]:
        try:
            return self._get(path, headers)
        except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
            self.connection.close()  # the server dropped an idle keep-alive connection
            return self._get(path, headers)

    def _get(self, path: str, headers: dict[str, str] | None) -> tuple[int, bytes]:
        self.connection.request("GET", path, headers=headers or {})
        response = self.connection.getresponse()
        body = response.read()
        if response.will_close:
            self.connection.close()
        return response.status, body

    def timed_get(self, path: str, expect: int = 200) -> float:
        """Milliseconds from sending the request to the last byte of the body."""
        started = time.perf_counter()
        status, _ = self.get(path)
        elapsed = (time.perf_counter() - started) * 1000
        if status != expect:
            raise RuntimeError(f"GET {path} answered {status}, expected {expect}")
        return elapsed

    def close(self) -> None:
        self.connection.close()


def interleaved(
    client: Client, paths: dict[str, str], *, rounds: int, warmup: int = 20
) -> dict[str, list[float]]:
    """Time `rounds` GETs of every path, round-robin, after `warmup` untimed rounds.

    Round-robin spreads whatever noise the machine has over every path alike.
    Returns milliseconds per key of `paths`.
    """
    for _ in range(warmup):
        for path in paths.values():
            client.timed_get(path)
    samples: dict[str, list[float]] = {key: [] for key in paths}
    for _ in range(rounds):
        for key, path in paths.items():
            samples[key].append(client.timed_get(path))
    return samples


# --- Statistics -----------------------------------------------------------------


def percentile(samples: list[float], pct: float) -> float:
    """Linear-interpolated percentile (pct in 0..100)."""
    ordered = sorted(samples)
    if not ordered:
        raise ValueError("no samples")
    rank = (len(ordered) - 1) * pct / 100
    low = int(rank)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


def summary(samples: list[float]) -> dict[str, float]:
    return {
        "n": len(samples),
        "median": statistics.median(samples),
        "p90": percentile(samples, 90),
        "p99": percentile(samples, 99),
        "mean": statistics.fmean(samples),
    }


def rounded(value: float, digits: int = 3) -> float:
    return round(value, digits)


def note(message: str) -> None:
    """Progress for the person running the bench (stderr; stdout carries the JSON)."""
    print(f"[bench] {message}", file=sys.stderr, flush=True)
