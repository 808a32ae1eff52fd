"""``roost bench``: load, fan-out and memory benchmark of the whole stack (bench/README.md)."""
