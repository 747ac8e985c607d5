"""Staff and citizen notifications: rendered here, queued in the outbox, sent by the worker."""
