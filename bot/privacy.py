"""Masks for logs: a complainant's phone and name never appear there in full."""

from __future__ import annotations


def mask_phone(phone: str | None) -> str:
    if not phone:
        return "-"
    digits = phone.replace("-", "")
    return f"{digits[:3]}****{digits[-2:]}" if len(digits) >= 7 else "****"


def mask_name(name: str | None) -> str:
    if not name:
        return "-"
    return name[0] + "*" * (len(name) - 1)
