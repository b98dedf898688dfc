"""Pages made of panels that every app contributes: the ground floor names no app above it.

Each app registers its panels in its ``AppConfig.ready``; a page asks each panel for its
context and shows those that answer. A panel's context function returns ``None`` when it has
nothing for this person, so it is left out.

- ``HOME``: each person's home page; ``context(request, roles)``.
- ``STUDENT``: a student's page, below the people the student is linked to;
  ``context(request, student, relation)``.
- ``STUDENT_LINKS``: the buttons on a student's page to each part of their record;
  ``context(request, student, relation)`` returns ``{"url": …, "label": …}``.
"""

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Panel:
    name: str
    template: str
    context: Callable[..., dict | None]
    order: int


class Page:
    """One page's panels, in order. Registering a panel twice (a reload) keeps one."""

    def __init__(self) -> None:
        self._panels: dict[str, Panel] = {}

    def register(self, name: str, *, template: str = "", order: int = 100):
        def decorator(context: Callable[..., dict | None]):
            self._panels[name] = Panel(name, template, context, order)
            return context

        return decorator

    def render(self, *args) -> list[tuple[str, dict]]:
        """(template, context) for each panel that has something to show."""
        shown = []
        for panel in sorted(self._panels.values(), key=lambda p: (p.order, p.name)):
            context = panel.context(*args)
            if context is not None:
                shown.append((panel.template, context))
        return shown


HOME = Page()
STUDENT = Page()
STUDENT_LINKS = Page()
