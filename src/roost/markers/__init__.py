"""Read markers: where a person stopped reading their home timeline and notifications."""
