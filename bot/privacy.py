"""Masks: a complainant's phone and name never appear in full in logs, nor on a staff card when
the reporter asked to stay confidential or anonymous."""

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


_NAME_INTRO = re.compile(
    r"(我叫|我姓|本人叫|本人姓|俺叫|我的名字是|我的名字叫|名字叫|姓名[:：是]?|联系人[:：是]?)"
    r"\s*([\u4e00-\u9fff])([\u4e00-\u9fff]{1,2})"
)


def mask_identity(text: str, name: str | None = None, phone: str | None = None) -> str:
    """What a confidential or anonymous reporter wrote about themselves, masked in their own
    words (我叫李四，电话13900001111 → 我叫李*，电话139******11): the card promises that much."""
    if phone and len(phone) >= 7:
        text = text.replace(phone, mask_phone(phone))
    if name and len(name) >= 2:
        text = text.replace(name, mask_name(name))
    text = _NAME_INTRO.sub(lambda m: m.group(1) + m.group(2) + "*" * len(m.group(3)), text)
    return mask_numbers(text)


class MaskingFormatter(logging.Formatter):
    """Formats a record, its exception and traceback included, then masks the numbers in it."""

    def format(self, record: logging.LogRecord) -> str:
        return mask_numbers(super().format(record))
