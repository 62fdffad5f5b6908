"""Find PostgreSQL and Redis for `make test`; print shell exports for the ones found.

Explicit DATABASE_URL / REDIS_URL win. Otherwise the local defaults are probed,
and the suite falls back to SQLite and the SQLite-file broker, saying so.
TEST_WITHOUT_SERVICES=1 ignores both, as on a bare machine.
"""

import os
import socket
import sys

PG_URL = "postgres://{user}@127.0.0.1:5432/actionlearning"
REDIS_BROKER = "redis://127.0.0.1:6379/0"
REDIS_CACHE = "redis://127.0.0.1:6379/1"


def _postgres_user() -> str | None:
    try:
        import psycopg2
    except ImportError:
        return None
    for user in ("postgres", "root"):
        try:
            psycopg2.connect(
                host="127.0.0.1", port=5432, user=user, dbname="postgres", connect_timeout=2
            ).close()
            return user
        except psycopg2.Error:
            continue
    return None


def _redis_answers() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=2) as sock:
            sock.sendall(b"PING\r\n")
            return sock.recv(16).startswith(b"+PONG")
    except OSError:
        return False


def main() -> None:
    if os.environ.get("TEST_WITHOUT_SERVICES") == "1":
        # Prove the promise that the suite passes on a bare machine.
        for name in ("DATABASE_URL", "REDIS_URL", "CACHE_URL"):
            print(f"unset {name}")
        print("make test: database SQLite; Redis none (TEST_WITHOUT_SERVICES=1)", file=sys.stderr)
        return
    exports = {}
    if not os.environ.get("DATABASE_URL") and (user := _postgres_user()):
        exports["DATABASE_URL"] = PG_URL.format(user=user)
    if not os.environ.get("REDIS_URL") and _redis_answers():
        exports["REDIS_URL"] = REDIS_BROKER
        exports["CACHE_URL"] = REDIS_CACHE
    for name, value in exports.items():
        print(f"export {name}='{value}'")
    database = exports.get("DATABASE_URL") or os.environ.get("DATABASE_URL") or "SQLite"
    broker = exports.get("REDIS_URL") or os.environ.get("REDIS_URL") or "none (no Redis found)"
    print(f"make test: database {database}; Redis {broker}", file=sys.stderr)


if __name__ == "__main__":
    main()
