"""Infrastructure behind the domain: engines, migrations, timeline stores, jobs, pub/sub, media."""
