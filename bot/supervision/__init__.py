"""The deadline supervisor: reminders, overdue notices, 督办 and the morning digest."""
