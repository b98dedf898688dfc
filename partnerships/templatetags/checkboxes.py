"""``{{ form.field|boxes }}``: a multiple-choice field's boxes for ``includes/checkboxes.html``."""

from django import template

register = template.Library()


@register.filter
def boxes(bound_field) -> list[tuple[str, str, str, bool]]:
    """The boxes to tick, as (value, box id, label, ticked): a school's classes or staff drawn
    box by box through a widget's templates were most of a page's time."""
    field = bound_field.field
    ticked = {str(value) for value in bound_field.value() or ()}
    return [
        (
            str(obj.pk),
            f"{bound_field.auto_id}_{n}",
            field.label_from_instance(obj),
            str(obj.pk) in ticked,
        )
        for n, obj in enumerate(field.queryset)
    ]
