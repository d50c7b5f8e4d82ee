"""``python -m skillswallet.agent``: the agent process that ``skillswallet unlock`` starts
(see :func:`skillswallet.agent.server.start`)."""

import sys

from .server import run

if __name__ == "__main__":
    raise SystemExit(run(sys.argv[1:]))
