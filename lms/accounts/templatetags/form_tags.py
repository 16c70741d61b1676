from django import template

register = template.Library()


@register.simple_tag
def invalid_fields(form):
    """The visible fields of a submitted form that have errors, in the order of the form; the first of them gets the
    focus when the page loads (autofocus, no script), and no other field keeps one. Django gives each invalid field
    aria-invalid and an aria-describedby naming its errors."""
    if not form.is_bound or not form.errors:
        return []
    fields = [field for field in form.visible_fields() if field.errors]
    first = fields[0] if fields else (form.visible_fields() or [None])[0]
    for field in form.visible_fields():
        attrs = field.field.widget.attrs
        if field is first or (first is not None and field.name == first.name):
            attrs["autofocus"] = True
        else:
            attrs.pop("autofocus", None)
    return fields
