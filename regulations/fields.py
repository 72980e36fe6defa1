"""The one date parameter of every page, export and filter: a day as YYYY-MM-DD inside a sane window."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.core.exceptions import ValidationError

# Rules from the 1950s (the EU's founding treaties, the UNECE 1958 Agreement) to plans a few
# decades ahead. Outside it the answer is a 400: date arithmetic near year 9999 overflows, and
# far-future days would draw ever-longer trends.
EARLIEST_DAY = dt.date(1950, 1, 1)
LATEST_DAY = dt.date(2099, 12, 31)


def within_window(day: dt.date) -> None:
    if not EARLIEST_DAY <= day <= LATEST_DAY:
        raise ValidationError(
            f"Give a date between {EARLIEST_DAY.isoformat()} and {LATEST_DAY.isoformat()}.", code="out_of_window"
        )


class DayField(forms.DateField):
    """A day given as YYYY-MM-DD, refused outside the window before it reaches any query or date arithmetic."""

    input_formats = ["%Y-%m-%d"]
    default_validators = [within_window]
    default_error_messages = {"invalid": "Give the date as YYYY-MM-DD, for example 2027-01-01."}
