"""The system keyring, where there is one: the sync password and database passphrases go there.

`keyring` picks a backend for the desktop it runs on (Secret Service, KWallet, macOS Keychain,
Windows Credential Locker). On a server or in a bare container it has none, or only one that
fails or forgets; then nothing is remembered and the rep is asked each time (and told so).
"""

from __future__ import annotations


def usable_keyring() -> object | None:
    """The system keyring backend, or None where there is none (a server, a bare container)."""
    try:
        import keyring
        from keyring.backends import fail
    except ImportError:
        return None
    try:
        backend = keyring.get_keyring()
    except Exception:  # a broken keyring configuration is the same as none
        return None
    module = type(backend).__module__
    if isinstance(backend, fail.Keyring) or module.startswith("keyring.backends.null"):
        return None
    if module.startswith("keyring.backends.chainer") and not getattr(backend, "backends", None):
        return None  # a chain of no backends
    return backend
