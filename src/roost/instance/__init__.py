"""The community's own settings: who may sign up, its rules, and the about, terms and
privacy pages its admins write."""
