"""Everything live: how a committed change reaches open screens, and how a screen talks back.

- ``broadcast``: ``broadcast(group, message)`` after commit, and the outbox that sends the
  pushes of a process in commit order.
- ``hub``: per process, the local sockets of each group, fed by one channel-layer channel,
  and the watch that rejoins groups after a Redis restart.
- ``batching``: the batched, seq-ordered delivery of a summit's events, with a replay log.
- ``consumer``: ``HubConsumer``, the base of every live route's consumer.
- ``wire``: framing a frame once and writing it straight to many Daphne sockets.
- ``ws``: the handshake every live route shares (origin check, token login, close codes).
- ``frames``: writing our JSON frames and reading a client's.
- ``ratelimit``: a token bucket per person for live commands.
- ``loops``: state kept per event loop (``PerLoop``) and ``server_loop()``.

The package imports no app; apps import it.
"""
