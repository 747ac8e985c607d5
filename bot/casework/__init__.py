"""A lead's case after it is submitted: the lifecycle table (pure) and the staff desk that applies it."""
