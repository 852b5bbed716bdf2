"""How long GUI tests wait for work that runs on a worker thread.

Reads and writes of the case, key derivation and the pool's queue take longer on a
loaded CI machine than pytest-qt's five-second default allows; waiting longer costs
nothing when the signal comes sooner.
"""

WORKER_MS = 20000
