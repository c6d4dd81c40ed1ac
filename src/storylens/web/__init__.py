"""The web app: server-rendered pages over a store, each with a JSON twin, and an API to add articles."""
