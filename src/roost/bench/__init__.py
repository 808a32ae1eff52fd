"""``roost bench``: the load, fan-out and memory benchmark of the whole stack (see bench/README.md)."""
