"""One way to read settings from the environment, so the list of variables documents itself.

Every setting goes through :func:`config` with a default that is safe for a laptop (the embedded
default) and a help text; ``voorzieningen show-config`` prints the whole list.
"""

from dataclasses import dataclass
from typing import Any

import environ

_env = environ.Env()


@dataclass(frozen=True)
class Variable:
    name: str
    default: Any
    help_text: str


REGISTRY: dict[str, Variable] = {}


def config(name: str, default: Any = "", *, help_text: str = "", cast: type | None = None) -> Any:
    """Read ``name`` from the environment, cast like ``default`` (bool, int, float, list or str)."""
    REGISTRY[name] = Variable(name, default, help_text)
    kind = cast or (type(default) if default is not None else str)
    if name not in _env.ENVIRON:
        return default
    if kind is bool:
        return _env.bool(name)
    if kind is int:
        return _env.int(name)
    if kind is float:
        return _env.float(name)
    if kind is list:
        return _env.list(name)
    return _env.str(name)
