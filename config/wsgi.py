"""WSGI entry point for the production servers (`jeevanrekha serve`).

The intake route (`POST /api/v1/alerts`) has its own short middleware chain
(jeevanrekha/intake/wsgi.py); every other request goes through the desk's full one.
"""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
desk_application = get_wsgi_application()

from jeevanrekha.intake.wsgi import with_intake_route  # noqa: E402  (needs Django set up)

application = with_intake_route(desk_application)
