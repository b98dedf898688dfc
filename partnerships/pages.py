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

from partnerships.registry import Registry


class Page(Registry):
    """One page's panels, each registered with its ``template``."""

    def render(self, *args) -> list[tuple[str, dict]]:
        """(template, context) for each panel that has something to show."""
        shown = []
        for panel in self:
            context = panel.function(*args)
            if context is not None:
                shown.append((panel.details.get("template", ""), context))
        return shown


HOME = Page()
STUDENT = Page()
STUDENT_LINKS = Page()
