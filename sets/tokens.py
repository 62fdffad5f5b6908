"""Secrets sent in links (invitations, calendar feeds): only their hashes are stored."""

import hashlib
import secrets


def token_new() -> str:
    """A URL-safe secret of 256 bits."""
    return secrets.token_urlsafe(32)


def token_hash(token: str) -> str:
    """SHA-256 is enough: the secret is random and long, so there is nothing to guess."""
    return hashlib.sha256(token.encode()).hexdigest()
