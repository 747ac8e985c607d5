"""Leads (案件线索): the model, routing, priority, deadlines and their storage."""
