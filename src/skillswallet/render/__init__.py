"""Rendering for people: terminal text (and, later, HTML pages). Nothing below the CLI
imports this package."""
