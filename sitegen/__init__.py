"""sitegen: a static site generator for news story archives."""

__version__ = "0.1.0"
