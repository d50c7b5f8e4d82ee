"""Running the service: a check of the settings in this process (the vault opens, the
status lists exist), then uvicorn with the configuration handed to its workers through
the environment (never a secret: the passphrase and token are read from their files or
variables by each worker)."""

from __future__ import annotations

import os

from .config import CONFIG_ENV, ServerConfig
from .service import Service

APP = "skillswallet.server.app:create_app"


def check(config: ServerConfig) -> bool:
    """Open what the service will use once, so a wrong passphrase or an unreachable
    registry is reported before any worker starts (and the first status lists are
    created by one process). Returns whether issuing is enabled."""
    issuing = config.token() is not None
    Service(config, issuing=issuing).close()
    return issuing


def serve(
    config: ServerConfig,
    *,
    host: str = "127.0.0.1",
    port: int = 8000,
    workers: int = 1,
    log_level: str = "warning",
) -> None:
    """Run the service until interrupted (``skillswallet serve``)."""
    import uvicorn

    os.environ[CONFIG_ENV] = config.to_env()
    uvicorn.run(
        APP,
        factory=True,
        host=host,
        port=port,
        workers=workers if workers > 1 else None,
        log_level=log_level,
        server_header=False,
        proxy_headers=False,
        timeout_keep_alive=5,
        limit_concurrency=1024,
    )
