"""Importing a WordPress export into a site: see ``importer`` for the steps, ARCHITECTURE.md for the design."""
