"""The only code that touches the network, and only when the caller opts in."""

from .fetch import HttpsFetcher

__all__ = ["HttpsFetcher"]
