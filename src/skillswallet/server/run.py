"""Running the service: a check of the settings in this process (the vault opens, the
status lists exist), then uvicorn with the configuration handed to its workers through
the environment (never a secret: the passphrase and token are read from their files or
variables by each worker)."""

from __future__ import annotations

import errno
import os
import socket

from .config import CONFIG_ENV, ServerConfig, ServerConfigError
from .service import Service

APP = "skillswallet.server.app:create_app"


def check(config: ServerConfig, *, host: str | None = None, port: int | None = None) -> bool:
    """Open what the service will use once, so a wrong passphrase or an unreachable
    registry is reported before any worker starts (and the first status lists are
    created by one process); with ``host`` and ``port``, that the service can listen
    there. Returns whether issuing is enabled."""
    if host is not None and port is not None:
        check_address(host, port)
    issuing = config.token() is not None
    Service(config, issuing=issuing).close()
    return issuing


def check_address(host: str, port: int) -> None:
    """Raise :class:`ServerConfigError`, saying what to do, when the service could not
    listen on ``host``:``port`` (a port in use, a port that needs privileges, an address
    not of this machine); uvicorn would only log the errno after the start was announced."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
        family, kind, proto, _, address = infos[0]
        with socket.socket(family, kind, proto) as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as uvicorn does
            probe.bind(address)
    except OSError as exc:
        if exc.errno == errno.EADDRINUSE:
            why = (
                f"port {port} is in use on {host} (another program, or a 'skillswallet serve' "
                "already running, listens there): stop it, or choose another port with --port"
            )
        elif exc.errno == errno.EACCES:
            why = f"listening on port {port} needs privileges: choose --port 1024 or above"
        else:
            why = f"cannot listen on {host} ({exc.strerror or exc}): is it this machine's?"
        raise ServerConfigError(why) from None


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
