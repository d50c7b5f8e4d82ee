"""The only code that touches the network, and only when the caller opts in. Loaded
lazily: a verification that fetches nothing does not import the HTTPS stack."""

from typing import TYPE_CHECKING

from .._lazy import lazy_exports

if TYPE_CHECKING:
    from .fetch import HttpsFetcher

__getattr__, __dir__ = lazy_exports(__name__, globals(), {"HttpsFetcher": ".fetch"})

__all__ = ["HttpsFetcher"]
