"""Working days and deadlines: China's official calendar, and each lead's stage clock."""
