"""A run's result (the numbered draft and its validation report, as JSON) and its live progress,
so `docent render RUN` and the web app read a finished run back, and a page reload sees where
a running one is."""

SQL = """
ALTER TABLE runs ADD COLUMN draft TEXT;
ALTER TABLE runs ADD COLUMN validation TEXT;
ALTER TABLE runs ADD COLUMN progress TEXT
"""
