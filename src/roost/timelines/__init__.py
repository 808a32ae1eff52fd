"""Home timelines (fan-out on write, hybrid for very large accounts) and the other timelines."""
