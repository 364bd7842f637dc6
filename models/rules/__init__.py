"""Pure domain rules: functions of stored facts and an explicit `today`, with no I/O.

Nothing here imports the database, the queue, mail or the clock; callers pass the facts in.
"""
