"""Use cases: what people do with Turnout, each as one function.

A use case checks who may do it and whether the input holds, writes in one transaction, queues
the messages it owes other people through the outbox, and wakes whatever must wake (the
scheduler, the review chat's announcement). Handlers call one use case and render its result;
the scheduler's jobs call the timed ones. See docs/ARCHITECTURE.md.
"""
