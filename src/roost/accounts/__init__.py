"""People: registration, profiles, passwords."""
