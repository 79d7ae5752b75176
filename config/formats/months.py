"""Month names as used inside a date ("30 қараша 2026 ж."): Django's "alt. month" context.

Django's Kazakh catalogue gives them capitalised, as if standing alone; in a Kazakh date the
month is written in lower case. Listing them here puts them in our catalogues
(locale/*/LC_MESSAGES/django.po), which Django reads before its own.
"""

from django.utils.translation import pgettext_lazy

ALT_MONTHS = [
    pgettext_lazy("alt. month", "January"),
    pgettext_lazy("alt. month", "February"),
    pgettext_lazy("alt. month", "March"),
    pgettext_lazy("alt. month", "April"),
    pgettext_lazy("alt. month", "May"),
    pgettext_lazy("alt. month", "June"),
    pgettext_lazy("alt. month", "July"),
    pgettext_lazy("alt. month", "August"),
    pgettext_lazy("alt. month", "September"),
    pgettext_lazy("alt. month", "October"),
    pgettext_lazy("alt. month", "November"),
    pgettext_lazy("alt. month", "December"),
]
