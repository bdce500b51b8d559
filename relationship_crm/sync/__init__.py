"""CalDAV/CardDAV sync with the rep's own server (issue 19): the only code that uses the network.

Nothing here is imported unless the rep runs a `sync` command (or, later, the app with an account
set up): the privacy tests check that every other command runs without loading it.
"""
