"""Settings of the intake benchmark's server (`bench/intake.py`): the project as it is, with the
URLs of `bench/intake_urls.py` (the project's plus one bare view that inserts one row).

    DJANGO_SETTINGS_MODULE=intake_site  (with bench/ on the Python path)
"""

from renda.settings import *  # noqa: F403

ROOT_URLCONF = "intake_urls"
