"""A W3C CCG VC API service over the library (the ``[server]`` extra): issue, verify,
derive, revoke and suspend, and the issuer's status lists, as JSON over HTTP.

Nothing in the core imports this package. :func:`create_app` makes the ASGI application
for a :class:`ServerConfig`; :func:`serve` runs it under uvicorn (``skillswallet serve``).
"""

from __future__ import annotations

from .app import create_app
from .config import ServerConfig
from .run import serve

__all__ = ["ServerConfig", "create_app", "serve"]
