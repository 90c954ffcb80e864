"""Paths the project builds from paper keys and user values stay inside the folder they belong to.

A paper key or a command-line value ends up in lock files (data/locks/), job directories, archive folders
and output files. A key such as `../../x` or `/etc/x` must not reach outside them, whatever validated it
upstream: every such path is built with `confined`.
"""

from __future__ import annotations

import os
from pathlib import Path


class PathEscape(ValueError):
    """A path built from a key or a user value would leave its folder."""


def confined(base: str | os.PathLike[str], *parts: str | os.PathLike[str]) -> Path:
    """`base / parts`, raising PathEscape if the result is not inside `base`.

    The check is on the names (absolute parts, `..`), not on symlinks: an operator who links data/archive/ky
    to another disk means it, a key that says `..` does not."""
    root = Path(os.path.abspath(Path(base).expanduser()))
    path = Path(os.path.abspath(root.joinpath(*parts)))
    if path == root or root not in path.parents:
        shown = os.path.join(*map(str, parts)) if parts else ""
        raise PathEscape(f"{shown!r} is not a name inside {root}")
    return path
