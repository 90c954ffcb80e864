"""User mistakes as one line on stderr and a non-zero exit status, instead of a traceback.

Commands raise UserError (or let a known user-facing exception through: a bad database URL, an unknown paper, a
database that cannot be reached); `guarded` turns them into `PROG: message` and exit status USER_ERROR_EXIT at
the entry point, so that no command needs a try/except of its own. Output piped into `head` ends quietly.
"""

from __future__ import annotations

import errno
import os
import re
import socket
import sys
from collections.abc import Callable

USER_ERROR_EXIT = 2  # argparse's status for a usage error: the same family of mistake
BROKEN_PIPE_EXIT = 141  # 128 + SIGPIPE: what a shell reports for a writer whose reader went away


# what SQLite and PostgreSQL say about a database created by an older version (or not an archive at all)
SCHEMA_ERROR_RE = re.compile(r"no such (?:table|column)|(?:relation|column) \S+ does not exist")


class UserError(Exception):
    """A mistake the user can fix (argument, path, port, database URL): shown as one line, no traceback."""


def first_line(exc: BaseException) -> str:
    """The message of an exception (of the DBAPI error inside a SQLAlchemy one) on one line."""
    text = str(getattr(exc, "orig", None) or exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def user_message(exc: BaseException) -> str | None:
    """The one-line message for an exception that is the user's to fix, or None for a bug (keep the traceback)."""
    from sqlalchemy.exc import DBAPIError

    from crawler.registry import RegistryError
    from schema.db import DatabaseURLError

    if isinstance(exc, UserError | DatabaseURLError | RegistryError):
        return str(exc)
    if isinstance(exc, DBAPIError):  # cannot connect, no such table, locked, disk full: not a bug of ours
        message = first_line(exc)
        if SCHEMA_ERROR_RE.search(message):
            message += " (is the database at the current schema? `epaper db upgrade`)"
        return f"database error: {message}"
    return None


def check_port_free(host: str, port: int) -> None:
    """UserError when something already listens on host:port (0 picks a free port and is always fine)."""
    if not port:
        return
    probe = socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET, socket.SOCK_STREAM)
    try:
        # SO_REUSEADDR as the servers use it: a port left in TIME_WAIT is free, one with a listener is not
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        probe.bind((host, port))
    except OSError as exc:
        if exc.errno == errno.EADDRINUSE:
            raise UserError(f"port {port} is in use (choose another with --port)") from exc
        if exc.errno == errno.EACCES:
            raise UserError(f"port {port} needs privileges (choose one above 1023 with --port)") from exc
        raise UserError(f"cannot listen on {host}:{port}: {exc.strerror}") from exc
    finally:
        probe.close()


def _quiet_broken_pipe() -> int:
    """The reader of our stdout went away (`| head`): stop writing without a BrokenPipeError at exit."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):  # pragma: no cover - stdout without a file descriptor
        pass
    return BROKEN_PIPE_EXIT


def guarded(prog: str, run: Callable[[], int]) -> int:
    """Run a command's body: user mistakes become `prog: message` on stderr and USER_ERROR_EXIT."""
    try:
        status = run()
        sys.stdout.flush()  # a closed pipe shows here rather than in the interpreter's shutdown
        return status
    except BrokenPipeError:
        return _quiet_broken_pipe()
    except KeyboardInterrupt:
        print(f"{prog}: interrupted", file=sys.stderr)
        return 130
    except Exception as exc:
        message = user_message(exc)
        if message is None:
            raise
        print(f"{prog}: {message}", file=sys.stderr)
        return USER_ERROR_EXIT
