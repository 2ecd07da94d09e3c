"""Errors the store raises for bad input. Their message is one line a user can act on."""


class StoreError(Exception):
    """Base for errors caused by what the user asked for, not by a bug."""


class NotFound(StoreError):
    """The case, agency, user or upload named does not exist."""


class InvalidInput(StoreError):
    """The input cannot be accepted as it is; the message says why."""


class Forbidden(StoreError):
    """The acting user may not see or change this."""


class DatabaseHeld(StoreError):
    """Another process (the running server) holds the database file, so it cannot be opened."""
