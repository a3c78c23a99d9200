"""WSGI app for benchmarks: the project with ROOT_URLCONF swapped for bench.urls.

The product's own URLconf gains no bench routes; only gunicorn started by the bench
loads this module.
"""

import os

from django.conf import settings
from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "onward.settings")
settings.ROOT_URLCONF = "bench.urls"
application = get_wsgi_application()
