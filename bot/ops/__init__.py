"""Operations: the HTTP side (webhook, health, metrics), webhook workers and their supervisor."""
