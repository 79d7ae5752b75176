# Russian: Django's own wording ("30 ноября 2026 г."), a comma before the time as in kk, and
# ISO dates accepted in forms as well.
from config.formats.shared import *  # noqa: F401,F403

DATE_FORMAT = "j E Y г."
DATETIME_FORMAT = "j E Y г., H:i"
YEAR_MONTH_FORMAT = "F Y г."
MONTH_DAY_FORMAT = "j E"
DECIMAL_SEPARATOR = ","
THOUSAND_SEPARATOR = "\xa0"
