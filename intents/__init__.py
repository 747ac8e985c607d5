"""Understanding what people write to the 12330 hotline: intents, places, patent numbers.

A pure library: no telegram, no database, no bot. Build one Understander at start-up with
load_understander() and call understand(text) for each message.
"""

from intents.labels import Intent
from intents.understanding import Entities, Understanding

__all__ = ["Entities", "Intent", "Understanding"]
