"""The conversation as a pure state machine: no I/O, no clock, no database.

`Dialogue.step(conversation, inbound, understanding)` returns the next conversation, the replies
and the effects (submit a lead, look up patents, list the user's leads) that the service carries
out in the same transaction as it saves the conversation.
"""
