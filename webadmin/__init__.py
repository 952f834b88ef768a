"""The web admin for warehouse staff: a Flask + Flask-Admin app over the supplies core.

from webadmin import create_app
app = create_app("sqlite:///county.db")   # serve with waitress: `supplies serve`
"""

from .app import create_app

__all__ = ["create_app"]
