"""The one guard against spreadsheet formula injection, used by every CSV the product writes.

A cell that starts with = + - @ (or a tab or carriage return, which some spreadsheet programs
skip before looking for those) is run as a formula when the file is opened. Such a cell gets a
leading apostrophe, which spreadsheets show as text. Numbers stay numbers (a negative count is
not a formula) and an empty value stays empty.
"""

import re
from decimal import Decimal

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = re.compile(r"[-+]?\d+(?:[.,]\d+)?")


def csv_cell(value) -> str:
    """`value` as the text of one CSV cell, safe to open in a spreadsheet."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, (int, float, Decimal)):
        return str(value)
    text = str(value)
    if text.startswith(FORMULA_START) and not _PLAIN_NUMBER.fullmatch(text):
        return "'" + text
    return text
