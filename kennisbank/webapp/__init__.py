"""The web app: server-rendered Jinja2 pages and a JSON API over one open index version."""

from kennisbank.webapp.app import create_app
from kennisbank.webapp.settings import Settings

__all__ = ["Settings", "create_app"]
