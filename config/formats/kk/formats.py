# Kazakh: Django ships no format module for kk, so dates came out US-style with a 12-hour clock.
# Day month year ("30 қараша 2026 ж."), 24-hour time, decimal comma. The lower-case month
# names ("alt. month") are in our catalogue (config/formats/months.py).
from config.formats.shared import *  # noqa: F401,F403

DATE_FORMAT = "j E Y ж."
DATETIME_FORMAT = "j E Y ж., H:i"
YEAR_MONTH_FORMAT = "F Y ж."
MONTH_DAY_FORMAT = "j E"
DECIMAL_SEPARATOR = ","
THOUSAND_SEPARATOR = "\xa0"
