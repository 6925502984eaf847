"""Settings of the ballot-burst bench: the product's, with one extra page for comparison.

``reference_urls`` adds ``/bench/referentie/<poll>/`` to the product's routes; nothing else
differs, so both bursts of ``ballot_burst.py`` run through the same middleware on the same
server processes.
"""

from samenspel.settings import *  # noqa: F403

ROOT_URLCONF = "bench.faults.reference_urls"
