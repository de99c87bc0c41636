"""Everything that makes or holds the alliance's graph: readers, mappers, identity, the store, ingest."""
