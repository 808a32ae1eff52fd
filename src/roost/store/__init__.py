"""Infrastructure behind the domain: database engines, migrations, timeline stores, jobs, pub/sub, media."""
