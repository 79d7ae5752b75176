"""Plain-text templates (e-mail subjects and bodies, SMS) rendered without HTML escaping.

Django escapes every variable for HTML. In a text e-mail that turns an operator called
`ТОО "Qarat"` into `ТОО &quot;Qarat&quot;` and a link's `&` into `&amp;`. Text templates go
through `render_plain`, which renders with autoescape off, whatever the template itself says;
the HTML part keeps Django's escaping.
"""

from django.template import Context
from django.template.loader import get_template


def render_plain(template_name: str, context: dict) -> str:
    template = get_template(template_name).template  # the engine's Template, not the backend wrapper
    return template.render(Context(context, autoescape=False))
