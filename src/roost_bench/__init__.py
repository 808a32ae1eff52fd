"""The Roost benchmark harness (``roost-bench``, installed with the ``bench`` extra):
load, fan-out and memory of the whole stack, see bench/README.md. It may import
``roost``; ``roost`` never imports it (an import-linter contract)."""
