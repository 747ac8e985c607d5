"""Tracking numbers: JZ-XXXX-XXXX, eight characters from an alphabet without look-alikes.

They come from `secrets`, not from a counter, so one number says nothing about another: 32^8
(about 1.1e12) possibilities, of which a city sees a few thousand a year.
"""

from __future__ import annotations

import secrets

ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"
"""No 0/O, 1/I: easy to read over the phone."""


def new_tracking_number() -> str:
    chars = "".join(secrets.choice(ALPHABET) for _ in range(8))
    return f"JZ-{chars[:4]}-{chars[4:]}"
