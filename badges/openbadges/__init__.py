"""The Open Badges core: unbaking, baking, parsing and verifying Open Badges 0.5–3.0.

Plain Python: nothing here imports Django or opens a socket. Remote documents arrive through a
``fetch`` callable passed in by the caller (see ``fetching.Fetch``), and "now" is passed in too,
so every function can be tested with a dict-backed fake and a frozen clock.
"""
