"""Masks for logs: a complainant's phone and name never appear there in full."""

from __future__ import annotations

import logging
import re


def mask_phone(phone: str | None) -> str:
    if not phone:
        return "-"
    digits = phone.replace("-", "")
    return f"{digits[:3]}****{digits[-2:]}" if len(digits) >= 7 else "****"


def mask_name(name: str | None) -> str:
    if not name:
        return "-"
    return name[0] + "*" * (len(name) - 1)


_ID_NUMBER = re.compile(r"(?<!\d)(\d{6})\d{8}(\d{3}[\dXx])(?!\d)")
_MOBILE = re.compile(r"(?<!\d)(1[3-9]\d)\d{6}(\d{2})(?!\d)")


def mask_numbers(text: str) -> str:
    """Mobile and ID numbers anywhere in a text, masked: the last guard of the log, for what
    an error message (a driver's, say) quotes of a value."""
    return _MOBILE.sub(r"\1******\2", _ID_NUMBER.sub(r"\1********\2", text))


class MaskingFormatter(logging.Formatter):
    """Formats a record, its exception and traceback included, then masks the numbers in it."""

    def format(self, record: logging.LogRecord) -> str:
        return mask_numbers(super().format(record))
