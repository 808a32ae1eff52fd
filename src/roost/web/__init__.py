"""The web app: server-rendered pages for people in a browser, calling the same
domain actions and queries as the API. ``roost.web.app`` assembles it."""
