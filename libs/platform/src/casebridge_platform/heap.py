"""The collector and a long-running process's heap."""

from __future__ import annotations

import gc


def freeze_started() -> int:
    """Keep what starting made (modules, engines, schemas, compiled statements: about 100,000
    objects a process) out of the collector's full passes, which walked all of it: 90-210 ms
    a pass, in every service at about the same moment, the pipeline's longest stall (issue
    15). Garbage is collected first so none is kept for good; the number of objects frozen."""
    gc.collect()
    gc.freeze()
    return gc.get_freeze_count()
