"""Trends: hashtags, links and posts whose use stands out against their own usual rate."""
