"""The encrypted vault: one SQLite file holding credentials, keys and the disclosure log."""
