# English as read in Kazakhstan: day month year ("30 November 2026") and a 24-hour clock, like
# the Kazakh and Russian pages and the letters; a decimal point.
from config.formats.shared import *  # noqa: F401,F403

DATE_FORMAT = "j F Y"
DATETIME_FORMAT = "j F Y, H:i"
YEAR_MONTH_FORMAT = "F Y"
MONTH_DAY_FORMAT = "j F"
DECIMAL_SEPARATOR = "."
THOUSAND_SEPARATOR = ","
