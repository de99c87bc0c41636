"""The alliance's own records: its member libraries and the write tokens."""
