"""Hooks the apps above fill in: they register functions by name as they load.

The ground floor offers a registry where an upper app must contribute (a page's panels, a
demo step), so it never names an app above it.
"""

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Entry:
    name: str
    order: int
    function: Callable
    details: dict = field(default_factory=dict)  # what the registry keeps beside it


class Registry:
    """Registered functions, in order. Registering a name again (a reload) replaces it."""

    def __init__(self) -> None:
        self._entries: dict[str, Entry] = {}

    def register(self, name: str, *, order: int = 100, **details):
        def decorator(function: Callable):
            self._entries[name] = Entry(name, order, function, details)
            return function

        return decorator

    def __iter__(self) -> Iterator[Entry]:
        return iter(sorted(self._entries.values(), key=lambda entry: (entry.order, entry.name)))
