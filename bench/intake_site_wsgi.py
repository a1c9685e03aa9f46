"""WSGI entry of the intake benchmark's server (see `bench/intake.py`)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ["DJANGO_SETTINGS_MODULE"] = "intake_site"
application = get_wsgi_application()
