"""Django's admin app, with a site that needs the desk's two-factor sign-in.

Its own module: Django picks an app's config from the classes a module holds, and this one
imports Django's AdminConfig.
"""

from django.contrib.admin.apps import AdminConfig


class DeskAdminConfig(AdminConfig):
    """The admin whose default site is DeskAdminSite (jeevanrekha/accounts/admin_site.py)."""

    default_site = "jeevanrekha.accounts.admin_site.DeskAdminSite"
