"""Validating and resizing uploaded images."""
